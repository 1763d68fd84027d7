"""The supervisors' reports over the web: the audit inventory, the annual report and the evaluation, the same
documents `govmig report` writes (HTML, XLSX, PDF), built from the current portfolio and the store's history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..app import PdfError, ReportRequest, build_report
from .api_plans import Port
from .deps import Watcher, context, said

router = APIRouter(prefix="/api/reports", tags=["reports 报告"])
Year = Annotated[int | None, Query(ge=2000, le=2100, description="报告年度 year (default: last year)")]
Kind = Literal["html", "xlsx", "pdf"]
MEDIA = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _send(files: dict[str, bytes], fmt: str) -> Response:
    name, data = next((n, d) for n, d in files.items() if n.endswith("." + fmt))
    disposition = "inline" if fmt == "html" else f"attachment; filename*=UTF-8''{name.split('-', 1)[1]}"
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


@router.get("/inventory.xlsx", response_class=Response)
async def inventory(request: Request, principal: Watcher, port: Port) -> Response:
    """审计清单 The audit inventory (every system, its approval, funding and decision, its lifecycle)."""
    return await _report(request, port, "inventory", "xlsx", None)


async def _report(
    request: Request, port: Port, kind: str, fmt: Kind, year: int | None, department: str | None = None
) -> Response:
    view = port.view()
    lifecycles = await run_in_threadpool(port.lifecycles, view.decisions)
    asked = ReportRequest(year, department, pdf=fmt == "pdf", lifecycles=lifecycles)
    engine = context(request).config.engine
    try:
        report = await run_in_threadpool(build_report, kind, view.portfolio, engine, asked)
    except PdfError:
        raise said(  # the printer's own words are never sent: they may name the server's paths
            503,
            "暂时无法生成 PDF（服务器未能打印）",
            "the PDF cannot be made now (the server could not print it)",
        ) from None
    except KeyError:
        raise said(404, "没有这个部门的数据", "no such department") from None
    return _send(report.files, fmt)


@router.get("/annual.{fmt}", response_class=Response)
async def annual(
    request: Request,
    fmt: Kind,
    principal: Watcher,
    port: Port,
    year: Year = None,
    department: str | None = None,
) -> Response:
    """年度报告 The annual report on sharing work (002 三(二)), for the province or one department."""
    return await _report(request, port, "annual", fmt, year, department)


@router.get("/evaluation.{fmt}", response_class=Response)
async def evaluation(
    request: Request, fmt: Kind, principal: Watcher, port: Port, year: Year = None
) -> Response:
    """考核评价 The department evaluation: scores, breakdown, ranking, funds withheld."""
    return await _report(request, port, "evaluation", fmt, year)
