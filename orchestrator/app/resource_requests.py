"""Requests and reclaim (资源调整与回收, issue 41): a department asks to resize a system (new vCPU, memory and
storage, e.g. the utilization report's recommendation) or to keep an idle one with its reason; a supervisor who
is not the asker approves it or returns it with a comment. What is approved is in force:

- render scales the system's requests and limits (and a VM's size) to an approved resize (`sizes`);
- the ledger lists each approved change with its effect on a month's fees at the price list (`changes`);
- an approved keep marks the idle system as kept with its reason (`kept`): utilization recommends no reclaim
  and Z3 does not flag it.

The CLI (`govmig resources`) and the web (`/api/resources/requests`) both ask here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..contracts import RequestStatus
from ..plan import MeasuredUsage, Measurement, MigrationPlan, System
from ..render import ApprovedSize, declared_size
from ..reports import Prices, UtilizationSettings, monthly
from ..store import RequestRefused, ResourceRequest, ResourceRequests
from .money import MoneyFailure, utilization_report

if TYPE_CHECKING:
    from .site import Site

ASKERS = ("department", "supervisor")
DECIDERS = ("supervisor",)
BEIJING = ZoneInfo("Asia/Shanghai")
MAX_CPU, MAX_GIB = 4096.0, 1_048_576.0


@dataclass(frozen=True)
class Sizes:
    """What a system holds: vCPU, memory and storage in GiB (the whole system)."""

    cpu: float
    memory_gib: float
    storage_gib: float = 0.0

    def as_json(self) -> dict[str, float]:
        return {"cpu": self.cpu, "memory_gib": self.memory_gib, "storage_gib": self.storage_gib}

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Sizes:
        return cls(float(raw["cpu"]), float(raw["memory_gib"]), float(raw.get("storage_gib", 0.0)))


def declared(system: System) -> Sizes:
    """What the plan declares the system holds: its components' requests times replicas, its data and
    databases."""
    return Sizes(*declared_size(system))


def _num(value: Any) -> Decimal:
    return Decimal(repr(float(value)))


def fee_effect(prices: Prices, before: Sizes, after: Sizes) -> dict[str, str]:
    """A month's fees of holding `before` and `after` at the price list, and the difference (to the fen)."""
    was = monthly(prices, _num(before.cpu), _num(before.memory_gib), _num(before.storage_gib))
    now = monthly(prices, _num(after.cpu), _num(after.memory_gib), _num(after.storage_gib))
    return {"monthly_before": str(was), "monthly_after": str(now), "monthly_effect": str(now - was)}


def next_month(at: datetime) -> str:
    """The Beijing month after `at`: an approved change holds from its first day."""
    local = at.astimezone(BEIJING)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return f"{year:04d}-{month:02d}"


class Resources:
    """site.resources: the requests, what is in force, and the views of it render, the ledger and the reports
    take."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.requests = ResourceRequests(site.engine)

    # --- asking and deciding ------------------------------------------------------------------------------

    def _system(self, key: str) -> tuple[MigrationPlan, System]:
        for plan in self.site.plans.view().plans:
            for s in plan.systems:
                if plan.key(s) == key:
                    return plan, s
        raise RequestRefused(404, f"在用计划中没有系统 {key}", f"no system {key} in the plans in force")

    def _role(
        self, username: str, allowed: Sequence[str], doing_zh: str, doing_en: str
    ) -> tuple[str, str | None]:
        user = self.site.accounts.book.user(username)
        if user is None or user.role not in allowed:
            raise RequestRefused(
                403,
                f"「{username}」不是可以{doing_zh}的启用账户（{'、'.join(allowed)}）",
                f"'{username}' is not an enabled account that may {doing_en} ({', '.join(allowed)})",
            )
        return user.role, user.department

    def ask(
        self,
        username: str,
        key: str,
        kind: str,
        to: Sizes | None = None,
        reason: str = "",
        measured: Sizes | None = None,
    ) -> ResourceRequest:
        """A department (its own systems) or a supervisor asks: `resize` to `to`, or `keep` an idle system with
        a reason. `measured`: what the system holds as Prometheus measured it (the basis of the fee effect);
        None: what its plan declares. Refused (RequestRefused): a wrong kind or size (422), no such system (404),
        another department's system (403), one already waiting (409)."""
        role, department = self._role(username, ASKERS, "提出资源申请", "ask about resources")
        if kind not in ("resize", "keep"):
            raise RequestRefused(422, "申请类型只能是 resize 或 keep", "kind must be resize or keep")
        if role == "department" and key.split("/", 1)[0] != department:
            raise RequestRefused(
                403, "只能为本部门的系统提出申请", "you may ask only about your own department's systems"
            )
        _, system = self._system(key)
        before = measured or declared(system)
        sizes: dict[str, Any] = {"from": before.as_json(), "basis": "measured" if measured else "declared"}
        if kind == "keep":
            if not reason.strip():
                raise RequestRefused(422, "保留闲置系统须说明理由", "keeping an idle system needs a reason")
        else:
            if to is None:
                raise RequestRefused(
                    422, "调整须给出新的 CPU 与内存", "a resize needs the new CPU and memory"
                )
            bad = [
                (n, v, top)
                for n, v, top in (("cpu", to.cpu, MAX_CPU), ("memory_gib", to.memory_gib, MAX_GIB))
                if not 0 < v <= top
            ] + ([("storage_gib", to.storage_gib, MAX_GIB)] if not 0 <= to.storage_gib <= MAX_GIB else [])
            if bad:
                name, value, top = bad[0]
                raise RequestRefused(
                    422,
                    f"{name} 应大于 0 且不超过 {top:g}，而不是 {value:g}",
                    f"{name} must be in (0, {top:g}], not {value:g}",
                )
            if to.storage_gib == 0:
                to = Sizes(to.cpu, to.memory_gib, before.storage_gib)
            sizes["to"] = to.as_json()
        return self.requests.ask(kind, key, username, sizes, reason)

    def ask_recommended(
        self, username: str, key: str, month: str, prometheus: str, reason: str = ""
    ) -> ResourceRequest:
        """Asks the utilization report's recommendation for `key` over `month` (a resize; an idle system's reclaim
        is asked as a keep, with a reason, or as an explicit resize). MoneyFailure when Prometheus cannot say."""
        plans = self.site.plans.view().plans
        report = utilization_report(plans, month, prometheus, UtilizationSettings(), kept=self.kept())
        row = next((r for r in report.document["systems"] if f"{r['department']}/{r['system']}" == key), None)
        if row is None:
            raise RequestRefused(
                404, f"{month} 未测到系统 {key} 的资源使用", f"{key} was not measured in {month}"
            )
        measured = Sizes(row["cpu_allocated"], row["memory_allocated_gib"], row["storage_allocated_gib"])
        advice = row["recommendation"]
        if advice is None or advice["action"] != "resize":
            raise RequestRefused(
                422,
                f"{key} 在 {month} 没有调整建议（闲置系统请申请保留并说明理由，或给出新的规格）",
                f"{key} has no resize recommendation for {month} (ask to keep an idle system with a reason, or "
                "give the new sizes)",
            )
        to = Sizes(advice["cpu"], advice["memory_gib"], measured.storage_gib)
        return self.ask(username, key, "resize", to, reason, measured)

    def settle(self, id_: int, decision: str, username: str, comment: str = "") -> ResourceRequest:
        """A supervisor other than the asker approves or returns (with a comment); audited either way."""
        self._role(username, DECIDERS, "审批资源申请", "decide resources requests")
        return self.requests.settle(id_, decision, username, comment)

    def listed(self, status: str | None = None, department: str | None = None) -> list[ResourceRequest]:
        return self.requests.list(status, department)

    # --- what is in force ---------------------------------------------------------------------------------

    def in_force(self) -> dict[str, ResourceRequest]:
        return self.requests.in_force()

    def version(self) -> tuple[int, ...]:
        """The approved requests' numbers: the portfolio in force is built again when they change."""
        return tuple(sorted(r.id for r in self.in_force().values()))

    def sizes(self) -> dict[str, ApprovedSize]:
        """Each system's approved resize, as render takes it."""
        return {
            key: ApprovedSize(float(r.sizes["to"]["cpu"]), float(r.sizes["to"]["memory_gib"]), r.id)
            for key, r in self.in_force().items()
            if r.kind == "resize" and r.sizes.get("to")
        }

    def approved(self) -> dict[str, tuple[float, float, int]]:
        """Each system's approved resize as the fees take it: (vCPU, memory GiB, the request's number)."""
        return {key: (size.cpu, size.memory_gib, size.request) for key, size in self.sizes().items()}

    def kept(self) -> dict[str, str]:
        """Each idle system kept by an approved request, with its reason."""
        return {key: r.reason for key, r in self.in_force().items() if r.kind == "keep"}

    def changes(self, prices: Prices | None) -> list[dict[str, Any]]:
        """Every approved request, oldest first, with the month it holds from and (with a price list) its effect
        on a month's fees: what the system cost a month before and after, and the difference."""
        rows = []
        for r in self.requests.list(RequestStatus.approved):
            row = r.as_json() | {"holds_from": next_month(r.decided_at) if r.decided_at else None}
            if prices is not None and r.kind == "resize" and r.sizes.get("to"):
                row |= fee_effect(prices, Sizes.of(r.sizes["from"]), Sizes.of(r.sizes["to"]))
            rows.append(row)
        return rows


def with_kept(usage: MeasuredUsage | None, kept: Mapping[str, str]) -> dict[str, Measurement]:
    """Measured usage with every kept system marked kept with its reason, so Z3 does not flag a system a
    supervisor approved keeping (a kept system without a measurement gets one saying so)."""
    found = dict(usage.by_system() if usage else {})
    for key, reason in kept.items():
        had = found.get(key)
        found[key] = (
            had.model_copy(update={"kept": reason})
            if had
            else Measurement(system=key, window_days=1, kept=reason, source="resources")
        )
    return found


__all__ = [
    "MoneyFailure",
    "RequestRefused",
    "ResourceRequest",
    "Resources",
    "Sizes",
    "declared",
    "fee_effect",
    "next_month",
    "with_kept",
]
