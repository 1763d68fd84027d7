"""Supervision: a fixed set of PromQL queries per cycle, health states with hysteresis, usage history, alerts."""

from .alerts import Alertmanager
from .catalog import CatalogError, ProbeSpec, load_catalog
from .classify import advance, observe
from .collect import Collector, connect
from .cycle import CycleResult, Monitor
from .dashboard import dashboard
from .gate import Held, ProbeHeld
from .model import STATE_ZH, Observation, Snapshot, State, Target, Track
from .queries import Query, cycle_queries
from .reasons import REASONS, reason_said, state_said
from .routing import AlertRouting, Receiver, alertmanager_config
from .scheduler import MonitorConfig, run, run_cycle
from .scrape import scrape_config
from .settings import MonitorSettings
from .status import health_document, ordered
from .usage import measured_usage

__all__ = [
    "REASONS",
    "STATE_ZH",
    "AlertRouting",
    "Alertmanager",
    "CatalogError",
    "Collector",
    "CycleResult",
    "Held",
    "Monitor",
    "MonitorConfig",
    "MonitorSettings",
    "Observation",
    "ProbeHeld",
    "ProbeSpec",
    "Query",
    "Receiver",
    "Snapshot",
    "State",
    "Target",
    "Track",
    "advance",
    "alertmanager_config",
    "connect",
    "cycle_queries",
    "dashboard",
    "health_document",
    "load_catalog",
    "measured_usage",
    "observe",
    "ordered",
    "reason_said",
    "run",
    "run_cycle",
    "scrape_config",
    "state_said",
]
