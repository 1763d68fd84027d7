"""Reports: the registry's kinds, built over the portfolio in force and the store's history, with each system's
lifecycle as the site knows it (its plan reviews too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .report_periods import report_periods
from .reports import REPORTS, Report, ReportKind, ReportRequest, build_report

if TYPE_CHECKING:
    from .site import Site


class Reporting:
    def __init__(self, site: Site) -> None:
        self.site = site

    @property
    def kinds(self) -> list[ReportKind]:
        return list(REPORTS.values())

    def build(self, kind: str, year: int | None, department: str | None, pdf: bool) -> Report:
        """The named report of the portfolio in force (KeyError: no such department; PdfError: no PDF now); no
        year given: the latest year with data (app/report_periods.py), not an empty one."""
        plans = self.site.plans
        view = plans.view()
        if year is None and REPORTS[kind].yearly:
            year = report_periods(self.site.engine, view.as_of)["year"]
        asked = ReportRequest(year, department, pdf=pdf, lifecycles=plans.lifecycles(view.decisions))
        return build_report(kind, view.portfolio, self.site.engine, asked)
