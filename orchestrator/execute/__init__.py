"""Execute: run waves through ansible-runner with a persisted state machine per system, and a way back."""

from .engine import Outcome, WaveExecutor, record_name
from .errors import ExecuteError, WaveBusy
from .health import GateResult, HealthGate
from .runner import AnsibleRunner, PlaybookRunner, RunRequest, RunResult
from .states import ROLLBACK, STEPS, Step, next_step

__all__ = [
    "ROLLBACK",
    "STEPS",
    "AnsibleRunner",
    "ExecuteError",
    "GateResult",
    "HealthGate",
    "Outcome",
    "PlaybookRunner",
    "RunRequest",
    "RunResult",
    "Step",
    "WaveBusy",
    "WaveExecutor",
    "next_step",
    "record_name",
]
