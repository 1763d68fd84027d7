"""Contracts between the stages: the render tree's layout and index, and the metric names render and monitor share.

Pure data and path arithmetic, below render, so the writer and every reader import one definition.
"""

from . import metrics, steps, tree
from .metrics import (
    AGGREGATION_LABELS,
    BURN_ALERT,
    BY,
    ERRORS,
    HEALTH_JOB,
    LATENCY_P95,
    NO_DATA_ALERT,
    PAGE,
    PIPELINE_DEPARTMENT,
    PROBE_SECONDS,
    PROBER_DOWN_ALERT,
    PROBES_ABSENT_ALERT,
    RECORDED_BY,
    REQUEST_BURN_ALERT,
    REQUEST_ERRORS,
    TICKET,
    WATCHDOG_ALERT,
    WINDOWS,
)
from .tree import MANAGED, IndexedSystem, RenderIndex, Tree

__all__ = [
    "AGGREGATION_LABELS",
    "BURN_ALERT",
    "BY",
    "ERRORS",
    "HEALTH_JOB",
    "LATENCY_P95",
    "MANAGED",
    "NO_DATA_ALERT",
    "PAGE",
    "PIPELINE_DEPARTMENT",
    "PROBER_DOWN_ALERT",
    "PROBES_ABSENT_ALERT",
    "PROBE_SECONDS",
    "RECORDED_BY",
    "REQUEST_BURN_ALERT",
    "REQUEST_ERRORS",
    "TICKET",
    "WATCHDOG_ALERT",
    "WINDOWS",
    "IndexedSystem",
    "RenderIndex",
    "Tree",
    "metrics",
    "steps",
    "tree",
]
