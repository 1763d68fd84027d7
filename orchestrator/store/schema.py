"""The tables: wave and system state, the step log, Ansible events, the audit log, health and usage history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class WaveRun(Base):
    __tablename__ = "wave_runs"
    wave: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # running | paused | done | failed
    check_mode: Mapped[bool] = mapped_column(default=False)
    tree: Mapped[str] = mapped_column(Text)
    failure_budget: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WaveLease(Base):
    """Who runs a wave now (one runner per wave record): owner token, where, and the last sign of life."""

    __tablename__ = "wave_leases"
    wave: Mapped[str] = mapped_column(String(48), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FenceToken(Base):
    """A wave record's fencing token: raised by one at every take and takeover of its lease, never lowered nor
    deleted (a released lease keeps its record's token), so a runner that lost the lease holds a smaller one and
    every state write it tries is refused (store/fences.py)."""

    __tablename__ = "fence_tokens"
    record: Mapped[str] = mapped_column(String(48), primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)
    owner: Mapped[str] = mapped_column(String(64))
    stale_after: Mapped[float | None] = mapped_column(Float, nullable=True)
    """What the holder asks of a taker: take over after this many quiet seconds (shorter in the window)."""


class SystemRun(Base):
    __tablename__ = "system_runs"
    wave: Mapped[str] = mapped_column(ForeignKey("wave_runs.wave"), primary_key=True)
    system: Mapped[str] = mapped_column(String(140), primary_key=True)  # DEPT/id
    state: Mapped[str] = mapped_column(String(16))
    step: Mapped[str | None] = mapped_column(String(16), nullable=True)
    step_status: Mapped[str | None] = mapped_column(String(16), nullable=True)  # started | finished | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StepLog(Base):
    __tablename__ = "step_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    wave: Mapped[str] = mapped_column(String(32))
    system: Mapped[str] = mapped_column(String(140))
    step: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_step_log_system", "wave", "system"),)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    wave: Mapped[str] = mapped_column(String(32))
    system: Mapped[str] = mapped_column(String(140))
    step: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(64))
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    task: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    __table_args__ = (Index("ix_events_system", "wave", "system"),)


class Figure(Base):
    """What a step measured (a database's rows and checksums on both sides, a file tree's digest, the position a
    replica caught up to): stored with the step, shown by `govmig status` and the wave page."""

    __tablename__ = "figures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    wave: Mapped[str] = mapped_column(String(32))
    system: Mapped[str] = mapped_column(String(140))
    step: Mapped[str] = mapped_column(String(16))
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    __table_args__ = (Index("ix_figures_system", "wave", "system"),)


class Audit(Base):
    """Who did what, when, with what result. Append-only: the database itself refuses updates and deletes, and
    each entry is chained to the one before it (store/audit.py): `seq` is its place in the chain and `mac` the
    site key's MAC over its fields and its predecessor's `mac`, so a rewrite by whoever holds the file is seen."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(255))
    result: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mac: Mapped[str | None] = mapped_column(String(80), nullable=True)
    __table_args__ = (Index("ux_audit_seq", "seq", unique=True),)


class AuditHead(Base):
    """The audit chain's newest entry (one row): what appending entries lock to take their turn, and what tells
    `govmig audit verify` that entries were cut from the chain's end."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    mac: Mapped[str] = mapped_column(String(80), default="")


class HealthState(Base):
    """The monitor's current view of one system, with the hysteresis it needs to survive a restart."""

    __tablename__ = "health_states"
    system: Mapped[str] = mapped_column(String(140), primary_key=True)  # DEPT/id
    department: Mapped[str] = mapped_column(String(64), index=True)
    zone: Mapped[str] = mapped_column(String(16))
    wave: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # up | degraded | down | unknown
    reason: Mapped[str] = mapped_column(String(32))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pending: Mapped[str | None] = mapped_column(String(16), nullable=True)
    pending_count: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HealthTransition(Base):
    """Every change of a system's health state: the event stream the health gate and the dashboard read."""

    __tablename__ = "health_transitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system: Mapped[str] = mapped_column(String(140), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    old: Mapped[str] = mapped_column(String(16))
    new: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class UsageDay(Base):
    """One system's usage on one day, rolled up cycle by cycle: bounded (a row a day), enough for Z1, Z3, Z5."""

    __tablename__ = "usage_days"
    system: Mapped[str] = mapped_column(String(140), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    requests: Mapped[float] = mapped_column(Float, default=0.0)
    request_samples: Mapped[int] = mapped_column(Integer, default=0)
    """Cycles that saw request metrics: a system without them has no measured request count, not zero."""
    cpu_sum: Mapped[float] = mapped_column(Float, default=0.0)
    cpu_samples: Mapped[int] = mapped_column(Integer, default=0)
    samples: Mapped[int] = mapped_column(Integer, default=0)
    up_samples: Mapped[int] = mapped_column(Integer, default=0)
    last_request_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MonitorCycle(Base):
    __tablename__ = "monitor_cycles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(Float)
    queries: Mapped[int] = mapped_column(Integer)
    reachable: Mapped[bool] = mapped_column()
    systems: Mapped[int] = mapped_column(Integer)
    transitions: Mapped[int] = mapped_column(Integer)


class User(Base):
    """A person or script using the web service. Passwords are kept as argon2 hashes only."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # department | ops | supervisor
    department: Mapped[str | None] = mapped_column(String(64), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(default=False)


class WebSession(Base):
    """A browser session, by the SHA-256 of its cookie token: ended by sign-out, a new password or a disabled user."""

    __tablename__ = "web_sessions"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInFailure(Base):
    """One failed sign-in under one of its throttle keys (the SHA-256 of user and source, source, or user): kept in
    the store so every replica behind the proxy counts the same failures, and no typed name is kept in clear."""

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class QueuedRun(Base):
    """Work the web and the CLI ask for and a worker carries out (`govmig worker`): a wave's run, or one system's
    rollback or decommissioning. A worker claims a queued row, keeps its lease alive with a heartbeat, and a row
    whose heartbeat stopped is claimed again by another worker, which resumes it from the step log."""

    __tablename__ = "run_queue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # run | rollback | decommission | retire | rollback_discard
    wave: Mapped[str] = mapped_column(String(32))
    system: Mapped[str | None] = mapped_column(String(140), nullable=True)
    check_mode: Mapped[bool] = mapped_column(default=False)
    tree: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(
        String(16), index=True
    )  # queued | claimed | done | failed | refused | cancelled
    worker: Mapped[str | None] = mapped_column(String(255), nullable=True)
    claims: Mapped[int] = mapped_column(Integer, default=0)
    pause: Mapped[bool] = mapped_column(default=False)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (
        # one unfinished job per record, whichever replica asks (two asking at once: the second is refused)
        Index(
            "run_queue_one_active",
            "record",
            unique=True,
            sqlite_where=text("status IN ('queued', 'claimed')"),
            postgresql_where=text("status IN ('queued', 'claimed')"),
        ),
    )


class Department(Base):
    """A department the service knows: created by `govmig department add` or with a user of it, never by a
    request to a path that names it."""

    __tablename__ = "departments"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class ApiToken(Base):
    """A bearer token, kept as its SHA-256 only: the token itself is shown once, when it is made."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanVersion(Base):
    """Every plan a department submitted, valid or not, as it came (text, or base64 for Excel) and as parsed."""

    __tablename__ = "plan_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    valid: Mapped[bool] = mapped_column()
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ux_plan_versions", "department", "version", unique=True),)


class PlanReview(Base):
    """A supervisor's review of one plan version (002 三(二)): approve, or return with a comment. Rows are only
    added: a version's status is its latest review, and an approval is final (a later version supersedes it)."""

    __tablename__ = "plan_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))  # approve | return
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenTerm(Base):
    """When a bearer token lapses, whether it was revoked and when it was last used: kept beside `api_tokens` (a
    store made before it has the tokens but not this table; such a token lapses 90 days after it was made)."""

    __tablename__ = "api_token_terms"
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TotpSeed(Base):
    """A user's TOTP seed (RFC 6238), sealed with the site's key (never in clear), and the last time step a code
    was accepted for: a code is good once."""

    __tablename__ = "totp_seeds"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)
    last_step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PasswordHistory(Base):
    """Every password a user was given, as its argon2 hash: the newest says when it was set (expiry) and whether an
    administrator gave it (then the user changes it at the next sign-in), the last few may not be used again."""

    __tablename__ = "password_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    given: Mapped[bool] = mapped_column(default=False)
    """Set by an administrator (a new account, a reset), not by the user: to be changed at the next sign-in."""


class SecuritySetting(Base):
    """The security settings the 安全管理员 keeps (password policy, lockout, sessions, second factor): one row per
    setting, read by every replica."""

    __tablename__ = "security_settings"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))


class Approval(Base):
    """An irreversible operation asked for and waiting for a second person (shared/DOMAIN.md v1.2): decommissioning
    a source, retiring a zombie, a rollback that discards the target's writes. It runs only once another person
    approves it; the asker can never approve their own ask. `options` keeps what the ask carried (the tree, the
    observation period) so that what runs on approval is what was asked."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # decommission | retire | rollback_discard
    system: Mapped[str] = mapped_column(String(140))  # DEPT/ID
    wave: Mapped[str] = mapped_column(String(32))
    asked_by: Mapped[str] = mapped_column(String(128))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)  # approve | reject
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | approved | rejected
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ticket: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The change ticket the decision carries (required to approve a cutover's go): store/upgrades.py adds the
    column to a store made before it."""


class Notice(Base):
    """A notification owed to one recipient (issue 40; shared/DOMAIN.md v1.2 "Notifications"): raised from the
    audit entry `seq` (one entry, one event, one recipient: unique, so two collectors never owe it twice), sent by
    whichever notifier claims it first, retried with a growing pause until `sent` or given up (`failed`)."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("seq", "event", "recipient", name="notices_once"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    event: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(255))  # webhook:NAME | mail:ADDRESS
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class NoticeCursor(Base):
    """How far the notifiers have read the audit chain (its `seq`): one row, moved forward only."""

    __tablename__ = "notice_cursor"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)


class PreflightRecord(Base):
    """A wave's preflight (`govmig preflight`): when, on which tree, whether it was ready, what it found. A real
    run asks for a ready one of the same tree, young enough (shared/DOMAIN.md v1.2)."""

    __tablename__ = "preflights"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    wave: Mapped[str] = mapped_column(String(32), index=True)
    tree: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ready: Mapped[bool] = mapped_column(default=False)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    actor: Mapped[str] = mapped_column(String(128))


class TaskState(Base):
    """A manual task of the night's runbook for one system of a wave record, closed: by whom, when, with what
    note (contracts/tasks.py)."""

    __tablename__ = "manual_tasks"
    wave: Mapped[str] = mapped_column(String(48), primary_key=True)
    system: Mapped[str] = mapped_column(String(140), primary_key=True)
    task: Mapped[str] = mapped_column(String(64), primary_key=True)
    done_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class ResourceRequestRow(Base):
    """A department's ask about what a system holds (issue 41, 资源监管): resize it (`to_*` the new vCPU, memory
    and storage) or keep an idle system (with its reason). A supervisor other than the asker approves or returns
    it with a comment; an approved resize is carried by render and its effect on the fees is in the ledger."""

    __tablename__ = "resource_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # resize | keep
    department: Mapped[str] = mapped_column(String(64), index=True)
    system: Mapped[str] = mapped_column(String(140), index=True)  # DEPT/ID
    sizes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """{"from": {cpu, memory_gib, storage_gib}, "to": {...} (resize only), "basis": "declared" | "measured"}"""
    reason: Mapped[str] = mapped_column(Text, default="")
    asked_by: Mapped[str] = mapped_column(String(128))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | approved | returned
    decided_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")


class WorkerBeat(Base):
    """A worker (`govmig worker`) saying it is alive, busy or idle: which tree it serves, since when, its last
    beat and how often it beats; `stopped_at` when it stopped of itself. The ops pages tell from it whether any
    worker will take a queued job."""

    __tablename__ = "worker_beats"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    tree: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    every: Mapped[float] = mapped_column(Float, default=5.0)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
