"""The application layer: the one composition of the stages that the CLI and the web both stand on."""

from .asking import ask
from .executors import GatePolicy, build_executor
from .intake import check_upload, format_of, ledger, read_plan, read_plans
from .lifecycle import STATE_ZH, Lifecycle, lifecycles, moved_in, say_on_system
from .moves import MoveSummary, summarize, wave_documents
from .portfolio import Portfolio
from .reports import REPORTS, PdfError, Report, ReportKind, ReportRequest, build_report, register
from .tree_files import Written
from .worker import Worker, worker_name

__all__ = [
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
    "Worker",
    "Written",
    "ask",
    "build_executor",
    "build_report",
    "check_upload",
    "format_of",
    "ledger",
    "lifecycles",
    "moved_in",
    "read_plan",
    "read_plans",
    "register",
    "say_on_system",
    "summarize",
    "wave_documents",
    "worker_name",
]
