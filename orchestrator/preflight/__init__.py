"""Preflight: what a wave's night will lean on, checked before it (the tree unchanged since render, the hosts
reachable and passing their precheck in check mode, the front ends' switch, the clocks, each target's health URL
as the prober sees it), as findings in the contract's shape."""

from .findings import CHECKS, Finding, Preflight, Severity
from .health_checks import check_health
from .host_checks import check_hosts
from .tree_checks import check_tree

__all__ = ["CHECKS", "Finding", "Preflight", "Severity", "check_health", "check_hosts", "check_tree"]
