"""The report registry: every document the supervisors ask for, built the same way from the CLI and the web.

A report kind is a name, its bilingual label and a builder over the portfolio and the store's history. The
inventory, the annual report and the evaluation are registered here; a later kind is one `register` call, and both
`govmig report` and `/api/reports` offer it without another line of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..reports import (
    EvaluationSettings,
    History,
    PdfError,
    Prices,
    Score,
    States,
    UtilizationSettings,
    annual_files,
    evaluation_files,
    inventory_files,
    print_pdf,
)
from ..store import Engine, Store, moved, retired, watched
from .lifecycle import Lifecycle, lifecycles, shown
from .money import utilization_report
from .portfolio import Portfolio

__all__ = ["REPORTS", "PdfError", "Report", "ReportKind", "ReportRequest", "build_report", "register"]


@dataclass(frozen=True)
class ReportRequest:
    year: int | None = None
    """The report year; last year (from the portfolio's date) when not given."""
    department: str | None = None
    weights: EvaluationSettings = field(default_factory=EvaluationSettings)
    pdf: bool = True
    """Print the PDF too (headless Chromium); PdfError when it cannot."""
    lifecycles: Mapping[str, Lifecycle] | None = None
    """Each system's lifecycle as the caller knows it (the web's, with its plan reviews); else it is worked out
    from the store's runs and audit."""
    prometheus: str | None = None
    """Where the month's utilization is read (the annual report and the evaluation carry it); None: they say it
    was not measured."""
    utilization_month: str | None = None
    """YYYY-MM of the utilization (Beijing); None: the report year's December."""
    prices: Prices | None = None
    """The price list, for what reclaiming idle systems would save."""
    kept: Mapping[str, str] = field(default_factory=dict)
    """Idle systems kept by a supervisor's approval ("DEPT/id" to the reason): not counted for reclaim."""


@dataclass
class Report:
    kind: str
    year: int | None
    files: dict[str, bytes]
    scores: list[Score] = field(default_factory=list)


@dataclass
class Records:
    """What the store knows, read only when a report asks for it (the inventory needs no monitoring history)."""

    name: str
    portfolio: Portfolio
    engine: Engine | None
    given: Mapping[str, Lifecycle] | None

    def states(self) -> States:
        if self.given is not None:
            return shown(self.given)
        if self.engine is None:
            return {}
        store = Store(self.engine)
        found = lifecycles(store, store.waves(), self.portfolio.decisions, self.portfolio.roadmap, {})
        return shown(found)

    def history(self, year: int) -> History:
        if self.engine is None:
            raise ValueError(f"the {self.name} report needs the store's history")
        engine = self.engine
        return History(moved(engine), watched(engine, year), retired(engine), self.states())


Builder = Callable[[Portfolio, Records, ReportRequest, int], Report]


@dataclass(frozen=True)
class ReportKind:
    name: str
    zh: str
    en: str
    build: Builder
    yearly: bool = True
    """Built for a year from the store's history (the inventory is not)."""
    formats: tuple[str, ...] = ("html", "xlsx", "pdf")
    """The files it is offered as (the web's routes: one per kind, from this registry)."""
    by_department: bool = False
    """Also built for one department (`--department`, `?department=`)."""


REPORTS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    REPORTS[kind.name] = kind
    return kind


def build_report(name: str, portfolio: Portfolio, engine: Engine | None, request: ReportRequest) -> Report:
    """The named report; KeyError for an unknown department, PdfError when the PDF cannot be printed."""
    kind = REPORTS[name]
    year = request.year or portfolio.as_of.year - 1
    return kind.build(portfolio, Records(name, portfolio, engine, request.lifecycles), request, year)


def _inventory(portfolio: Portfolio, records: Records, __: ReportRequest, ___: int) -> Report:
    files = inventory_files(portfolio.plans, portfolio.decisions, records.states() or None)
    return Report("inventory", None, files)


def _utilization(portfolio: Portfolio, request: ReportRequest, year: int) -> dict[str, Any] | None:
    """The utilization document of the request's month (the year's December by default), or None without a
    Prometheus. MoneyFailure when the month is wrong or Prometheus cannot say."""
    if request.prometheus is None:
        return None
    month = request.utilization_month or f"{year:04d}-12"
    settings = UtilizationSettings()
    made = utilization_report(
        portfolio.plans, month, request.prometheus, settings, request.prices, kept=request.kept
    )
    return made.document


def _annual(portfolio: Portfolio, records: Records, request: ReportRequest, year: int) -> Report:
    files = annual_files(
        portfolio.plans,
        portfolio.decisions,
        portfolio.roadmap,
        records.history(year),
        year,
        print_pdf if request.pdf else None,
        request.department,
        _utilization(portfolio, request, year),
    )
    return Report("annual", year, files)


def _evaluation(portfolio: Portfolio, records: Records, request: ReportRequest, year: int) -> Report:
    scores, files = evaluation_files(
        portfolio.plans,
        portfolio.decisions,
        portfolio.roadmap,
        records.history(year),
        year,
        request.weights,
        print_pdf if request.pdf else None,
        _utilization(portfolio, request, year),
    )
    return Report("evaluation", year, files, list(scores))


register(ReportKind("inventory", "审计清单", "audit inventory", _inventory, yearly=False, formats=("xlsx",)))
register(ReportKind("annual", "年度报告", "annual report", _annual, by_department=True))
register(ReportKind("evaluation", "考核评价", "evaluation", _evaluation))
