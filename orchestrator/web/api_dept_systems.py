"""我的系统 A department's systems over the API: each by name beside its id, its lifecycle state and wave, its live
health and what the department does next (accept, raise a problem: api_systems.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ..app import department_systems
from .api_plans import Port, _known
from .api_watch import Cache, scoped
from .deps import User, said

router = APIRouter(prefix="/api", tags=["systems 系统"])
Code = Annotated[str | None, Query(max_length=64, description="部门编码（监管、运维）department code")]


@router.get("/dept/systems")
def systems(
    request: Request, principal: User, port: Port, health: Cache, department: Code = None
) -> dict[str, Any]:
    """本部门的系统 The caller's department's systems (supervisors and ops name one with `department`): name and
    id, decision, lifecycle state and wave, live health, and what the department may do next (`answers`)."""
    code = department or principal.department
    if code is None:
        raise said(422, "请指定部门", "name the department", "department")
    _known(request, principal, code)
    doc, _ = health.get(request)
    watched = scoped(doc, principal, code)
    return {
        "department": code,
        "last_cycle": doc.get("last_cycle"),
        "systems": department_systems(port, code, watched["systems"]),
    }
