"""The supervisor's page of a month (资源监管): utilization, fees and the vendor's SLA, read once, and what one
viewer may see of them (a department its own lines only; the SLA per zone is the supervisors' and ops')."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..plan import MigrationPlan
from ..reports import Prices, SlaTerms, UtilizationSettings
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
) -> MoneyView:
    """The month as a viewer sees it: `department` None for supervisors and ops (every line and the SLA), a
    department's code for its own lines only. Raises MoneyFailure (a wrong month, Prometheus unreachable)."""
    used = utilization_report(plans, month, prometheus, settings or UtilizationSettings(), prices, timeout)
    paid = (
        fees_report(plans, month, prometheus, prices, pdf=False, timeout=timeout).document if prices else None
    )
    kept = sla_report(month, prometheus, terms, timeout).document if terms and department is None else None
    doc = used.document
    if department is not None:
        doc = _own(doc, department)
        paid = _own(paid, department) if paid else None
    return MoneyView(month, doc, paid, kept, plan_names(plans))


__all__ = ["MoneyFailure", "MoneyView", "money_view"]
