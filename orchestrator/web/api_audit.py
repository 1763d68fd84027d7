"""The audit log for the 审计管理员 (`auditor`) and nobody else (三员分立, GB/T 22239 8.1.5): read page by page,
exported as JSON lines, and the chain's verification, over the API and on a server-rendered page.

The API's times are ISO 8601 in UTC; the page shows them in the site's one time zone, and says which.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from ..app import AuditLog, aware, entry_json
from .deps import BEARER, context, resolve, role, said
from .pages import page
from .security import Principal

router = APIRouter(prefix="/api/audit", tags=["审计 audit"])
pages = APIRouter(include_in_schema=False)
Auditor = Annotated[Principal, Depends(role("auditor"))]
MOST = 500
"""The most entries one answer carries; the next page starts `after` the last one's `seq`."""


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise said(
            422, "since 应为 ISO 8601 日期，如 2026-06-01", "since must be an ISO 8601 date, e.g. 2026-06-01"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _log(request: Request) -> AuditLog:
    return context(request).site.accounts.audit


@router.get("")
def audit_entries(
    request: Request,
    principal: Auditor,
    since: Annotated[str | None, Query(max_length=40, description="ISO 8601，无时区为 UTC")] = None,
    after: Annotated[
        int, Query(ge=0, description="上一页最后一条的 seq the last seq of the page before")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MOST)] = 100,
) -> dict[str, Any]:
    """审计日志，最早在前、分页 The audit log, oldest first, a page at a time (auditors only)."""
    entries = _log(request).entries(_since(since), after, limit)
    return {
        "entries": [entry_json(a) for a in entries],
        "next_after": entries[-1].seq if len(entries) == limit else None,
    }


@router.get("/verify")
def audit_verify(request: Request, principal: Auditor) -> dict[str, Any]:
    """审计链校验：完整，或第一条断点 The chain's verification: whole, or its first break (auditors only)."""
    return _log(request).verify().as_json()


@router.get("/export")
def audit_export(
    request: Request,
    principal: Auditor,
    since: Annotated[str | None, Query(max_length=40)] = None,
) -> StreamingResponse:
    """导出审计日志（JSON lines，每行一条）Export the audit log from a date as JSON lines (auditors only; the export
    is itself audited)."""
    log, start = _log(request), _since(since)
    context(request).store.audit(principal.username, "audit.export", "audit", "ok", f"since={since or ''}")

    def lines() -> Iterator[bytes]:
        for entry in log.export(start):
            yield (json.dumps(entry_json(entry), ensure_ascii=False) + "\n").encode()

    day = (start or datetime(1970, 1, 1, tzinfo=UTC)).date().isoformat()
    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="govmig-audit-since-{day}.jsonl"'},
    )


@pages.get("/audit", response_model=None)
def audit_page(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    since: Annotated[str | None, Query(max_length=40)] = None,
    after: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """The auditor's page: the chain's state first, then the entries in the site's time zone, with export."""
    principal = resolve(request, credentials)
    if principal is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if principal.role != "auditor":
        raise said(403, "无权查看", "not allowed for your role")
    log, zone = _log(request), context(request).config.time_zone
    entries = log.entries(_since(since), after, 100)
    local = ZoneInfo(zone)
    rows = [(entry_json(a), aware(a.at).astimezone(local).strftime("%Y-%m-%d %H:%M:%S")) for a in entries]
    return page(
        request,
        "audit.html",
        principal,
        report=log.verify(),
        rows=rows,
        zone=zone,
        since=since or "",
        next_after=entries[-1].seq if len(entries) == 100 else None,
    )
