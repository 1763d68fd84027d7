"""Resources and money (资源监管): the utilization, fees and SLA reports of a month, as `govmig report
utilization|fees|sla` and a page ask for them: the plans name the portfolio, Prometheus measured it, the reports
compute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ..monitor import Unanswered, ask, hourly_allocation, month_figures, zone_minutes
from ..plan import MeasuredUsage, Measurement, MigrationPlan
from ..reports import (
    HeldHours,
    Month,
    MonthError,
    PdfError,
    Prices,
    SlaTerms,
    SystemFigures,
    UtilizationSettings,
    fees,
    fees_pdf,
    fees_xlsx,
    next_month_fees,
    parse_month,
    print_pdf,
    sla,
    utilization,
)

__all__ = [
    "MeasuredUsage",
    "MoneyFailure",
    "MoneyReport",
    "Prices",
    "SlaTerms",
    "UtilizationSettings",
    "fees_report",
    "plan_names",
    "sla_report",
    "utilization_report",
]

T = TypeVar("T")
BAD_INPUT, FAILED = 2, 1


class MoneyFailure(Exception):
    """Why a report could not be made, in Chinese and English, with the exit status it means (2 bad input, 1
    failed: Prometheus unreachable, the PDF not printed)."""

    def __init__(self, zh: str, en: str, status: int) -> None:
        super().__init__(en)
        self.zh, self.en, self.status = zh, en, status


@dataclass
class MoneyReport:
    document: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    usage: MeasuredUsage | None = None
    """The utilization's CPU against allocation as measured usage (Z3 reads it through `assess --usage`)."""


def measured_cpu(
    figures: Sequence[SystemFigures],
    month: Month,
    base: MeasuredUsage | None,
    kept: Mapping[str, str] | None = None,
) -> MeasuredUsage:
    """Each measured system's mean CPU as a share of what it holds, over the days measured, merged into `base`
    (the monitor's requests, from `govmig usage`), so Z3 sees idle requests and idle CPU together."""
    known = base.by_system() if base else {}
    systems = dict(known)
    for f in figures:
        if f.cpu_allocated <= 0 or f.samples == 0:
            continue
        key = f"{f.department}/{f.system}"
        cpu = min(100.0, round(100 * f.cpu_mean / f.cpu_allocated, 2))
        had = known.get(key)
        days = max(1, int(f.measured_days))
        systems[key] = (
            had.model_copy(update={"cpu_percent": cpu})
            if had
            else Measurement(system=key, window_days=days, cpu_percent=cpu, source="prometheus")
        )
    for key, reason in (kept or {}).items():
        if key in systems:
            systems[key] = systems[key].model_copy(update={"kept": reason})
    measured_at = base.measured_at if base else month.after.date()
    return MeasuredUsage.model_validate(
        {
            "apiVersion": "govmig/v1",
            "kind": "MeasuredUsage",
            "measured_at": measured_at,
            "systems": [systems[k] for k in sorted(systems)],
        }
    )


def month_of(text: str) -> Month:
    try:
        return parse_month(text)
    except MonthError as exc:
        raise MoneyFailure(exc.zh, exc.en, BAD_INPUT) from None


def plan_names(plans: Sequence[MigrationPlan]) -> dict[str, str]:
    """Each department's code and each system's "DEPT/id" to its name (names beside codes)."""
    names: dict[str, str] = {}
    for p in plans:
        names[p.department.code] = p.department.name
        for s in p.systems:
            names[p.key(s)] = s.name
    return names


def _asked(url: str, timeout: float, question: Callable[[Any], T]) -> T:
    try:
        parts = urlsplit(url)
        well_formed = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # an unclosed IPv6 bracket, a port that is no number
        well_formed = False
    if not well_formed:
        raise MoneyFailure(
            f"「{url}」不是有效的 Prometheus 地址（应为 http(s)://主机:端口）",
            f"'{url}' is not a Prometheus URL (http(s)://host:port)",
            BAD_INPUT,
        )
    try:
        return ask(url, timeout, question)
    except Unanswered as exc:
        raise MoneyFailure(
            f"无法从 Prometheus（{url}）读取数据：{exc}",
            f"could not read from Prometheus at {url}: {exc}",
            FAILED,
        ) from None


def _keys(plans: Sequence[MigrationPlan]) -> set[str]:
    return {p.key(s) for p in plans for s in p.systems}


def utilization_report(
    plans: Sequence[MigrationPlan],
    month: str,
    prometheus: str,
    settings: UtilizationSettings,
    prices: Prices | None = None,
    timeout: float = 60,
    usage: MeasuredUsage | None = None,
    kept: Mapping[str, str] | None = None,
) -> MoneyReport:
    """The month's utilization of the plans' systems that Prometheus measured; `unmeasured` names the others.
    `kept`: idle systems a supervisor approved keeping ("DEPT/id" to the reason): not recommended for reclaim,
    and marked kept in the measured usage so Z3 does not flag them."""
    m = month_of(month)
    found = _asked(prometheus, timeout, lambda p: month_figures(p, m.start, m.end))
    keys = _keys(plans)
    figures = [
        SystemFigures(
            department=dept,
            system=system,
            zone=got.zone,
            cpu_allocated=got.figures.get("cpu_allocated", 0.0),
            cpu_p95=got.figures.get("cpu_p95", 0.0),
            cpu_peak=got.figures.get("cpu_peak", 0.0),
            cpu_mean=got.figures.get("cpu_mean", 0.0),
            memory_allocated=got.figures.get("memory_allocated", 0.0),
            memory_p95=got.figures.get("memory_p95", 0.0),
            memory_peak=got.figures.get("memory_peak", 0.0),
            storage_allocated=got.figures.get("storage_allocated", 0.0),
            storage_used=got.figures.get("storage_used", 0.0),
            samples=int(got.figures.get("samples", 0)),
        )
        for (dept, system), got in found.items()
        if f"{dept}/{system}" in keys
    ]
    document = utilization(figures, m, plan_names(plans), settings, prices, kept)
    document["unmeasured"] = sorted(keys - {f"{f.department}/{f.system}" for f in figures})
    return MoneyReport(document, usage=measured_cpu(figures, m, usage, kept))


def fees_report(
    plans: Sequence[MigrationPlan],
    month: str,
    prometheus: str,
    prices: Prices,
    pdf: bool = True,
    timeout: float = 60,
    printer: Callable[[str], bytes] = print_pdf,
    approved: Mapping[str, tuple[float, float, int]] | None = None,
) -> MoneyReport:
    """The month's fees of the plans' systems, and the finance bureau's workbook (and PDF); with `approved` (the
    resizes in force: "DEPT/id" to vCPU, memory GiB and the request's number) the next month's fees with them
    (`next_month`)."""
    m = month_of(month)
    found = _asked(prometheus, timeout, lambda p: hourly_allocation(p, m.start, m.end))
    keys = _keys(plans)
    held = [
        HeldHours(dept, system, h.cpu, h.memory, h.storage)
        for (dept, system), h in found.items()
        if f"{dept}/{system}" in keys
    ]
    names = plan_names(plans)
    document = fees(held, m, prices, names)
    if approved is not None:
        document["next_month"] = next_month_fees(held, m, prices, approved)
    files = {f"fees-{m.label}.xlsx": fees_xlsx(document, names)}
    if pdf:
        try:
            files[f"fees-{m.label}.pdf"] = fees_pdf(document, names, printer)
        except PdfError as exc:
            raise MoneyFailure(f"PDF 未生成：{exc}", f"the PDF was not printed: {exc}", FAILED) from None
    return MoneyReport(document, files)


def sla_report(month: str, prometheus: str, terms: SlaTerms, timeout: float = 60) -> MoneyReport:
    """The month's availability per zone from the health probes, against the vendor's terms."""
    m = month_of(month)
    zones = _asked(prometheus, timeout, lambda p: zone_minutes(p, m.start, m.end))
    return MoneyReport(sla(zones, m, terms))
