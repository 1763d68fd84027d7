"""Two people for what cannot be undone (shared/DOMAIN.md v1.2): the asks waiting for a second person, the
decision on one, and the ask to retire a zombie (the web's other irreversible asks sit with the wave's
operations in api_ops.py).

A decision is made by ops or a supervisor who is not the asker (refused 403 and audited otherwise); an approval
queues for a worker exactly what runs without one, the asker's work, checked again now."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from ..app import ApprovalRefused, Asked, Busy, ExecuteError
from ..contracts import ApprovalStatus
from .api_ops import Confirmed, Service, asked_for, typed
from .deps import Approver, Ops, said

router = APIRouter(prefix="/api", tags=["approvals 双人审批"])
Status = Literal["pending", "approved", "rejected", "refused"]
GO = "cutover_go"
"""A cutover's go: approved only with a change ticket (400 otherwise), taken by the wave's next resume."""
QUEUED_ALREADY = {
    "zh": "该批次已有排队或正在执行的运行：排队的继续会一并切换此系统；正在执行的运行结束后，下次继续时切换",
    "en": "a run of this wave is queued or running already: a queued resume cuts this system over too; "
    "after a running one, the wave's next resume does",
}


class Decision(BaseModel):
    decision: Literal["approve", "reject"] = Field(description="批准或驳回 approve or reject")
    comment: str = Field("", max_length=2000, description="意见 Comment")
    ticket: str | None = Field(
        None,
        max_length=200,
        description="变更单号：批准切换放行（cutover_go）时必填，如 CHG-2026-0412 The change ticket's reference, "
        "required to approve a cutover's go",
    )


@router.get("/approvals")
def approvals(
    service: Service, principal: Approver, status: Annotated[Status | None, Query()] = None
) -> list[dict[str, Any]]:
    """待审批与已审批的操作（最早在前）Irreversible operations asked for, oldest first; `?status=pending`."""
    return [a.as_json() for a in service.approvals.list(status)]


@router.post("/approvals/{id}")
def decide(
    id_: Annotated[int, PathParam(ge=1, le=2**31 - 1, alias="id", description="审批编号 approval id")],
    asked: Decision,
    principal: Approver,
    service: Service,
) -> dict[str, Any]:
    """批准或驳回 Approve or reject an ask (never one's own); an approval queues the operation for a worker."""
    try:
        decided: Asked = service.approvals.settle(
            id_, asked.decision, principal.username, asked.comment, asked.ticket
        )
    except ApprovalRefused as exc:
        raise said(exc.status, exc.zh, exc.en, exc.field) from None
    body = decided.as_json()
    if decided.status != ApprovalStatus.approved:
        return body
    try:
        job = service.carry_out(decided)
    except Busy:
        if decided.kind != GO:
            return _cannot_start(service, decided, principal.username, None)
        # another system's go queued the wave's resume already (it takes this go too), or the wave runs now
        # (this system was held in it: the wave's next resume takes the go); not refused either way
        return body | {"job": None, "record": decided.wave, "resume": QUEUED_ALREADY}
    except ExecuteError as exc:
        return _cannot_start(service, decided, principal.username, exc)
    return body | {"job": job.id, "record": job.record}


def _cannot_start(service: Service, decided: Asked, by: str, exc: ExecuteError | None) -> dict[str, Any]:
    """An approved ask whose work cannot start now: marked refused (ask again once fixed), said 409."""
    en = exc.en if exc is not None else "the same work is queued or running already"
    zh = exc.zh if exc is not None else "同一操作已在队列中或正在执行"
    service.approvals.refused(decided.id, by, en)
    raise said(409, f"已批准，但无法开始：{zh}", f"approved, but it cannot start: {en}")


@router.post("/retire/{department}/{system}", status_code=202)
def retire(
    department: str,
    system: str,
    principal: Ops,
    service: Service,
    asked: Annotated[Confirmed | None, Body()] = None,
) -> dict[str, Any]:
    """申请清理僵尸系统 Ask to retire a zombie (its decision `retire`), its key typed out: it runs once a second
    person approves."""
    key = f"{department}/{system}"
    typed(key, asked.confirm if asked is not None else None)
    return asked_for(service, "retire", "retire", key, principal.username)
