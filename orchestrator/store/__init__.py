"""The store: SQLAlchemy 2 over SQLite (WAL) by default or PostgreSQL by URL; state, events and the audit log."""

from .accounts import Accounts
from .engine import DEFAULT_URL, open_store
from .health import HealthStore
from .repo import Store, aware, utcnow
from .schema import Audit, Event, StepLog, SystemRun, WaveRun

__all__ = [
    "DEFAULT_URL",
    "Accounts",
    "Audit",
    "Event",
    "HealthStore",
    "StepLog",
    "Store",
    "SystemRun",
    "WaveRun",
    "aware",
    "open_store",
    "utcnow",
]
