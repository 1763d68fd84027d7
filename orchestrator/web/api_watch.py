"""Supervisors watching: every system's health, the dashboard's aggregates, live streams, and the ledger.

The health document is built once per monitor cycle and its JSON kept, so a hundred dashboards polling at once
cost one database read per cycle, not one per request.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from ..app import ledger as decision_ledger
from .api_plans import Port
from .dashboard_cache import DashboardCache
from .deps import User, Watcher, context, visible
from .security import Principal

router = APIRouter(prefix="/api", tags=["supervision 监管"])


class HealthCache:
    """The health document of the latest cycle, its JSON and that JSON gzipped, each made once per cycle; the
    store is asked for the latest cycle at most once a second. The cycle names the version (the ETag)."""

    def __init__(self, recheck_seconds: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._key: object = object()
        self._checked = -1e9
        self._recheck = recheck_seconds
        self._doc: dict[str, Any] = {}
        self._body = self._gzip = b""
        self.etag = '"none"'

    def _refresh(self, request: Request) -> None:
        now = time.monotonic()
        if now - self._checked < self._recheck:
            return
        health = context(request).site.health
        last = health.records.cycles(1)
        key = (last[0].id if last else None, len(last))
        self._checked = now
        if key != self._key:
            self._doc = health.document()
            self._body = json.dumps(self._doc, ensure_ascii=False).encode()
            self._gzip = gzip.compress(self._body, compresslevel=6, mtime=0)
            self._key = key
            self.etag = f'"cycle-{key[0]}-{hashlib.sha256(self._body).hexdigest()[:16]}"'

    def get(self, request: Request) -> tuple[dict[str, Any], str]:
        with self._lock:
            self._refresh(request)
            return self._doc, self.etag

    def encoded(self, request: Request) -> tuple[bytes, bool, str]:
        """The body to send, gzipped when the client takes it, and its ETag."""
        zipped = "gzip" in request.headers.get("accept-encoding", "")
        with self._lock:
            self._refresh(request)
            return (self._gzip if zipped else self._body), zipped, self.etag


def cache(request: Request) -> HealthCache:
    c: HealthCache = request.app.state.health_cache
    return c


Cache = Annotated[HealthCache, Depends(cache)]
PAGE = 500
"""Systems per page of GET /api/health?page=N."""


def scoped(
    doc: dict[str, Any], principal: Principal, department: str | None, **match: str | None
) -> dict[str, Any]:
    """What the caller may see of the document, narrowed by department and by any of zone, state, wave."""
    wanted = {k: v for k, v in match.items() if v is not None}
    systems = [
        s
        for s in doc["systems"]
        if principal.sees(s["department"])
        and department in (None, s["department"])
        and all(s.get(k) == v for k, v in wanted.items())
    ]
    seen = Counter(s["state"] for s in systems)
    return {**doc, "counts": {k: seen.get(k, 0) for k in doc["counts"]}, "systems": systems}


def _fresh(request: Request, etag: str) -> bool:
    """The client holds this version already (If-None-Match): 304, nothing rebuilt or sent."""
    asked = request.headers.get("if-none-match", "")
    return etag in {t.strip().removeprefix("W/") for t in asked.split(",")}


@router.get("/health")
def health(
    request: Request,
    principal: User,
    store: Cache,
    department: str | None = None,
    zone: Annotated[str | None, Query(max_length=32, description="区域 zone")] = None,
    state: Annotated[str | None, Query(pattern="^(up|degraded|down|unknown)$", description="状态")] = None,
    wave: Annotated[str | None, Query(max_length=64, description="批次 wave")] = None,
    page: Annotated[int | None, Query(ge=1, le=100_000, description=f"页码（每页 {PAGE} 个）page")] = None,
) -> Response:
    """各系统健康 Health of every watched system the caller may see, worst first; narrowed by department, zone,
    state or wave, and in pages of 500 with `page`. Each version carries an ETag: If-None-Match gets 304."""
    if department is not None:
        visible(principal, department)
    whole = department is None and principal.role != "department" and not (zone or state or wave or page)
    if whole:
        body, zipped, etag = store.encoded(request)
        headers = {"Vary": "Accept-Encoding", "ETag": etag, "Cache-Control": "private, no-cache"}
        if _fresh(request, etag):
            return Response(status_code=304, headers=headers)
        if zipped:
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type="application/json", headers=headers)
    doc, version = store.get(request)
    view = f"{version}|{principal.role}|{principal.department}|{department}|{zone}|{state}|{wave}|{page}"
    etag = f'"{hashlib.sha256(view.encode()).hexdigest()[:24]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
    if _fresh(request, etag):
        return Response(status_code=304, headers=headers)
    shown = scoped(doc, principal, department, zone=zone, state=state, wave=wave)
    if page is not None:
        total = len(shown["systems"])
        shown["systems"] = shown["systems"][(page - 1) * PAGE : page * PAGE]
        shown |= {"page": page, "pages": max(1, -(-total // PAGE)), "total": total}
    body = json.dumps(shown, ensure_ascii=False).encode()
    if "gzip" in request.headers.get("accept-encoding", "") and len(body) > 1024:
        body, headers["Content-Encoding"] = gzip.compress(body, compresslevel=6, mtime=0), "gzip"
    return Response(body, media_type="application/json", headers=headers)


def dashboards(request: Request) -> DashboardCache:
    c: DashboardCache = request.app.state.dashboard_cache
    return c


Dashboards = Annotated[DashboardCache, Depends(dashboards)]


@router.get("/dashboard")
def dashboard(request: Request, principal: Watcher, store: Cache, port: Port, made: Dashboards) -> Response:
    """监管看板 The supervisors' dashboard: states by department, wave and zone; alerts; budget; zombies; risk.
    Made once per monitor cycle and view; its ETag answers If-None-Match with 304, gzipped when taken."""
    built = made.get(request, principal, store, port)
    headers = {"Vary": "Accept-Encoding", "ETag": built.etag, "Cache-Control": "private, no-cache"}
    if _fresh(request, built.etag):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(built.gzip, media_type="application/json", headers=headers)
    return Response(built.body, media_type="application/json", headers=headers)


@router.get("/health/stream")
async def health_stream(
    request: Request, principal: User, store: Cache, port: Port, made: Dashboards
) -> EventSourceResponse:
    """实时健康（SSE）Live health: a new document after every monitor cycle (the dashboard's, for ops and
    supervisors: after a new record too)."""
    every = context(request).config.refresh_seconds

    async def events() -> AsyncIterator[dict[str, str]]:
        last: object = object()  # the first document goes out at once, before any monitoring cycle too
        while not await request.is_disconnected():
            if principal.role != "department":  # the dashboard: a new version after a cycle or a new record
                built = await run_in_threadpool(made.get, request, principal, store, port)
                if built.etag != last:
                    last = built.etag
                    yield {"event": "health", "data": built.body.decode()}
            else:
                doc, _ = store.get(request)
                if doc.get("cycle") != last:
                    last = doc.get("cycle")
                    yield {
                        "event": "health",
                        "data": json.dumps(scoped(doc, principal, None), ensure_ascii=False),
                    }
            await asyncio.sleep(every)

    return EventSourceResponse(events(), ping=15)


@router.get("/ledger.xlsx", response_class=Response)
def ledger(principal: Watcher, port: Port) -> Response:
    """台账 The ledger workbook: every system, its decision, the rules behind it, its lifecycle state and dates."""
    view = port.view()
    return Response(
        decision_ledger(view.portfolio, port.lifecycles(view.decisions)),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=ledger.xlsx"},
    )
