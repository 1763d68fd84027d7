"""Two people for what cannot be undone (shared/DOMAIN.md v1.2): asks waiting for a second person's approval.

Decommissioning a source, retiring a zombie and a rollback that discards the target's writes are asked here
(the system's key typed out by the asker, checked by the adapter) and run only once another person approves.
The asker can never approve their own ask: such a try is refused and audited. Every ask, approval, rejection
and refusal is an audit entry. A decision is taken once: the update names the `pending` state it saw, so two
people deciding at once cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from ..contracts import ApprovalStatus
from .clock import Clock, aware, utcnow
from .repo import Store
from .schema import Approval
from .second_person import Kind, Refused, decide_once

KINDS: dict[str, tuple[str, str]] = {
    "decommission": ("下线源系统", "decommission the source"),
    "retire": ("清理僵尸系统", "retire the zombie"),
    "rollback_discard": ("回退并丢弃目标上的写入", "roll back, discarding the target's writes"),
    "cutover_go": ("切换放行（go/no-go）", "the cutover's go/no-go"),
}
"""What is asked of a second person: the irreversible operations, and the cutover's go where the site asks for one
(asked by the run itself, before each system's cutover: app/cutover_go.py)."""
DECISIONS = {"approve": "approved", "reject": "rejected"}
STATUSES = tuple(ApprovalStatus)
"""refused: approved, but what it asked for could not start (the executor said no); ask again once fixed."""
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Asked:
    id: int
    kind: str
    system: str
    wave: str
    asked_by: str
    asked_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: str | None
    comment: str
    status: str
    options: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        zh, en = KINDS.get(self.kind, (self.kind, self.kind))
        return {
            "id": self.id,
            "kind": self.kind,
            "kind_zh": zh,
            "kind_en": en,
            "system": self.system,
            "wave": self.wave,
            "asked_by": self.asked_by,
            "asked_at": self.asked_at.isoformat(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decision": self.decision,
            "comment": self.comment,
            "status": self.status,
        }


class ApprovalRefused(Refused):
    """An ask or a decision that cannot be made: its reason in Chinese and English and the HTTP status it means."""


APPROVAL = Kind("审批", "approval", "approval", Approval, ApprovalStatus.pending, ApprovalRefused)


def _asked(row: Approval) -> Asked:
    return Asked(
        row.id,
        row.kind,
        row.system,
        row.wave,
        row.asked_by,
        aware(row.asked_at),
        row.decided_by,
        aware(row.decided_at) if row.decided_at else None,
        row.decision,
        row.comment or "",
        row.status,
        dict(row.options or {}),
    )


class Approvals:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.session = engine, sessionmaker(engine, expire_on_commit=False)
        self.clock = clock
        self.log = Store(engine, clock)

    def ask(
        self, kind: str, system: str, wave: str, asked_by: str, options: dict[str, Any] | None = None
    ) -> Asked:
        """Records the ask (audited `approval.ask`); refused when the same operation on the same system waits
        already."""
        if kind not in KINDS:
            raise ValueError(kind)
        with self.session.begin() as s:
            waiting = s.scalars(
                select(Approval).where(
                    Approval.kind == kind,
                    Approval.system == system,
                    Approval.status == ApprovalStatus.pending,
                )
            ).first()
            if waiting is not None:
                raise ApprovalRefused(
                    409,
                    f"{system} 的同一操作已在等待审批（{waiting.id} 号，{waiting.asked_by} 提出）",
                    f"the same operation on {system} already waits for approval "
                    f"(#{waiting.id}, asked by {waiting.asked_by})",
                )
            row = Approval(
                kind=kind,
                system=system,
                wave=wave,
                asked_by=asked_by,
                asked_at=self.clock(),
                comment="",
                status="pending",
                options=options or {},
            )
            s.add(row)
            s.flush()
            asked = _asked(row)
        self.log.audit(asked_by, "approval.ask", system, "pending", f"#{asked.id} {kind} {wave}")
        return asked

    def get(self, id_: int) -> Asked | None:
        with self.session() as s:
            row = s.get(Approval, id_)
            return _asked(row) if row is not None else None

    def list(self, status: str | None = None) -> list[Asked]:
        """Oldest first: the one waiting longest is the next to decide."""
        query = select(Approval).order_by(Approval.id)
        if status is not None:
            query = query.where(Approval.status == status)
        with self.session() as s:
            return [_asked(r) for r in s.scalars(query)]

    def settle(self, id_: int, decision: str, by: str, comment: str = "") -> Asked:
        """Approves or rejects a pending ask (audited `approval.approve` / `approval.reject`). Refused: a decision
        other than approve or reject (422), and what a second person's decision refuses (second_person.py): no
        such ask (404), the asker deciding (403), an approval of an ask whose asker's account is disabled since
        (409), one decided already (409)."""
        if decision not in DECISIONS:
            raise ApprovalRefused(
                422, "审批结论只能是 approve 或 reject", "decision must be approve or reject"
            )
        comment = comment.strip()[:MAX_COMMENT]
        values = {
            "status": DECISIONS[decision],
            "decision": decision,
            "decided_by": by,
            "decided_at": self.clock(),
            "comment": comment,
        }
        decide_once(
            APPROVAL,
            self.engine,
            self.log,
            id_,
            self.get(id_),
            decision,
            by,
            values,
            lambda: self.get(id_),
            comment,
        )
        decided = self.get(id_)
        assert decided is not None
        return decided

    def refused(self, id_: int, by: str, en: str) -> None:
        """An approved ask whose operation could not start (the executor refused it): recorded and audited."""
        with self.session.begin() as s:
            row = s.get(Approval, id_)
            if row is None:
                return
            row.status = "refused"
            system = row.system
        self.log.audit(by, "approval.refused", system, "refused", f"#{id_} {en}"[:2000])
