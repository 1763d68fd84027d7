"""A department clerk's plan pages over the API: the plan model's JSON Schema for the form, the plan in force to
start it from, the Excel template to download, and two versions side by side with the assessment's changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..app import NoVersion, compare_versions, current_plan, plan_schema, template_of
from .api_plans import MAX_VERSION, Port, _known
from .deps import User, said, visible

router = APIRouter(prefix="/api", tags=["plans 计划"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Number = Annotated[int, Query(ge=1, le=MAX_VERSION, description="版本号 version number")]


@router.get("/plans/schema")
def schema(principal: User) -> dict[str, Any]:
    """计划表单的 JSON Schema The plan model's JSON Schema (aliases), each field labelled in Chinese and English
    (`x-label`, `x-help`), each enumeration's values by their Chinese names (`x-options`)."""
    return plan_schema()


@router.get("/plans/template.xlsx", response_class=Response)
def template(principal: User, port: Port) -> Response:
    """空白 Excel 模板 The empty Excel template (Chinese headers, drop-down lists, an example row)."""
    return _workbook(template_of(port), "plan-template.xlsx")


@router.get("/plans/{department}/template.xlsx", response_class=Response)
def filled_template(request: Request, department: str, principal: User, port: Port) -> Response:
    """填好本部门现行计划的 Excel 模板 The template filled with the department's plan in force, to edit in Excel."""
    _known(request, principal, department)
    return _workbook(template_of(port, department), f"{department}-plan.xlsx")


def _workbook(body: bytes, name: str) -> Response:
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/plans/{department}/current")
def current(request: Request, department: str, principal: User, port: Port) -> dict[str, Any]:
    """现行计划 The plan in force (the approved version, else the latest valid one) as a JSON document, with its
    version number: what the form starts from."""
    _known(request, principal, department)
    found = current_plan(port, department)
    if found is None:
        raise said(404, "本部门还没有有效的计划版本", "the department has no valid plan version yet")
    return found


@router.get("/plans/{department}/compare")
def compare(department: str, principal: User, port: Port, a: Number, b: Number) -> dict[str, Any]:
    """两个版本并排比较 Two versions side by side (rows of aligned lines, each marked equal, replace, delete or
    insert) and the systems whose decision (action, network, cloud, zone, wave) differs between them."""
    visible(principal, department)
    try:
        return compare_versions(port, department, a, b)
    except NoVersion as missing:
        raise said(404, f"没有版本 {missing.version}", f"no version {missing.version}") from missing
