"""Departments' plans over the API: submit (file or edited text), validate without saving, versions and diffs,
and the decisions and waves each principal may see."""

from __future__ import annotations

import difflib
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..app import (
    MAX_COMMENT,
    Decision,
    Plans,
    ReviewRefused,
    form_document,
    gantt,
    located,
    plan_document,
    plan_yaml,
)
from .context import Context
from .deps import Anyone, Submitter, Supervisor, User, Watcher, context, said, visible
from .intake_pool import intake_pool
from .security import Principal
from .uploads import FORM, read_upload

router = APIRouter(prefix="/api", tags=["plans 计划"])


def portfolio(request: Request) -> Plans:
    p: Plans = request.app.state.portfolio
    return p


Port = Annotated[Plans, Depends(portfolio)]


def _known(request: Request, principal: Principal, department: str) -> None:
    """Departments exist when created (`govmig department add`, or with a user of it), not by naming a path."""
    visible(principal, department)
    if not context(request).accounts.department_exists(department):
        raise said(404, "没有这个部门的数据", "no such department")


def _checked(port: Plans, department: str, raw: bytes, name: str) -> dict[str, Any]:
    loaded = port.check(raw, name)
    claimed = loaded.department_code
    if claimed is not None and claimed != department:
        # refused whatever else is wrong with it: a plan for another department is never stored under this one
        raise said(
            422,
            f"计划属于部门 {claimed}，不是 {department}：请提交到该部门，或更正「部门统一编码」",
            f"the plan is for department {claimed}, not {department}: submit it there or correct department.code",
        )
    problems = [located(p) for p in loaded.problems]  # each with its place in parts (field, line or cell)
    plan = loaded.plan if loaded.ok else None
    return {
        "valid": plan is not None,
        "problems": problems,
        "plan": plan,
        "document": form_document(
            loaded
        ),  # what was read, valid or not: the form opens an Excel plan from it
        "assessment": [d.contract() for d in port.preview(plan)] if plan is not None else [],
    }


def _within_quota(ctx: Context, department: str, size: int) -> None:
    """A department's daily allowance of versions and stored text: a flood of uploads is refused, not kept.
    Asked before the upload is read (size 0: the allowance already spent), then with its size before it is
    parsed; 429 with Retry-After, the seconds until the oldest version of the day stops counting."""
    config = ctx.config
    since = datetime.now(UTC) - timedelta(days=1)
    count, stored = ctx.accounts.submitted_since(department, since)
    if count >= config.versions_per_day or stored + size > config.version_bytes_per_day:
        refused = said(
            429,
            f"部门 {department} 24 小时内已提交 {count} 个版本（上限 {config.versions_per_day} 个、"
            f"{config.version_bytes_per_day // 1024 // 1024} MiB），请稍后再提交",
            f"department {department} submitted {count} versions in 24 hours (the limit is "
            f"{config.versions_per_day} versions, {config.version_bytes_per_day // 1024 // 1024} MiB): try later",
        )
        refused.headers = {"Retry-After": str(_seconds_until_freed(ctx, department, since))}
        raise refused


def _seconds_until_freed(ctx: Context, department: str, since: datetime) -> int:
    first = ctx.accounts.first_submitted_since(department, since)
    if first is None:  # over on this one upload's size alone: a day of waiting will not make it fit
        return 24 * 3600
    first = first if first.tzinfo is not None else first.replace(tzinfo=UTC)
    return max(1, int((first + timedelta(days=1) - datetime.now(UTC)).total_seconds()) + 1)


MAX_VERSION = 1_000_000
Version = Annotated[int, PathParam(ge=1, le=MAX_VERSION, description="版本号 version number")]


@router.get("/me")
def me(principal: Anyone) -> dict[str, Any]:
    return {"username": principal.username, "role": principal.role, "department": principal.department}


@router.get("/departments")
def departments(request: Request, principal: User) -> list[str]:
    known = context(request).accounts.departments()
    return [d for d in known if principal.sees(d)]


@router.post("/plans/{department}/validate", openapi_extra=FORM)
async def validate(request: Request, department: str, principal: Submitter, port: Port) -> dict[str, Any]:
    """即时校验，不保存 Validate without saving: the located errors and the assessment beside them. The form
    (`file`, or `content` and `filename`) is read only once the caller is known."""
    _known(request, principal, department)
    pool = intake_pool(request)
    async with pool.turn(department):
        raw, name = await read_upload(request)
        result = await pool.run(lambda: _checked(port, department, raw, name))
    result.pop("plan")
    return result


@router.post("/plans/{department}", openapi_extra=FORM)
async def submit(request: Request, department: str, principal: Submitter, port: Port) -> dict[str, Any]:
    """提交新版本 Submit a new version; every version is kept, valid or not (within the daily quota). The form
    (`file`, or `content` and `filename`) is read only once the caller is known and the quota has room."""
    _known(request, principal, department)
    ctx, pool = context(request), intake_pool(request)
    _within_quota(ctx, department, 0)
    async with pool.turn(department):
        raw, name = await read_upload(request)
        return await pool.run(lambda: _stored(ctx, port, department, raw, name, principal.username))


def _stored(ctx: Context, port: Plans, department: str, raw: bytes, name: str, by: str) -> dict[str, Any]:
    """Checks the upload and keeps it as the department's next version (in a pool thread: parsing, the
    assessment and the YAML of a large plan take seconds)."""
    if not name.lower().endswith(".xlsx"):
        _within_quota(ctx, department, len(raw))  # the text as stored: refused before it is parsed
    result = _checked(port, department, raw, name)
    plan, _ = result.pop("plan"), result.pop("document")
    text = (
        raw.decode("utf-8", "replace")
        if not name.lower().endswith(".xlsx")
        else plan_yaml(plan_document(plan))
        if plan
        else ""
    )
    _within_quota(ctx, department, len(text))
    row = ctx.accounts.add_version(
        department, name, text, plan_document(plan) if plan else None, result["problems"], by
    )
    return {"version": row.version, **result}


def _version_row(request: Request, principal: Principal, department: str, version: int) -> Any:
    visible(principal, department)
    row = context(request).accounts.version(department, version)
    if row is None:
        raise said(404, f"没有版本 {version}", f"no version {version}")
    return row


@router.get("/plans/{department}/versions")
def versions(request: Request, department: str, principal: User) -> list[dict[str, Any]]:
    """每个版本及其审核状态 Each version with its review: only the approved version in force feeds the waves."""
    visible(principal, department)
    return context(request).site.plans.versions(department)


class ReviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "return"]
    comment: str = Field("", max_length=MAX_COMMENT)


@router.post("/plans/{department}/versions/{version}/review")
def review(
    request: Request, department: str, version: Version, body: ReviewBody, principal: Supervisor
) -> dict[str, Any]:
    """审核：通过或退回（附意见）Approve a version, or return it with a comment (supervisors only, audited)."""
    _known(request, principal, department)
    try:
        done = context(request).site.plans.review(
            department, version, body.decision, body.comment, principal.username
        )
    except ReviewRefused as refused:
        raise said(refused.status, refused.zh, refused.en) from refused
    return {"department": department, "version": version, "review": done.as_json()}


@router.get("/plans/{department}/versions/{version}")
def version(request: Request, department: str, version: Version, principal: User) -> dict[str, Any]:
    """一个版本 One version: its text as submitted (`content`: YAML, or the form's JSON), and as YAML (`yaml`: the
    parsed plan as the YAML tab shows it; null when it did not parse)."""
    row = _version_row(request, principal, department, version)
    return {
        "version": row.version,
        "filename": row.filename,
        "valid": row.valid,
        "content": row.content,
        "yaml": plan_yaml(row.plan) if row.plan is not None else None,
        "problems": row.problems,
        "submitted_by": row.submitted_by,
        "submitted_at": row.submitted_at.isoformat(),
    }


@router.get("/plans/{department}/diff")
def diff(
    request: Request,
    department: str,
    principal: User,
    a: Annotated[int, Query(ge=1, le=MAX_VERSION)],
    b: Annotated[int, Query(ge=1, le=MAX_VERSION)],
) -> dict[str, Any]:
    """两个版本的差异 The difference between two versions (as parsed when both are valid, else as submitted)."""
    old, new = (_version_row(request, principal, department, v) for v in (a, b))
    both = old.plan is not None and new.plan is not None
    left, right = (plan_yaml(r.plan) if both else r.content for r in (old, new))
    lines = difflib.unified_diff(left.splitlines(), right.splitlines(), f"v{a}", f"v{b}", lineterm="")
    return {"a": a, "b": b, "parsed": both, "diff": "\n".join(lines)}


def _decisions(port: Plans, principal: Principal, department: str | None) -> list[Decision]:
    if department is not None:
        visible(principal, department)
    return [
        d
        for d in port.view().decisions
        if principal.sees(d.department) and (department is None or d.department == department)
    ]


@router.get("/decisions")
def decisions(principal: User, port: Port, department: str | None = None) -> list[dict[str, Any]]:
    """决定（JSON 契约）Decisions, in the contract's form, for what the caller may see; each with its
    `lifecycle` (state, the dates it went through, what its department does next)."""
    seen = _decisions(port, principal, department)
    states = port.lifecycles(seen)
    return [{**d.contract(), "lifecycle": states[d.key].as_json()} for d in seen]


@router.get("/waves")
def waves(principal: User, port: Port) -> dict[str, Any]:
    """批次：部门只看到自己的系统 Waves; a department sees only its own systems in them."""
    roadmap = port.view().roadmap.contract()
    mine = principal.sees

    def own(system: str) -> bool:
        return mine(system.split("/", 1)[0])

    waves_ = [
        {
            **w,
            "systems": [s for s in w["systems"] if own(s)],
            "departments": [d for d in w["departments"] if mine(d)],
        }
        for w in roadmap["waves"]  # type: ignore[attr-defined]
    ]
    return {
        "waves": [w for w in waves_ if w["systems"]],
        "late": [x for x in roadmap["late"] if own(x["system"])],  # type: ignore[attr-defined]
        "unscheduled": [x for x in roadmap["unscheduled"] if own(x["system"])],  # type: ignore[attr-defined]
    }


@router.get("/roadmap.svg", response_class=Response)
def roadmap_svg(principal: Watcher, port: Port) -> Response:
    view = port.view()
    svg, _ = gantt(view.roadmap, view.plans)
    return Response(svg, media_type="image/svg+xml")
