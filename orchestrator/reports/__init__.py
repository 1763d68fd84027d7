"""Reports: documents for supervisors and auditors, built from decisions and plans and returned as bytes."""

from .annual import Figures, History, annual_figures
from .evaluation import EvaluationSettings, Score, evaluate, indicators, objectives
from .inventory import InventoryRow, inventory_rows, inventory_xlsx
from .ledger import build_ledger

__all__ = [
    "EvaluationSettings",
    "Figures",
    "History",
    "InventoryRow",
    "Score",
    "annual_figures",
    "build_ledger",
    "evaluate",
    "indicators",
    "inventory_rows",
    "inventory_xlsx",
    "objectives",
]
