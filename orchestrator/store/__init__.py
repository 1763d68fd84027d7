"""The store: SQLAlchemy 2 over SQLite (WAL) by default or PostgreSQL by URL; state, events and the audit log."""

from .engine import DEFAULT_URL, open_store
from .repo import Store, utcnow
from .schema import Audit, Event, StepLog, SystemRun, WaveRun

__all__ = [
    "DEFAULT_URL",
    "Audit",
    "Event",
    "StepLog",
    "Store",
    "SystemRun",
    "WaveRun",
    "open_store",
    "utcnow",
]
