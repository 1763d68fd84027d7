"""What discovery found, shown to each department: the dependencies of its systems that its plan does not declare,
the peers outside the portfolio they talk to, the sizes and engines the hosts' facts contradict with the window
each needs, and its plan with all of it accepted, to submit as a new version (`GET /api/plans/{department}/observed`,
shown by the console at /app/observed/DEPT).

The site's observation file is `observed.yaml` at the top of its render tree (where `govmig discover` writes it
by default); the plans are the portfolio's, the approved versions in force.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..app import DepartmentFindings, Plans, department_findings, plan_document, plan_yaml, read_observation
from .deps import User, context, said, visible
from .pages import _viewer

OBSERVED = "observed.yaml"
api = APIRouter(prefix="/api", tags=["discovery 发现"])
pages = APIRouter(include_in_schema=False)


def _findings(request: Request, department: str) -> DepartmentFindings | None:
    ctx = context(request)
    path = Path(ctx.config.tree) / OBSERVED
    if not path.is_file():
        return None
    observation, _ = read_observation(path)
    if observation is None:
        raise said(
            503,
            "观测文件无法读取，请运维重新运行 govmig discover",
            "the observation file cannot be read: ops should run govmig discover again",
        )
    portfolio: Plans = request.app.state.portfolio
    return department_findings(portfolio.view().plans, observation, department, waves=ctx.config.schedule)


def _proposal(found: DepartmentFindings | None) -> str | None:
    return plan_yaml(plan_document(found.proposal)) if found and found.proposal else None


@api.get("/plans/{department}/observed")
def observed(request: Request, department: str, principal: User) -> dict[str, Any]:
    """发现的未申报依赖与更正 Undeclared dependencies and corrections the hosts' facts call for."""
    visible(principal, department)
    found = _findings(request, department)
    if found is None:
        return {
            "department": department,
            "observed": False,
            "undeclared": [],
            "outside": [],
            "corrections": [],
            "windows": [],
            "proposal": None,
        }
    return {"observed": True, **found.contract(), "proposal": _proposal(found)}


@pages.get("/plans/{department}/observed", response_model=None)
async def observed_page(request: Request, department: str) -> Response:
    """The findings' page is the console's now (/app/observed/DEPT); this address, linked from mail and notes,
    leads there for whoever may see the department."""
    principal = await _viewer(request, watchers_only=False)
    if isinstance(principal, RedirectResponse):
        return principal
    visible(principal, department)
    return RedirectResponse(f"/app/observed/{quote(department, safe='')}", status_code=303)
