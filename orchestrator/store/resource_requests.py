"""Requests about what a system holds (资源调整申请, issue 41): a department asks to resize a system or to keep an
idle one with its reason; a supervisor who is not the asker approves or returns it with a comment.

Every ask, decision and refused self-decision is an audit entry (in the chain). A decision is taken once: the
update names the `pending` state it saw, so two supervisors deciding at once cannot both win. A newer approved
resize of a system replaces an older one (the latest approved is in force).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from ..contracts import RequestStatus
from .clock import Clock, aware, utcnow
from .repo import Store
from .schema import ResourceRequestRow
from .second_person import Kind, Refused, decide_once

REQUEST_KINDS: dict[str, tuple[str, str]] = {
    "resize": ("调整资源", "resize"),
    "keep": ("保留闲置资源", "keep an idle system"),
}
REQUEST_DECISIONS = {"approve": RequestStatus.approved, "return": RequestStatus.returned}
REQUEST_STATUSES = tuple(RequestStatus)
MAX_TEXT = 2000


@dataclass(frozen=True)
class ResourceRequest:
    id: int
    kind: str
    department: str
    system: str
    sizes: dict[str, Any]
    reason: str
    asked_by: str
    asked_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str

    def as_json(self) -> dict[str, Any]:
        zh, en = REQUEST_KINDS.get(self.kind, (self.kind, self.kind))
        return {
            "id": self.id,
            "kind": self.kind,
            "kind_zh": zh,
            "kind_en": en,
            "department": self.department,
            "system": self.system,
            "from": self.sizes.get("from"),
            "to": self.sizes.get("to"),
            "basis": self.sizes.get("basis", "declared"),
            "reason": self.reason,
            "asked_by": self.asked_by,
            "asked_at": self.asked_at.isoformat(),
            "status": self.status,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "comment": self.comment,
        }


class RequestRefused(Refused):
    """An ask or a decision that cannot be made: its reason in Chinese and English and the HTTP status it means."""


REQUEST = Kind(
    "资源申请", "resources request", "resources", ResourceRequestRow, RequestStatus.pending, RequestRefused
)


def _request(row: ResourceRequestRow) -> ResourceRequest:
    return ResourceRequest(
        row.id,
        row.kind,
        row.department,
        row.system,
        dict(row.sizes or {}),
        row.reason or "",
        row.asked_by,
        aware(row.asked_at),
        row.status,
        row.decided_by,
        aware(row.decided_at) if row.decided_at else None,
        row.comment or "",
    )


class ResourceRequests:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.session = engine, sessionmaker(engine, expire_on_commit=False)
        self.clock = clock
        self.log = Store(engine, clock)

    def ask(
        self, kind: str, system: str, asked_by: str, sizes: dict[str, Any], reason: str = ""
    ) -> ResourceRequest:
        """Records the ask (audited `resources.ask`); refused (409) while one of the same system waits."""
        if kind not in REQUEST_KINDS:
            raise ValueError(kind)
        department = system.split("/", 1)[0]
        with self.session.begin() as s:
            waiting = s.scalars(
                select(ResourceRequestRow).where(
                    ResourceRequestRow.system == system, ResourceRequestRow.status == RequestStatus.pending
                )
            ).first()
            if waiting is not None:
                raise RequestRefused(
                    409,
                    f"{system} 已有等待审批的资源申请（{waiting.id} 号，{waiting.asked_by} 提出）",
                    f"a resources request for {system} waits already (#{waiting.id}, asked by {waiting.asked_by})",
                )
            row = ResourceRequestRow(
                kind=kind,
                department=department,
                system=system,
                sizes=sizes,
                reason=reason.strip()[:MAX_TEXT],
                asked_by=asked_by,
                asked_at=self.clock(),
                status=RequestStatus.pending,
                comment="",
            )
            s.add(row)
            s.flush()
            asked = _request(row)
        self.log.audit(asked_by, "resources.ask", system, "pending", f"#{asked.id} {kind}")
        return asked

    def get(self, id_: int) -> ResourceRequest | None:
        with self.session() as s:
            row = s.get(ResourceRequestRow, id_)
            return _request(row) if row is not None else None

    def list(self, status: str | None = None, department: str | None = None) -> list[ResourceRequest]:
        """Oldest first."""
        query = select(ResourceRequestRow).order_by(ResourceRequestRow.id)
        if status is not None:
            query = query.where(ResourceRequestRow.status == status)
        if department is not None:
            query = query.where(ResourceRequestRow.department == department)
        with self.session() as s:
            return [_request(r) for r in s.scalars(query)]

    def settle(self, id_: int, decision: str, by: str, comment: str = "") -> ResourceRequest:
        """Approves or returns a pending request (audited `resources.approve` / `resources.return`). Refused: a
        decision other than approve or return (422), a return without a comment (422), and what a second person's
        decision refuses (second_person.py): no such request (404), the asker deciding (403, audited
        `resources.self`), an approval of a request whose asker's account is disabled since (409), one decided
        already (409)."""
        if decision not in REQUEST_DECISIONS:
            raise RequestRefused(
                422, "审批结论只能是 approve 或 return", "decision must be approve or return"
            )
        comment = comment.strip()[:MAX_TEXT]
        if decision == "return" and not comment:
            raise RequestRefused(
                422, "退回须写明意见，申请人据此修改", "a return needs a comment the asker can act on"
            )
        values = {
            "status": REQUEST_DECISIONS[decision],
            "decided_by": by,
            "decided_at": self.clock(),
            "comment": comment,
        }
        decide_once(
            REQUEST,
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

    def in_force(self) -> dict[str, ResourceRequest]:
        """Per system, its latest approved request (a resize, or a keep): what render and the reports carry."""
        return {r.system: r for r in self.list(RequestStatus.approved)}
