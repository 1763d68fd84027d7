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


class Decision(BaseModel):
    decision: Literal["approve", "reject"] = Field(description="批准或驳回 approve or reject")
    comment: str = Field("", max_length=2000, description="意见 Comment")


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
        decided: Asked = service.approvals.settle(id_, asked.decision, principal.username, asked.comment)
    except ApprovalRefused as exc:
        raise said(exc.status, exc.zh, exc.en) from None
    body = decided.as_json()
    if decided.status != ApprovalStatus.approved:
        return body
    try:
        job = service.carry_out(decided)
    except (ExecuteError, Busy) as exc:
        en = exc.en if isinstance(exc, ExecuteError) else "the same work is queued or running already"
        zh = exc.zh if isinstance(exc, ExecuteError) else "同一操作已在队列中或正在执行"
        service.approvals.refused(decided.id, principal.username, en)
        raise said(409, f"已批准，但无法开始：{zh}", f"approved, but it cannot start: {en}") from None
    return body | {"job": job.id, "record": job.record}


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
