"""The store: SQLAlchemy 2 over SQLite (WAL) by default or PostgreSQL by URL; state, events and the audit log."""

from sqlalchemy import Engine  # the handle adapters pass around; only the store looks inside it

from .accounts import Accounts
from .approvals import ApprovalRefused, Approvals, Asked
from .audit import RETENTION_DAYS as AUDIT_RETENTION_DAYS
from .audit import AuditLog, AuditRefused, ChainBreak, ChainReport, Pruned, entry_json
from .clock import Clock, aware, utcnow
from .engine import DEFAULT_URL, open_store
from .failures import StoreFailure, describe_failure, integrity_problem
from .fences import Fence, Fenced
from .health import Change, HealthStore, StaleCycle, StateRow, UsageSample
from .history import moved, retired, watched
from .interfaces import LeaseBook, RunLog
from .keys import KeyFailure, key_path
from .leases import Holder, Leases
from .manual_tasks import ManualTasks, TaskClosed, TaskRow
from .notices import ChainEntry, NoticeRow, Notices, Owed
from .password_history import PasswordHistoryBook
from .patience import Patience, StoreGone, unreachable
from .preflights import Preflights, RecordedPreflight
from .queue import Job, Queued, RunQueue
from .repo import Store
from .resource_requests import RequestRefused, ResourceRequest, ResourceRequests
from .reviews import MAX_COMMENT, PENDING, Review, ReviewRefused, Reviews
from .schema import Audit, Event, Figure, StepLog, SystemRun, WaveRun
from .second_factor import SecondFactors
from .security_settings import SecurityPolicy, SecuritySettings
from .seeding import seeding
from .sessions import Sessions, Signed
from .throttle import SignInThrottle
from .tokens import TokenInfo, Tokens
from .workers import WorkerBeats, WorkerSeen

__all__ = [
    "AUDIT_RETENTION_DAYS",
    "DEFAULT_URL",
    "MAX_COMMENT",
    "PENDING",
    "Accounts",
    "ApprovalRefused",
    "Approvals",
    "Asked",
    "Audit",
    "AuditLog",
    "AuditRefused",
    "ChainBreak",
    "ChainEntry",
    "ChainReport",
    "Change",
    "Clock",
    "Engine",
    "Event",
    "Fence",
    "Fenced",
    "Figure",
    "HealthStore",
    "Holder",
    "Job",
    "KeyFailure",
    "LeaseBook",
    "Leases",
    "ManualTasks",
    "NoticeRow",
    "Notices",
    "Owed",
    "PasswordHistoryBook",
    "Patience",
    "Preflights",
    "Pruned",
    "Queued",
    "RecordedPreflight",
    "RequestRefused",
    "ResourceRequest",
    "ResourceRequests",
    "Review",
    "ReviewRefused",
    "Reviews",
    "RunLog",
    "RunQueue",
    "SecondFactors",
    "SecurityPolicy",
    "SecuritySettings",
    "Sessions",
    "SignInThrottle",
    "Signed",
    "StaleCycle",
    "StateRow",
    "StepLog",
    "Store",
    "StoreFailure",
    "StoreGone",
    "SystemRun",
    "TaskClosed",
    "TaskRow",
    "TokenInfo",
    "Tokens",
    "UsageSample",
    "WaveRun",
    "WorkerBeats",
    "WorkerSeen",
    "aware",
    "describe_failure",
    "entry_json",
    "integrity_problem",
    "key_path",
    "moved",
    "open_store",
    "retired",
    "seeding",
    "unreachable",
    "utcnow",
    "watched",
]
