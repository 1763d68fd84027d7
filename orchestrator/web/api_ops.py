"""Cloud ops over the API: render the portfolio, run a wave (check mode or for real), pause, resume, roll back;
and the live state of a wave, as JSON and as a Server-Sent Events stream of its step log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from ..app import (
    ApprovalRefused,
    Asked,
    Busy,
    ExecuteError,
    Waves,
    WrongKey,
    check_key,
    holding,
    record_name,
    wave_documents,
)
from ..contracts import JobStatus, Tree
from .deps import Ops, Watcher, context, said

router = APIRouter(prefix="/api", tags=["operations 运维"])
WAVE = r"^W[0-9]{2,3}$"
Wave = Annotated[str, PathParam(pattern=WAVE, description="批次 wave, e.g. W01")]
Check = Annotated[bool, Query(description="检查模式：不做任何改变 check mode: change nothing")]


def runs(request: Request) -> Waves:
    r: Waves = request.app.state.runs
    return r


Service = Annotated[Waves, Depends(runs)]


def _refused(exc: ExecuteError) -> Exception:
    return said(409, exc.zh, exc.en)


class RunAsked(BaseModel):
    rerun: bool = Field(
        False, description="重新执行已完成的批次（记入审计）Run a finished wave again, on purpose (audited)"
    )


class Confirmed(BaseModel):
    confirm: str = Field(
        max_length=300, description="逐字输入系统编码 DEPT/ID 以确认 The system's key DEPT/ID, typed out"
    )


class RollbackAsked(BaseModel):
    confirm: str | None = Field(
        None, max_length=300, description="系统编码 DEPT/ID The system's key, typed out"
    )
    discard_target_writes: bool = Field(
        False,
        description="丢弃切换后目标上的写入：须另一人审批 Discard the target's writes since cutover: needs a "
        "second person's approval",
    )


def typed(key: str, confirm: str | None) -> None:
    """The system's key typed out, or 422 naming the field."""
    try:
        check_key(key, confirm)
    except WrongKey as exc:
        raise said(422, exc.zh, exc.en, field="confirm") from None


def asked_for(service: Waves, kind: str, wave: str, key: str, actor: str) -> dict[str, Any]:
    """Records an irreversible operation's ask for a second person: 202 and the approval's id; refused at once
    (409) when it could never run or the same ask waits already."""
    try:
        asked: Asked = service.ask_irreversible(kind, wave, key, actor)
    except ExecuteError as exc:
        raise _refused(exc) from None
    except ApprovalRefused as exc:
        raise said(exc.status, exc.zh, exc.en) from None
    return {
        "approval": asked.id,
        "status": asked.status,
        "kind": kind,
        "wave": wave,
        "system": key,
        "zh": "已提交，等待另一人审批",
        "en": "asked: waiting for a second person's approval",
    }


@router.post("/render")
def render(principal: Ops, service: Service) -> dict[str, int]:
    """生成制品 Render the current portfolio into the tree waves run from."""
    counts = service.render(principal.username)
    return {"written": counts.written, "unchanged": counts.unchanged, "removed": counts.removed}


@router.post("/waves/{wave}/run")
def run(
    wave: Wave,
    principal: Ops,
    service: Service,
    check: Check = False,
    asked: Annotated[RunAsked | None, Body()] = None,
) -> dict[str, Any]:
    """执行或继续批次 Run (or resume) a wave in the background; a finished wave only with `{"rerun": true}`."""
    try:
        record = service.run(wave, check, principal.username, rerun=asked is not None and asked.rerun)
    except ExecuteError as exc:
        raise _refused(exc) from None
    except Busy:
        raise said(409, "该批次正在执行", "the wave is already running") from None
    return {"record": record, "started": True}


@router.post("/waves/{wave}/pause")
def pause(wave: Wave, principal: Ops, service: Service, check: Check = False) -> dict[str, Any]:
    """暂停：正在执行的步骤结束后停止 Pause after the running steps."""
    record = record_name(wave, check)
    if not service.pause(record, principal.username):
        raise said(409, "该批次没有在执行", "the wave is not running")
    return {"record": record, "pausing": True}


def _on_system(
    start: Callable[[], None], busy: tuple[str, str], key: str, wave: str, doing: str
) -> dict[str, Any]:
    """Starts one system's later step (rollback, decommission) in the background: refused at once (409) when
    the executor says no or the same step already runs."""
    try:
        start()
    except ExecuteError as exc:
        raise _refused(exc) from None
    except Busy:
        raise said(409, *busy) from None
    return {"wave": wave, "system": key, doing: True}


@router.post("/waves/{wave}/rollback/{department}/{system}")
def rollback(
    wave: Wave,
    department: str,
    system: str,
    principal: Ops,
    service: Service,
    response: Response,
    asked: Annotated[RollbackAsked | None, Body()] = None,
) -> dict[str, Any]:
    """回退一个系统 Roll one system back to its source (its writes on the target carried back). One that
    discards the target's writes is asked with the system's key typed out and runs once a second person
    approves it (202)."""
    key = f"{department}/{system}"
    if asked is not None and (asked.confirm is not None or asked.discard_target_writes):
        typed(key, asked.confirm)  # typed in the dialog, or asked to discard: it must be the key
    if asked is not None and asked.discard_target_writes:
        response.status_code = 202
        return asked_for(service, "rollback_discard", wave, key, principal.username)
    busy = ("该系统正在回退", "that rollback is already running")
    return _on_system(
        lambda: service.rollback(wave, key, principal.username), busy, key, wave, "rolling_back"
    )


@router.post("/waves/{wave}/decommission/{department}/{system}", status_code=202)
def decommission(
    wave: Wave,
    department: str,
    system: str,
    principal: Ops,
    service: Service,
    asked: Annotated[Confirmed | None, Body()] = None,
) -> dict[str, Any]:
    """申请下线源系统 Ask to decommission one system's source, its key typed out: it runs once a second person
    approves (POST /api/approvals/{id}). Refused at once before its department accepted the move, and in the
    site's observation period after it; no way back afterwards."""
    key = f"{department}/{system}"
    typed(key, asked.confirm if asked is not None else None)
    return asked_for(service, "decommission", wave, key, principal.username)


def wave_state(request: Request, record: str) -> dict[str, Any]:
    """The wave's record and, while a job for it is unfinished, that job: queued (waiting for a worker) or
    claimed (a worker runs it), by whom since when."""
    ctx = context(request)
    run_ = ctx.store.wave(record)
    job = request.app.state.runs.job(record)
    if run_ is None and job is None:
        raise said(404, f"批次 {record} 还没有运行过", f"wave {record} has not been run")
    return {
        "record": record,
        "status": run_.status if run_ is not None else "queued",
        "check": run_.check_mode if run_ is not None else record.endswith("@check"),
        "running": job is not None,
        "job": None
        if job is None
        else {
            "id": job.id,
            "status": job.status,
            "status_zh": "排队等待执行器" if job.status == JobStatus.queued else "执行器执行中",
            "worker": job.worker,
            "queued_at": job.queued_at.isoformat(),
            "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at else None,
        },
        "systems": wave_documents(ctx.store, record) if run_ is not None else [],
        **holding(ctx.store, record),
    }


@router.get("/waves/{wave}/status")
def status(request: Request, wave: Wave, principal: Watcher, check: Check = False) -> dict[str, Any]:
    return wave_state(request, record_name(wave, check))


@router.get("/waves/{wave}/stream")
async def stream(
    request: Request, wave: Wave, principal: Watcher, check: Check = False
) -> EventSourceResponse:
    """实时：状态与日志 Live: the wave's state and its step log and Ansible events as they happen."""
    record = record_name(wave, check)
    ctx = context(request)
    every = ctx.config.refresh_seconds
    if ctx.store.wave(record) is None and not Tree(ctx.config.tree).playbook(wave).is_file():
        raise said(404, f"没有批次 {wave}（先生成制品）", f"no wave {wave} (render first)")

    async def events() -> AsyncIterator[dict[str, str]]:
        after, sent_state = 0, ""
        while not await request.is_disconnected():
            if ctx.store.wave(record) is not None or request.app.state.runs.job(record) is not None:
                state = json.dumps(wave_state(request, record), ensure_ascii=False)
                if state != sent_state:
                    sent_state = state
                    yield {"event": "state", "data": state}
                for e in ctx.store.events(record, after=after)[:200]:
                    after = e.id
                    line = {
                        "system": e.system,
                        "step": e.step,
                        "kind": e.kind,
                        "host": e.host,
                        "task": e.task,
                        "at": e.at.isoformat(),
                    }
                    yield {"event": "log", "data": json.dumps(line, ensure_ascii=False)}
            await asyncio.sleep(every)

    return EventSourceResponse(events(), ping=15)
