"""The tables: per-system state of each wave, the step log, Ansible events, and the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
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


class Audit(Base):
    """Who did what, when, with what result. Append-only: the database itself refuses updates and deletes."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(255))
    result: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
