"""The ops engineer's night, read: the waves board, the workers alive, a wave's systems × steps matrix and its
log as readable lines (ops and supervisors; the pages under /app/ops read these)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ..app import OpsDesk
from .api_ops import Check, Wave
from .deps import Watcher, context, said

router = APIRouter(prefix="/api", tags=["operations 运维"])


def desk(request: Request) -> OpsDesk:
    return OpsDesk(context(request).site)


def known(request: Request, wave: str) -> OpsDesk:
    """The desk, for a wave the tree has or that ran; 404 otherwise."""
    office = desk(request)
    if not office.known(wave):
        raise said(404, f"没有批次 {wave}（先生成制品）", f"no wave {wave} (render first)")
    return office


@router.get("/waves/board")
def board(request: Request, principal: Watcher) -> dict[str, Any]:
    """批次看板 The waves board: each wave's systems, latest preflight, real run and check run apart (state,
    systems per state, progress, when), who holds it while it runs, whether it may run; and the workers."""
    return desk(request).board()


@router.get("/workers")
def workers(request: Request, principal: Watcher) -> dict[str, Any]:
    """执行器 Which workers are alive (busy or idle), what waits in the queue, and a warning when a job waits
    and no worker is alive."""
    return desk(request).workers()


@router.get("/waves/{wave}/matrix")
def matrix(request: Request, wave: Wave, principal: Watcher, check: Check = False) -> dict[str, Any]:
    """系统 × 步骤 The wave's systems × steps: each step not started, running, done, failed or waiting."""
    return known(request, wave).matrix(wave, check)


@router.get("/waves/{wave}/log")
def log(
    request: Request,
    wave: Wave,
    principal: Watcher,
    check: Check = False,
    system: Annotated[
        str | None, Query(max_length=140, description="只看这个系统 DEPT/ID only this system")
    ] = None,
    failed: Annotated[bool, Query(description="只看失败 failures only")] = False,
    raw: Annotated[bool, Query(description="附原始事件 with each line's stored event")] = False,
    after: Annotated[int, Query(ge=0, description="从此事件编号之后 after this event id")] = 0,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> dict[str, Any]:
    """日志 The wave's log as lines: when, system (and its name), step, the task's own name, host, the result in
    words (ok, changed, failed, skipped, unreachable) and a message; the raw event only with `raw=true`."""
    return known(request, wave).log(wave, check, system or None, failed, raw, after, limit)
