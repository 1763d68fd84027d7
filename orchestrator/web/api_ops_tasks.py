"""The night's manual tasks on the web (shared/DOMAIN.md v1.2, "Preflight and the night's runbook"): listed per
wave, and closed by the same rule as `govmig task done`: an enabled account of the task's role, a department's
account for its own systems only; audited (`task.done`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from ..app import TaskRefused
from .api_ops import Wave
from .api_ops_board import desk, known
from .deps import User, said, visible

router = APIRouter(prefix="/api", tags=["operations 运维"])


class TaskNote(BaseModel):
    note: str = Field("", max_length=2000, description="做了什么 What was done")


@router.get("/waves/{wave}/tasks")
def tasks(request: Request, wave: Wave, principal: User) -> dict[str, Any]:
    """人工任务 The wave's manual tasks and their state (open, waiting, done); a department sees its own."""
    rows = known(request, wave).tasks(wave)
    return {"wave": wave, "tasks": [r for r in rows if principal.sees(r["system"].partition("/")[0])]}


@router.post("/waves/{wave}/tasks/{department}/{system}/{task}/done")
def done(
    request: Request,
    wave: Wave,
    department: str,
    system: str,
    task: str,
    principal: User,
    asked: Annotated[TaskNote | None, Body()] = None,
) -> dict[str, Any]:
    """完成人工任务 Close a manual task: the system waiting at it goes on at the next run or resume."""
    visible(principal, department)
    key = f"{department}/{system}"
    office = desk(request)
    try:
        row = office.close(wave, key, task, principal.username, asked.note if asked else "")
    except TaskRefused as refused:
        if refused.bad_input:
            raise said(404, refused.zh, refused.en) from None
        closed = any(t["system"] == key and t["task"] == task and t["done_by"] for t in office.tasks(wave))
        raise said(409 if closed else 403, refused.zh, refused.en) from None
    return {
        "wave": wave,
        "system": key,
        "task": task,
        "done_by": row.done_by,
        "done_at": row.done_at.isoformat() if row.done_at else None,
        "zh": "已完成；等待它的系统在下次执行或继续时前进",
        "en": "done: the system waiting at it goes on at the next run or resume",
    }
