"""The store: SQLAlchemy 2 over SQLite (WAL) by default or PostgreSQL by URL; state, events and the audit log."""

from .accounts import Accounts
from .engine import DEFAULT_URL, open_store
from .failures import StoreFailure, describe_failure, integrity_problem
from .health import HealthStore
from .leases import Holder, Leases
from .repo import Store, aware, utcnow
from .schema import Audit, Event, StepLog, SystemRun, WaveRun
from .sessions import Sessions, Signed

__all__ = [
    "DEFAULT_URL",
    "Accounts",
    "Audit",
    "Event",
    "HealthStore",
    "Holder",
    "Leases",
    "Sessions",
    "Signed",
    "StepLog",
    "Store",
    "StoreFailure",
    "SystemRun",
    "WaveRun",
    "aware",
    "describe_failure",
    "integrity_problem",
    "open_store",
    "utcnow",
]
