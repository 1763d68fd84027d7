"""资源调整与回收 Requests to resize a system or keep an idle one (issue 41), on the web:

- `GET /api/resources/requests[?status=&department=]`: a department sees its own, ops and supervisors every one
  (approved ones with their effect on a month's fees at the site's price list);
- `POST /api/resources/requests`: a department (its own systems) or a supervisor asks
  (`{"system", "kind": "resize" | "keep", "cpu", "memory_gib", "storage_gib", "reason"}`, or `"recommended":
  "YYYY-MM"` for the utilization report's recommendation of that month, read from the site's Prometheus);
- `POST /api/resources/requests/{id}`: a supervisor other than the asker approves or returns it
  (`{"decision": "approve" | "return", "comment"}`); the asker is refused 403 and audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..app import MoneyFailure, RequestRefused, Sizes, fees_download, money_view
from .deps import Supervisor, User, context, role, said
from .security import Principal

router = APIRouter(prefix="/api/resources", tags=["resources 资源监管"])
Status = Literal["pending", "approved", "returned"]
Asker = Annotated[Principal, Depends(role("department", "supervisor"))]
"""Asks about resources: a department (its own systems) or a supervisor (then another supervisor decides)."""


class Ask(BaseModel):
    system: str = Field(max_length=140, description="系统 DEPT/ID")
    kind: Literal["resize", "keep"] = Field("resize", description="调整或保留 resize or keep")
    cpu: float | None = Field(None, gt=0, le=4096, description="新的 vCPU（整个系统）")
    memory_gib: float | None = Field(None, gt=0, le=1_048_576, description="新的内存 GiB")
    storage_gib: float | None = Field(None, ge=0, le=1_048_576, description="新的存储 GiB（不填不变）")
    reason: str = Field("", max_length=2000, description="理由 Reason")
    recommended: str | None = Field(
        None, max_length=7, description="按该月（YYYY-MM）利用率建议申请 the month's recommendation"
    )


class Decision(BaseModel):
    decision: Literal["approve", "return"] = Field(description="批准或退回 approve or return")
    comment: str = Field("", max_length=2000, description="意见（退回必填）Comment (a return needs one)")


def _refused(exc: RequestRefused | MoneyFailure) -> Exception:
    if isinstance(exc, MoneyFailure):
        return said(422 if exc.status == 2 else 503, exc.zh, exc.en)
    return said(exc.status, exc.zh, exc.en)


@router.get("/requests")
def requests(
    request: Request,
    principal: User,
    status: Annotated[Status | None, Query()] = None,
    department: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    """资源申请（最早在前）The requests, oldest first; a department sees only its own."""
    ctx = context(request)
    if principal.role == "department":
        department = principal.department
    resources = ctx.site.resources
    effects = {c["id"]: c for c in resources.changes(ctx.config.prices)}
    return [effects.get(r.id, r.as_json()) for r in resources.listed(status, department)]


@router.post("/requests", status_code=201)
def ask(request: Request, asked: Ask, principal: Asker) -> dict[str, Any]:
    """提出资源申请 Ask to resize a system or to keep an idle one: a supervisor decides."""
    ctx = context(request)
    resources = ctx.site.resources
    try:
        if asked.recommended is not None:
            if not ctx.config.prometheus:
                raise said(
                    409,
                    "本站未配置 Prometheus（govmig serve --prometheus），无法按利用率建议申请",
                    "this site has no Prometheus (govmig serve --prometheus): no recommendation to ask",
                )
            made = resources.ask_recommended(
                principal.username, asked.system, asked.recommended, ctx.config.prometheus, asked.reason
            )
        else:
            to = None
            if asked.kind == "resize":
                if asked.cpu is None or asked.memory_gib is None:
                    raise said(
                        422, "调整须给出 cpu 和 memory_gib", "a resize needs cpu and memory_gib", "cpu"
                    )
                to = Sizes(asked.cpu, asked.memory_gib, asked.storage_gib or 0.0)
            made = resources.ask(principal.username, asked.system, asked.kind, to, asked.reason)
    except (RequestRefused, MoneyFailure) as exc:
        raise _refused(exc) from None
    return made.as_json()


@router.post("/requests/{id}")
def decide(
    request: Request,
    id_: Annotated[int, PathParam(ge=1, le=2**31 - 1, alias="id", description="申请编号 request id")],
    asked: Decision,
    principal: Supervisor,
) -> dict[str, Any]:
    """批准或退回 Approve or return a request (a supervisor, never the asker)."""
    try:
        decided = context(request).site.resources.settle(
            id_, asked.decision, principal.username, asked.comment
        )
    except RequestRefused as exc:
        raise _refused(exc) from None
    return decided.as_json()


MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@router.get("/fees.{fmt}", response_class=Response)
def fees_file(
    request: Request,
    fmt: Literal["xlsx", "pdf"],
    principal: User,
    month: Annotated[str, Query(max_length=7, description="YYYY-MM（北京时间 Beijing time）")],
) -> Response:
    """服务费用核算 The month's fees for the finance bureau, as a workbook or a PDF (`govmig report fees`): every
    line for supervisors and ops, a department's own lines for a department."""
    ctx = context(request)
    config = ctx.config
    if not config.prometheus or config.prices is None:
        raise said(
            409,
            "本站未配置 Prometheus 或价格表（govmig serve --prometheus --prices），无法核算费用",
            "this site has no Prometheus or price list (govmig serve --prometheus --prices): no fees to give",
        )
    department = principal.department if principal.role == "department" else None
    plans = ctx.site.plans.view().plans
    try:
        name, data = fees_download(plans, month, config.prometheus, config.prices, fmt, department)
    except MoneyFailure as exc:
        raise _refused(exc) from None
    return Response(
        data, media_type=MEDIA[fmt], headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@router.get("/month")
def month_view(
    request: Request,
    principal: User,
    month: Annotated[str, Query(max_length=7, description="YYYY-MM（北京时间 Beijing time）")],
) -> dict[str, Any]:
    """资源监管 The month's utilization, fees (with the next month's, approvals in place) and, for supervisors and
    ops, the vendor's SLA: what the money page shows, as JSON (a department its own lines only)."""
    ctx = context(request)
    config = ctx.config
    if not config.prometheus:
        return {"month": month, "configured": False}
    department = principal.department if principal.role == "department" else None
    resources = ctx.site.resources
    try:
        view = money_view(
            ctx.site.plans.view().plans,
            month,
            config.prometheus,
            config.prices,
            config.sla_terms,
            department,
            kept=resources.kept(),
            approved=resources.approved(),
        )
    except MoneyFailure as exc:
        raise _refused(exc) from None
    return {
        "month": month,
        "configured": True,
        "utilization": view.utilization,
        "fees": view.fees,
        "sla": view.sla,
    }
