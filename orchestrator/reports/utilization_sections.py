"""Resource utilization in the annual report and the evaluation (issue 41; 001 三(三), 002 一(二)5): per department
its CPU p95 against what it holds, its idle systems and what reclaiming them would save a month, from the same
document `govmig report utilization` prints. Without a Prometheus the section says utilization was not measured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .documents import Section

HEADERS = [
    "部门 Department",
    "名称 Name",
    "CPU p95 / 分配 allocated (vCPU)",
    "CPU 利用率 Utilization",
    "利用率排名 Rank",
    "闲置系统数 Idle systems",
    "闲置系统 Which",
    "批准保留 Kept",
    "回收可节省（元/月）Reclaim saving (CNY a month)",
]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def reclaim_savings(document: Mapping[str, Any]) -> dict[str, str]:
    """Per department, what reclaiming its idle systems (not those kept) would save a month, as a decimal string;
    nothing when the report was made without a price list."""
    from decimal import Decimal

    saved: dict[str, Decimal] = {}
    for s in document["systems"]:
        advice = s["recommendation"] or {}
        if advice.get("action") == "reclaim" and advice.get("monthly_saving") is not None:
            saved[s["department"]] = saved.get(s["department"], Decimal(0)) + Decimal(
                advice["monthly_saving"]
            )
    return {d: str(v) for d, v in saved.items()}


def utilization_section(
    document: Mapping[str, Any] | None, number: str, department: str | None = None
) -> Section:
    """The section: one row per department (only `department`'s when given), or "not measured"."""
    heading = f"{number}资源利用率 Resource utilization"
    if document is None:
        return Section(
            heading,
            "未测量：生成报告时未提供 Prometheus 地址（--prometheus），资源利用率与闲置资源未计入。"
            "Not measured: no Prometheus was given (--prometheus), so utilization and idle resources are not "
            "counted.",
        )
    idle = [k for k in document["idle"] if k not in document.get("kept", [])]
    kept = list(document.get("kept", []))
    savings = reclaim_savings(document)
    rows = [
        [
            d["department"],
            d["name"],
            f"{d['cpu_p95']:g} / {d['cpu_allocated']:g}",
            _pct(d["cpu_utilization"]),
            d["rank"],
            sum(1 for k in idle if k.startswith(d["department"] + "/")),
            ", ".join(k for k in idle if k.startswith(d["department"] + "/")) or "–",
            ", ".join(k for k in kept if k.startswith(d["department"] + "/")) or "–",
            savings.get(d["department"], "0.00" if d.get("monthly_saving") is not None else "–"),
        ]
        for d in sorted(document["departments"], key=lambda d: d["rank"])
        if department is None or d["department"] == department
    ]
    text = (
        f"{document['month']}（北京时间）实测：闲置系统 {len(idle)} 个，批准保留 {len(kept)} 个；"
        f"闲置指整月 CPU p95 ≤ {document['settings']['idle_cpu_ratio']:.0%} 且内存 p95 ≤ "
        f"{document['settings']['idle_memory_ratio']:.0%}。"
        f"Measured in {document['month']} (Beijing time): {len(idle)} idle systems, {len(kept)} kept by approval; "
        f"idle means a whole month at CPU p95 ≤ {document['settings']['idle_cpu_ratio']:.0%} and memory p95 ≤ "
        f"{document['settings']['idle_memory_ratio']:.0%} of what it holds."
    )
    return Section(heading, text, headers=HEADERS, rows=rows, keep=(0, 1))
