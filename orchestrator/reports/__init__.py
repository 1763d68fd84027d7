"""Reports: documents for supervisors and auditors, built from decisions and plans and returned as bytes."""

from .ledger import build_ledger

__all__ = ["build_ledger"]
