"""通知 The notices that did not go, for ops and supervisors (the ops console's notifications page reads it): each
one being retried or given up, its event, wave, system with its name, recipient (a webhook by its name, never its
address), tries against the bound, last error in words and next try; ops may queue a given-up notice again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from ..app import NoticeDesk, NoticeRefused
from .deps import Ops, Watcher, context, said

router = APIRouter(prefix="/api", tags=["operations 运维"])


def desk(request: Request) -> NoticeDesk:
    return NoticeDesk(context(request).site)


@router.get("/notifications")
def notifications(
    request: Request,
    principal: Watcher,
    status: Annotated[
        str,
        Query(
            pattern="^(failing|retrying|given_up)$",
            description="failing 重试中与已放弃 retrying and given up; retrying 重试中; given_up 已放弃",
        ),
    ] = "failing",
) -> dict[str, Any]:
    """未送达的通知 The notices being retried and those given up, newest first:
    `{retrying, given_up, max_attempts, notices: [...]}`."""
    return desk(request).failing(status).document()


@router.post("/notifications/{notice}/retry")
def retry(request: Request, principal: Ops, notice: Annotated[int, Path(ge=1, le=2**62)]) -> dict[str, Any]:
    """重新发送 A given-up notice queued again now, its tries counted afresh (audited `notice.retry`)."""
    try:
        desk(request).retry(notice, principal.username)
    except NoticeRefused as refused:
        raise said(409, refused.zh, refused.en) from None
    return {"notice": notice, "status": "queued"}
