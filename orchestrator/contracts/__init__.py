"""Contracts between the stages: the render tree's layout and index, the metric names render and monitor share, the
wave inventory's text (render writes it, execute and lab read it), the YAML text render writes and reads, and the
availability-objective rule (render's alerts and the reports' scores).

Pure data and path arithmetic, below render, so the writer and every reader import one definition.
"""

from . import metrics, run, steps, tree
from .inventory import InventoryLoader, Unsafe, dump_inventory, load_inventory
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
from .objectives import OBJECTIVE_HIGH, OBJECTIVE_LOW, Objectives, availability_objective
from .run import (
    ApprovalStatus,
    JobKind,
    JobStatus,
    ManualTaskState,
    NoticeStatus,
    RequestStatus,
    StepStatus,
    SystemState,
    WaveState,
)
from .serialize import documents_of_kind, to_yaml, unfolded_yaml
from .tasks import ManualTask, Runbook, WaveTasks, wave_tasks
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
    "OBJECTIVE_HIGH",
    "OBJECTIVE_LOW",
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
    "ApprovalStatus",
    "IndexedSystem",
    "InventoryLoader",
    "JobKind",
    "JobStatus",
    "ManualTask",
    "ManualTaskState",
    "NoticeStatus",
    "Objectives",
    "RenderIndex",
    "RequestStatus",
    "Runbook",
    "StepStatus",
    "SystemState",
    "Tree",
    "Unsafe",
    "WaveState",
    "WaveTasks",
    "availability_objective",
    "documents_of_kind",
    "dump_inventory",
    "load_inventory",
    "metrics",
    "run",
    "steps",
    "to_yaml",
    "tree",
    "unfolded_yaml",
    "wave_tasks",
]
