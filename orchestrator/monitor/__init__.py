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
from .resources import Hourly, SystemMonth, Unanswered, ask, hourly_allocation, month_figures, zone_minutes
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
    "Hourly",
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
    "SystemMonth",
    "Target",
    "Track",
    "Unanswered",
    "advance",
    "alertmanager_config",
    "ask",
    "connect",
    "cycle_queries",
    "dashboard",
    "health_document",
    "hourly_allocation",
    "load_catalog",
    "measured_usage",
    "month_figures",
    "observe",
    "ordered",
    "reason_said",
    "run",
    "run_cycle",
    "scrape_config",
    "state_said",
    "zone_minutes",
]
