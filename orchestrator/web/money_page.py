"""资源监管 The month's resources and money on one page (`GET /money?month=YYYY-MM`): utilization per department
and system, fees per department, the vendor's SLA per zone. Supervisors and ops see every line; a department sees
its own lines only (filtered here, on the server) and no SLA. The Prometheus URL, price list and SLA terms are
the site's (`govmig serve --prometheus --prices --terms`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..app import MoneyFailure, Plans, money_view
from .deps import context, said
from .pages import _viewer, page

pages = APIRouter(include_in_schema=False)
BEIJING = ZoneInfo("Asia/Shanghai")


def last_month() -> str:
    first = datetime.now(BEIJING).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


@pages.get("/money", response_model=None)
async def money_page(request: Request, month: str | None = None) -> Response:
    principal = await _viewer(request, watchers_only=False)
    if isinstance(principal, RedirectResponse):
        return principal
    config = context(request).config
    month = month or last_month()
    if not config.prometheus:
        return page(request, "money.html", principal, month=month, view=None, configured=False)
    portfolio: Plans = request.app.state.portfolio
    department = principal.department if principal.role == "department" else None
    try:
        view = await run_in_threadpool(  # Prometheus is asked off the event loop
            money_view,
            portfolio.view().plans,
            month,
            config.prometheus,
            config.prices,
            config.sla_terms,
            department,
            kept=context(request).site.resources.kept(),  # approved keeps: not to be reclaimed
            approved=context(request).site.resources.approved(),  # approved resizes: next month's fees
        )
    except MoneyFailure as exc:
        raise said(422 if exc.status == 2 else 503, exc.zh, exc.en) from None
    return page(request, "money.html", principal, month=month, view=view, configured=True)
