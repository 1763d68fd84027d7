"""The preflights recorded: each run of `govmig preflight` with what it found, and the one a real run of the wave
leans on (the newest of the same tree). Recording it is audited (`wave.preflight`, ready or not_ready), which is
also what tells the notifiers of a failed preflight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from .clock import Clock, aware, utcnow
from .schema import Audit, PreflightRecord


@dataclass(frozen=True)
class RecordedPreflight:
    id: int
    wave: str
    tree: str
    at: datetime
    ready: bool
    findings: list[dict[str, Any]]
    actor: str


def _row(r: PreflightRecord) -> RecordedPreflight:
    return RecordedPreflight(r.id, r.wave, r.tree, aware(r.at), r.ready, list(r.findings), r.actor)


class Preflights:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.clock = engine, clock
        self.session = sessionmaker(engine, expire_on_commit=False)

    def record(
        self, wave: str, tree: str, at: datetime, ready: bool, findings: list[dict[str, Any]], actor: str
    ) -> RecordedPreflight:
        critical = sum(1 for f in findings if f.get("severity") == "critical")
        warnings = len(findings) - critical
        with self.session.begin() as s:
            row = PreflightRecord(wave=wave, tree=tree, at=at, ready=ready, findings=findings, actor=actor)
            s.add(row)
            s.add(
                Audit(
                    at=at,
                    actor=actor,
                    action="wave.preflight",
                    target=wave,
                    result="ready" if ready else "not_ready",
                    detail=f"critical={critical} warnings={warnings}"
                    + "".join(
                        f"; {f.get('system') or wave} {f.get('check')}"
                        for f in findings
                        if f.get("severity") == "critical"
                    )[:1500],
                )
            )
            s.flush()
            return _row(row)

    def latest(self, wave: str, tree: str | None = None) -> RecordedPreflight | None:
        """The newest preflight of `wave` (of that tree, when given)."""
        query = select(PreflightRecord).where(PreflightRecord.wave == wave)
        if tree is not None:
            query = query.where(PreflightRecord.tree == tree)
        with self.session() as s:
            row = s.scalar(query.order_by(PreflightRecord.id.desc()).limit(1))
            return _row(row) if row else None
