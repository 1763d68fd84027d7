"""The supervisors' day as use cases: the review queue and one version under review, progress per department
against the deadlines, and the periods the reports have data for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .progress import progress
from .report_periods import report_periods
from .review_queue import WAITING, queue, review_detail

if TYPE_CHECKING:
    from .site import Site

__all__ = ["WAITING", "Supervising"]


class Supervising:
    def __init__(self, site: Site) -> None:
        self.site = site

    def queue(self, status: str = "pending") -> list[dict[str, Any]]:
        """Versions waiting for review across departments, oldest first (shared/DOMAIN.md v1.2)."""
        return queue(self.site.plans, status)

    def under_review(self, department: str, version: int) -> dict[str, Any] | None:
        """One version beside the version in force: the side-by-side text and the decisions it changes."""
        return review_detail(self.site.plans, department, version)

    def progress(self) -> dict[str, Any]:
        """迁移上云率 per department against its deadline, and what puts the deadline at risk."""
        return progress(self.site.plans)

    def report_periods(self) -> dict[str, Any]:
        """The years and months the reports have data for, and the latest of each."""
        return report_periods(self.site.engine, self.site.config.today())
