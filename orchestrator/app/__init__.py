"""The application layer: the one composition of the stages that the CLI and the web both stand on."""

from .asking import ask
from .executors import GatePolicy, build_executor
from .intake import check_upload, format_of, ledger, read_plan, read_plans
from .irreversible import IRREVERSIBLE, WaveFinished, WrongKey, admissible, check_key, refuse_finished
from .lifecycle import STATE_ZH, Lifecycle, lifecycles, moved_in, say_on_system
from .money import (
    MeasuredUsage,
    MoneyFailure,
    MoneyReport,
    Prices,
    SlaTerms,
    UtilizationSettings,
    fees_report,
    plan_names,
    sla_report,
    utilization_report,
)
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
    "MeasuredUsage",
    "MoneyFailure",
    "MoneyReport",
    "MoveSummary",
    "PdfError",
    "Portfolio",
    "Prices",
    "Report",
    "ReportKind",
    "ReportRequest",
    "SlaTerms",
    "UtilizationSettings",
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
    "fees_report",
    "format_of",
    "ledger",
    "lifecycles",
    "moved_in",
    "plan_names",
    "read_plan",
    "read_plans",
    "refuse_finished",
    "register",
    "say_on_system",
    "sla_report",
    "summarize",
    "utilization_report",
    "wave_documents",
    "worker_name",
]
