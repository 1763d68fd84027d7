"""预检 A wave's preflight asked from the web (ops): the same checks as `govmig preflight` (the tree, the store,
the hosts through the wave's precheck in check mode), recorded and audited, through the site's execution nodes.
A real run of a wave needs a ready one of the same tree first; the waves board shows the latest."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from ..app import ExecuteError
from .api_ops import Service, Wave
from .deps import Ops, said

router = APIRouter(prefix="/api", tags=["operations 运维"])


@router.post("/waves/{wave}/preflight")
async def preflight(wave: Wave, principal: Ops, service: Service) -> dict[str, Any]:
    """预检批次 Preflight a wave (seconds to a minute: the hosts are asked): `{wave, ready, at, findings}`."""
    try:
        done = await run_in_threadpool(service.preflight, wave, principal.username)
    except ExecuteError as exc:
        raise said(409, exc.zh, exc.en) from None
    return done.document()
