"""The supervisors' review queue over the web (shared/DOMAIN.md v1.2): every version waiting for review across
departments, oldest first, and one version beside the version in force (the approval itself is
`POST /api/plans/{department}/versions/{version}/review`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam

from .deps import Supervisor, context, said

router = APIRouter(prefix="/api", tags=["reviews 审核"])
Version = Annotated[int, PathParam(ge=1, le=1_000_000, description="版本号 version number")]


@router.get("/reviews")
def reviews(
    request: Request,
    principal: Supervisor,
    status: Annotated[
        Literal["pending", "returned"], Query(description="待审核或已退回 pending or returned")
    ] = ("pending"),
) -> list[dict[str, Any]]:
    """待审核 Every version waiting for review across departments, oldest first: `{"department", "name",
    "version", "submitted", "by", "valid"}` (and its file name, problems and the version in force)."""
    return context(request).site.supervision.queue(status)


@router.get("/reviews/{department}/{version}")
def under_review(
    request: Request, department: str, version: Version, principal: Supervisor
) -> dict[str, Any]:
    """审核一个版本 One version beside the version in force: the text side by side (`diff` rows: op, left and
    right line numbers and text) and the decisions it changes (`changes`: per system, action, network, zone and
    wave before and after)."""
    ctx = context(request)
    if not ctx.accounts.department_exists(department):
        raise said(404, "没有这个部门的数据", "no such department")
    found = ctx.site.supervision.under_review(department, version)
    if found is None:
        raise said(404, f"没有版本 {version}", f"no version {version}")
    return found
