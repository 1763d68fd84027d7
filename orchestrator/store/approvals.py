"""Two people for what cannot be undone (shared/DOMAIN.md v1.2): asks waiting for a second person's approval.

Decommissioning a source, retiring a zombie and a rollback that discards the target's writes are asked here
(the system's key typed out by the asker, checked by the adapter) and run only once another person approves.
The asker can never approve their own ask: such a try is refused and audited. Every ask, approval, rejection
and refusal is an audit entry. A decision is taken once: the update names the `pending` state it saw, so two
people deciding at once cannot both win.
"""

from __future__ import annotations

import re
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
TICKETED = frozenset({"cutover_go"})
"""What is approved only with a change ticket's reference (Azure Migrate's runbook approvals carry one): a cutover's
go. Other kinds take one if given and keep it."""
MAX_TICKET = 64
TICKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/#-]*", re.ASCII)
"""A change ticket's reference as change systems write them (`CHG-2026-0412`, `INC0012345`, `RFC/2026/17`): ASCII
letters and digits, then also `.` `_` `:` `/` `#` `-`; no space, nothing a log line, a shell or a page could read as
more than the reference."""


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
    ticket: str | None = None

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
            "ticket": self.ticket,
        }


class ApprovalRefused(Refused):
    """An ask or a decision that cannot be made: its reason in Chinese and English and the HTTP status it means."""

    field: str | None = None
    """The input at fault, where there is one."""


class TicketRefused(ApprovalRefused):
    """A change ticket's reference missing where one is needed, or not one (too long, a character no reference
    has): bad input (HTTP 400, the CLI's exit 2), located at `field`."""

    field: str | None = "ticket"


def checked_ticket(kind: str, ticket: str | None, decision: str) -> str | None:
    """The decision's change ticket, stripped, or None; refused (TicketRefused): approving a kind that needs one
    without one, and anything not a reference."""
    ticket = (ticket or "").strip()
    if not ticket:
        if decision == "approve" and kind in TICKETED:
            zh, en = KINDS[kind]
            raise TicketRefused(
                400,
                f"批准{zh}须填写变更单号（ticket），例如 CHG-2026-0412",
                f"approving {en} needs a change ticket's reference (ticket), e.g. CHG-2026-0412",
            )
        return None
    if len(ticket) > MAX_TICKET:
        raise TicketRefused(
            400,
            f"变更单号（ticket）过长：{len(ticket)} 个字符，最多 {MAX_TICKET} 个",
            f"the change ticket (ticket) is too long: {len(ticket)} characters, at most {MAX_TICKET}",
        )
    if TICKET.fullmatch(ticket) is None:
        raise TicketRefused(
            400,
            "变更单号（ticket）只能由英文字母和数字开头，其后可含字母、数字及 . _ : / # -，不含空格",
            "the change ticket (ticket) starts with a letter or digit, then only letters, digits and . _ : / # -, "
            "no spaces",
        )
    return ticket


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
        row.ticket,
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

    def ticket_for(self, id_: int, decision: str, ticket: str | None) -> str | None:
        """The change ticket `decision` on ask `id_` would carry, checked before anything else is (the CLI checks
        it before the decider's one-time code is spent): TicketRefused when missing where needed or malformed."""
        found = self.get(id_)
        return checked_ticket(found.kind if found else "", ticket, decision)

    def settle(self, id_: int, decision: str, by: str, comment: str = "", ticket: str | None = None) -> Asked:
        """Approves or rejects a pending ask (audited `approval.approve` / `approval.reject`, the change ticket in
        the entry's detail). Refused: a decision other than approve or reject (422), an approval of a cutover's
        go without a change ticket and a ticket that is not a reference (400, TicketRefused), and what a second
        person's decision refuses (second_person.py): no such ask (404), the asker deciding (403), an approval
        of an ask whose asker's account is disabled since (409), one decided already (409)."""
        if decision not in DECISIONS:
            raise ApprovalRefused(
                422, "审批结论只能是 approve 或 reject", "decision must be approve or reject"
            )
        found = self.get(id_)
        ticket = self.ticket_for(id_, decision, ticket)
        comment = comment.strip()[:MAX_COMMENT]
        values = {
            "status": DECISIONS[decision],
            "decision": decision,
            "decided_by": by,
            "decided_at": self.clock(),
            "comment": comment,
            "ticket": ticket,
        }
        decide_once(
            APPROVAL,
            self.engine,
            self.log,
            id_,
            found,
            decision,
            by,
            values,
            lambda: self.get(id_),
            f"ticket {ticket}: {comment}" if ticket else comment,
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
