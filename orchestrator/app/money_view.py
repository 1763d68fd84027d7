"""The supervisor's page of a month (资源监管): utilization, fees and the vendor's SLA, read once, and what one
viewer may see of them (a department its own lines only; the SLA per zone is the supervisors' and ops')."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..plan import MigrationPlan
from ..reports import PdfError, Prices, SlaTerms, UtilizationSettings, fees_pdf, fees_xlsx, print_pdf
from .money import MoneyFailure, fees_report, plan_names, sla_report, utilization_report


@dataclass
class MoneyView:
    month: str
    utilization: dict[str, Any] | None
    fees: dict[str, Any] | None
    sla: dict[str, Any] | None
    names: dict[str, str]


def _own(document: dict[str, Any], department: str) -> dict[str, Any]:
    """The document with only `department`'s systems and departments (a fees total becomes its own)."""
    mine = dict(document)
    mine["systems"] = [s for s in document["systems"] if s["department"] == department]
    mine["departments"] = [d for d in document["departments"] if d["department"] == department]
    if "idle" in document:
        mine["idle"] = [k for k in document["idle"] if k.startswith(department + "/")]
    if "unmeasured" in document:
        mine["unmeasured"] = [k for k in document["unmeasured"] if k.startswith(department + "/")]
    if "total" in document:
        mine["total"] = mine["departments"][0]["amount"] if mine["departments"] else "0.00"
    if "kept" in document:
        mine["kept"] = [k for k in document["kept"] if k.startswith(department + "/")]
    if "next_month" in document:
        ahead = dict(document["next_month"])
        ahead["systems"] = [s for s in ahead["systems"] if s["department"] == department]
        ahead["total"] = str(sum((Decimal(s["amount"]) for s in ahead["systems"]), Decimal(0)))
        mine["next_month"] = ahead
    return mine


def money_view(
    plans: Sequence[MigrationPlan],
    month: str,
    prometheus: str,
    prices: Prices | None,
    terms: SlaTerms | None,
    department: str | None = None,
    settings: UtilizationSettings | None = None,
    timeout: float = 30,
    kept: Mapping[str, str] | None = None,
    approved: Mapping[str, tuple[float, float, int]] | None = None,
) -> MoneyView:
    """The month as a viewer sees it: `department` None for supervisors and ops (every line and the SLA), a
    department's code for its own lines only; `kept` and `approved` what supervisors approved (idle systems
    kept, resizes in force: app/resource_requests.py). Raises MoneyFailure (a wrong month, Prometheus unreachable)."""
    used = utilization_report(
        plans, month, prometheus, settings or UtilizationSettings(), prices, timeout, kept=kept
    )
    paid = (
        fees_report(plans, month, prometheus, prices, pdf=False, timeout=timeout, approved=approved).document
        if prices
        else None
    )
    vendor = sla_report(month, prometheus, terms, timeout).document if terms and department is None else None
    doc = used.document
    if department is not None:
        doc = _own(doc, department)
        paid = _own(paid, department) if paid else None
    return MoneyView(month, doc, paid, vendor, plan_names(plans))


def fees_download(
    plans: Sequence[MigrationPlan],
    month: str,
    prometheus: str,
    prices: Prices,
    fmt: str,
    department: str | None = None,
    timeout: float = 60,
    printer: Callable[[str], bytes] = print_pdf,
) -> tuple[str, bytes]:
    """The month's fees workbook (`xlsx`) or PDF (`pdf`) for the finance bureau, as `govmig report fees` writes
    them: every line for supervisors and ops, a department's own lines (its own total) for a department. Raises
    MoneyFailure (a wrong month, Prometheus unreachable, the PDF not printed)."""
    report = fees_report(plans, month, prometheus, prices, pdf=False, timeout=timeout)
    document, names = report.document, plan_names(plans)
    if department is not None:
        document = _own(document, department)
    label = document["month"]
    if fmt == "xlsx":
        return f"fees-{label}.xlsx", fees_xlsx(document, names)
    try:
        return f"fees-{label}.pdf", fees_pdf(document, names, printer)
    except PdfError as exc:
        raise MoneyFailure(f"PDF 未生成：{exc}", f"the PDF was not printed: {exc}", 1) from None


__all__ = ["MoneyFailure", "MoneyView", "fees_download", "money_view"]
