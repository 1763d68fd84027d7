"""The application layer: the one composition of the stages that the CLI and the web both stand on."""

from .asking import ask
from .discover_inventory import waves_of
from .discover_run import Discovered, DiscoverError, discover
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
from .observed import (
    Contradicted,
    DepartmentFindings,
    ObservedRoadmap,
    check_observed,
    department_findings,
    discovery_runner,
    plan_observed,
    read_discovery_settings,
    read_observation,
    record,
    validate_observed,
    write_observation,
)
from .portfolio import Portfolio
from .preflight import PreflightMissing, require_preflight, run_preflight
from .reports import REPORTS, PdfError, Report, ReportKind, ReportRequest, build_report, register
from .tree_files import Written
from .worker import Worker, worker_name

__all__ = [
    "IRREVERSIBLE",
    "REPORTS",
    "STATE_ZH",
    "Contradicted",
    "DepartmentFindings",
    "DiscoverError",
    "Discovered",
    "GatePolicy",
    "Lifecycle",
    "MeasuredUsage",
    "MoneyFailure",
    "MoneyReport",
    "MoveSummary",
    "ObservedRoadmap",
    "PdfError",
    "Portfolio",
    "PreflightMissing",
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
    "check_observed",
    "check_upload",
    "department_findings",
    "discover",
    "discovery_runner",
    "fees_report",
    "format_of",
    "ledger",
    "lifecycles",
    "moved_in",
    "plan_names",
    "plan_observed",
    "read_discovery_settings",
    "read_observation",
    "read_plan",
    "read_plans",
    "record",
    "refuse_finished",
    "register",
    "require_preflight",
    "run_preflight",
    "say_on_system",
    "sla_report",
    "summarize",
    "utilization_report",
    "validate_observed",
    "wave_documents",
    "waves_of",
    "worker_name",
    "write_observation",
]
