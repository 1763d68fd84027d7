"""Each system's lifecycle as the supervisors' documents show it: the ledger, the audit inventory and the annual
report print the same two columns (its state, and the dates it went through), from the same records.

The state is worked out in the application layer (app/lifecycle.py) from the plans, reviews, waves, runs and the
audit; here it is only shown, so a report cannot disagree with the page a department reads.
"""

from __future__ import annotations

from collections.abc import Mapping

States = Mapping[str, tuple[str, Mapping[str, str]]]
"""System key → (its lifecycle state as shown, e.g. "待验收 awaiting_acceptance"; state → ISO date entered)."""

LIFECYCLE_ZH = {  # every state, in the order a system goes through them
    "submitted": "已提交",
    "approved": "审核通过",
    "returned": "退回",
    "scheduled": "已排期",
    "migrating": "迁移中",
    "cut_over": "已切换",
    "awaiting_acceptance": "待验收",
    "accepted": "已验收",
    "decommissioned": "已下线",
    "retire_decided": "待清理",
    "retired": "已清理",
}
HEADERS = ["生命周期 Lifecycle", "日期 Dates"]
WIDTHS = [22, 30]
DATES = {  # shared/DOMAIN.md v1.1: the dates a system's lifecycle went through
    "submitted": "提交 submitted",
    "approved": "审核 reviewed",
    "scheduled": "排期 scheduled",
    "migrating": "迁移 migrating",
    "cut_over": "切换 cut over",
    "accepted": "验收 accepted",
    "decommissioned": "下线 decommissioned",
    "retired": "清理 retired",
}
UNKNOWN = "未记录 not recorded"


def order(shown: str) -> int:
    """Where a state as shown ("待验收 awaiting_acceptance") comes in the lifecycle: tables follow it."""
    states = list(LIFECYCLE_ZH)
    name = shown.rsplit(" ", 1)[-1]
    return states.index(name) if name in states else len(states)


def dates_text(dates: Mapping[str, str]) -> str:
    """The dates in lifecycle order, one per line, day only (a report is read by the day)."""
    return "\n".join(f"{label} {dates[k][:10]}" for k, label in DATES.items() if dates.get(k))


def cells(states: States, key: str) -> list[str]:
    """The two cells of one system's row."""
    shown, dates = states.get(key, (UNKNOWN, {}))
    return [shown, dates_text(dates)]
