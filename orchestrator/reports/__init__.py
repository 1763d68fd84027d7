"""Reports: documents for supervisors and auditors, built from decisions and plans and returned as bytes."""

from .annual import Figures, History, annual_figures
from .bundle import annual_files, evaluation_files, inventory_files
from .counts import by_department, counts
from .evaluation import EvaluationSettings, Score, evaluate, indicators, objectives
from .inventory import InventoryRow, inventory_rows, inventory_xlsx
from .ledger import build_ledger
from .lifecycle import LIFECYCLE_ZH, States
from .pdf import PdfError, print_pdf
from .roadmap import gantt

__all__ = [
    "LIFECYCLE_ZH",
    "EvaluationSettings",
    "Figures",
    "History",
    "InventoryRow",
    "PdfError",
    "Score",
    "States",
    "annual_figures",
    "annual_files",
    "build_ledger",
    "by_department",
    "counts",
    "evaluate",
    "evaluation_files",
    "gantt",
    "indicators",
    "inventory_files",
    "inventory_rows",
    "inventory_xlsx",
    "objectives",
    "print_pdf",
]
