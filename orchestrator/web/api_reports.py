"""The supervisors' reports over the web: one route per kind in the report registry (orchestrator/app: the
inventory, the annual report, the evaluation, and whatever kind is registered later), the same documents
`govmig report` writes (HTML, XLSX, PDF), built from the current portfolio and the store's history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..app import REPORTS, MoneyFailure, PdfError, ReportKind
from .deps import Watcher, context, said

Year = Annotated[int | None, Query(ge=2000, le=2100, description="报告年度 year (default: last year)")]
Kind = Literal["html", "xlsx", "pdf"]
MEDIA = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
Endpoint = Callable[..., Awaitable[Response]]


def _send(files: dict[str, bytes], fmt: str) -> Response:
    name, data = next((n, d) for n, d in files.items() if n.endswith("." + fmt))
    disposition = "inline" if fmt == "html" else f"attachment; filename*=UTF-8''{name.split('-', 1)[1]}"
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


async def _report(
    request: Request, kind: ReportKind, fmt: str, year: int | None, department: str | None = None
) -> Response:
    if fmt not in kind.formats:
        raise said(404, f"{kind.zh}没有 {fmt} 格式", f"the {kind.en} is not offered as {fmt}")
    ctx = context(request)
    reports, config = ctx.site.reports, ctx.config
    try:  # with the site's Prometheus, the annual report and the evaluation carry utilization
        report = await run_in_threadpool(
            reports.build, kind.name, year, department, fmt == "pdf", config.prometheus, config.prices
        )
    except MoneyFailure as exc:
        raise said(503, exc.zh, exc.en) from None
    except PdfError:
        raise said(  # the printer's own words are never sent: they may name the server's paths
            503,
            "暂时无法生成 PDF（服务器未能打印）",
            "the PDF cannot be made now (the server could not print it)",
        ) from None
    except KeyError:
        raise said(404, "没有这个部门的数据", "no such department") from None
    return _send(report.files, fmt)


def _endpoint(kind: ReportKind) -> tuple[str, Endpoint]:
    """The route's path and its function for `kind`: a single format is in the path, several are `{fmt}`; the
    year is asked for a yearly kind, the department for one built per department too."""
    if len(kind.formats) == 1:
        [only] = kind.formats

        async def single(request: Request, principal: Watcher) -> Response:
            return await _report(request, kind, only, None)

        return f"/{kind.name}.{only}", single
    if kind.by_department:

        async def by_department(
            request: Request, fmt: Kind, principal: Watcher, year: Year = None, department: str | None = None
        ) -> Response:
            return await _report(request, kind, fmt, year, department)

        return f"/{kind.name}.{{fmt}}", by_department

    async def yearly(request: Request, fmt: Kind, principal: Watcher, year: Year = None) -> Response:
        return await _report(request, kind, fmt, year)

    return f"/{kind.name}.{{fmt}}", yearly


def router() -> APIRouter:
    """The reports' routes, one per kind registered when the service is made."""
    routes = APIRouter(prefix="/api/reports", tags=["reports 报告"])
    for kind in REPORTS.values():
        _add(routes, kind)
    return routes


def _add(routes: APIRouter, kind: ReportKind) -> None:
    path, endpoint = _endpoint(kind)
    endpoint.__name__ = kind.name
    routes.add_api_route(
        path,
        endpoint,
        methods=["GET"],
        response_class=Response,
        summary=f"{kind.zh} {kind.en}",
        description=f"{kind.zh} The {kind.en}, as `govmig report {kind.name}` writes it.",
    )
