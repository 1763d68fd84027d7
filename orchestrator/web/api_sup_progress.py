"""Progress per department against the deadlines (迁移上云率), and the periods the reports have data for (the
reports open on the latest of them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .deps import Watcher, context

router = APIRouter(prefix="/api", tags=["supervision 监管"])


@router.get("/progress")
def progress(request: Request, principal: Watcher) -> dict[str, Any]:
    """迁移进度 Per department: systems to migrate, cut over, accepted, 迁移上云率 = (cut over or accepted) / to
    migrate, the deadline, and whether it is at risk and why (`at_risk` lists the departments; empty: none)."""
    return context(request).site.supervision.progress()


@router.get("/reports/periods")
def periods(request: Request, principal: Watcher) -> dict[str, Any]:
    """报告期 The years and months the reports have data for, newest first; `year` and `month`: where the reports
    open (the latest with data)."""
    return context(request).site.supervision.report_periods()
