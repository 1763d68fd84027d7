"""The application layer: the one composition of the stages that the CLI and the web both stand on."""

from .asking import ask
from .executors import GatePolicy, RunGuard, build_executor
from .holding import holding
from .intake import check_upload, format_of, ledger, read_plan, read_plans
from .irreversible import IRREVERSIBLE, WaveFinished, WrongKey, admissible, check_key, refuse_finished
from .lifecycle import STATE_ZH, Lifecycle, lifecycles, moved_in, say_on_system
from .moves import MoveSummary, summarize, wave_documents
from .portfolio import Portfolio
from .reports import REPORTS, PdfError, Report, ReportKind, ReportRequest, build_report, register
from .tree_files import Written
from .worker import Worker, worker_name

__all__ = [
    "IRREVERSIBLE",
    "REPORTS",
    "STATE_ZH",
    "GatePolicy",
    "Lifecycle",
    "MoveSummary",
    "PdfError",
    "Portfolio",
    "Report",
    "ReportKind",
    "ReportRequest",
    "RunGuard",
    "WaveFinished",
    "Worker",
    "Written",
    "WrongKey",
    "admissible",
    "ask",
    "build_executor",
    "build_report",
    "check_key",
    "check_upload",
    "format_of",
    "holding",
    "ledger",
    "lifecycles",
    "moved_in",
    "read_plan",
    "read_plans",
    "refuse_finished",
    "register",
    "say_on_system",
    "summarize",
    "wave_documents",
    "worker_name",
]
