"""The store: SQLAlchemy 2 over SQLite (WAL) by default or PostgreSQL by URL; state, events and the audit log."""

from sqlalchemy import Engine  # the handle adapters pass around; only the store looks inside it

from .accounts import Accounts
from .approvals import ApprovalRefused, Approvals, Asked
from .engine import DEFAULT_URL, open_store
from .failures import StoreFailure, describe_failure, integrity_problem
from .health import Change, HealthStore, StaleCycle, StateRow, UsageSample
from .history import moved, retired, watched
from .interfaces import LeaseBook, RunLog
from .leases import Holder, Leases
from .queue import Job, Queued, RunQueue
from .repo import Store, aware, utcnow
from .reviews import MAX_COMMENT, PENDING, Review, ReviewRefused, Reviews
from .schema import Audit, Event, Figure, StepLog, SystemRun, WaveRun
from .seeding import seeding
from .sessions import Sessions, Signed
from .throttle import SignInThrottle

__all__ = [
    "DEFAULT_URL",
    "MAX_COMMENT",
    "PENDING",
    "Accounts",
    "ApprovalRefused",
    "Approvals",
    "Asked",
    "Audit",
    "Change",
    "Engine",
    "Event",
    "Figure",
    "HealthStore",
    "Holder",
    "Job",
    "LeaseBook",
    "Leases",
    "Queued",
    "Review",
    "ReviewRefused",
    "Reviews",
    "RunLog",
    "RunQueue",
    "Sessions",
    "SignInThrottle",
    "Signed",
    "StaleCycle",
    "StateRow",
    "StepLog",
    "Store",
    "StoreFailure",
    "SystemRun",
    "UsageSample",
    "WaveRun",
    "aware",
    "describe_failure",
    "integrity_problem",
    "moved",
    "open_store",
    "retired",
    "seeding",
    "utcnow",
    "watched",
]
