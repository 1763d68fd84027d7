"""Reports: documents for supervisors and auditors, built from decisions and plans and returned as bytes."""

from .annual import Figures, History, annual_figures
from .bundle import annual_files, evaluation_files, inventory_files
from .counts import by_department, counts
from .evaluation import EvaluationSettings, Score, evaluate, indicators, objectives
from .fees import HeldHours, fees, fees_pdf, fees_xlsx, next_month_fees
from .inventory import InventoryRow, inventory_rows, inventory_xlsx
from .ledger import build_ledger
from .lifecycle import LIFECYCLE_ZH, States
from .month import Month, MonthError, parse_month
from .pdf import PdfError, print_pdf
from .prices import Prices, monthly
from .roadmap import gantt
from .sla import SlaTerms, sla
from .utilization import SystemFigures, UtilizationSettings, utilization

__all__ = [
    "LIFECYCLE_ZH",
    "EvaluationSettings",
    "Figures",
    "HeldHours",
    "History",
    "InventoryRow",
    "Month",
    "MonthError",
    "PdfError",
    "Prices",
    "Score",
    "SlaTerms",
    "States",
    "SystemFigures",
    "UtilizationSettings",
    "annual_figures",
    "annual_files",
    "build_ledger",
    "by_department",
    "counts",
    "evaluate",
    "evaluation_files",
    "fees",
    "fees_pdf",
    "fees_xlsx",
    "gantt",
    "indicators",
    "inventory_files",
    "inventory_rows",
    "inventory_xlsx",
    "monthly",
    "next_month_fees",
    "objectives",
    "parse_month",
    "print_pdf",
    "sla",
    "utilization",
]
