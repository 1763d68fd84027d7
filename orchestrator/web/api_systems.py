"""A department's acceptance (验收) of its cut-over systems, or a problem it raises: its own users only.

Acceptance is what lets ops decommission the source (`govmig decommission`); a problem is what ops sees in the
audit and on the wave's page, and what may lead to a rollback.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from ..app import MAX_COMMENT, ExecuteError, aware, say_on_system
from .deps import context, role, said, visible
from .security import Principal

router = APIRouter(prefix="/api", tags=["systems 系统"])
Member = Annotated[Principal, Depends(role("department"))]


def _own(department: str, principal: Member) -> Principal:
    """Its own department's users only; another's is answered 404 before anything else is looked at."""
    visible(principal, department)
    return principal


Department = Annotated[Principal, Depends(_own)]
System = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="系统标识 id")]


class Word(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field("", max_length=MAX_COMMENT)


def _say(
    request: Request, principal: Principal, department: str, system: str, word: Word, problem: bool
) -> Any:
    if problem and not word.comment.strip():
        raise said(422, "请写明问题", "say what the problem is")
    store = context(request).store
    key = f"{department}/{system}"
    try:
        record, entry = say_on_system(store, key, word.comment.strip(), principal.username, problem)
    except ExecuteError as exc:
        raise said(409, exc.zh, exc.en) from exc
    return {
        "system": key,
        "wave": record,
        "lifecycle": "awaiting_acceptance" if problem else "accepted",
        "by": entry.actor,
        "at": aware(entry.at).isoformat(),
        "comment": entry.detail or "",
    }


@router.post("/systems/{department}/{system}/accept")
def accept(
    request: Request, department: str, system: System, word: Word, principal: Department
) -> dict[str, Any]:
    """验收已切换的系统 Accept a cut-over system (its department's users only): its source may then go."""
    result: dict[str, Any] = _say(request, principal, department, system, word, problem=False)
    return result


@router.post("/systems/{department}/{system}/problem")
def problem(
    request: Request, department: str, system: System, word: Word, principal: Department
) -> dict[str, Any]:
    """报告问题 Raise a problem with a cut-over system: ops sees it; it may lead to a rollback."""
    result: dict[str, Any] = _say(request, principal, department, system, word, problem=True)
    return result
