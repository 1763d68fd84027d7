"""Execute: run waves through ansible-runner with a persisted state machine per system, and a way back."""

from .applier import ApplyResult, ManifestApplier
from .engine import Outcome, WaveExecutor, record_name
from .errors import ExecuteError, WaveBusy
from .health import GateResult, HealthGate
from .kube import KubeApplier, api_client
from .runner import AnsibleRunner, PlaybookRunner, RunRequest, RunResult
from .states import ROLLBACK, RUN_STATE_ZH, STEPS, Step, next_step

__all__ = [
    "ROLLBACK",
    "RUN_STATE_ZH",
    "STEPS",
    "AnsibleRunner",
    "ApplyResult",
    "ExecuteError",
    "GateResult",
    "HealthGate",
    "KubeApplier",
    "ManifestApplier",
    "Outcome",
    "PlaybookRunner",
    "RunRequest",
    "RunResult",
    "Step",
    "WaveBusy",
    "WaveExecutor",
    "api_client",
    "next_step",
    "record_name",
]
