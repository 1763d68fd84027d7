"""The ledger (台账): every system with its decision, rule by rule, as an Excel workbook (002 三(二)).

One sheet per department and a summary; Chinese headers with English beside them, for the people who keep it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..plan import MigrationPlan, zh
from ..policy import Decision
from .counts import by_department as department_counts
from .counts import counts
from .lifecycle import HEADERS as LIFECYCLE
from .lifecycle import WIDTHS as LIFECYCLE_WIDTHS
from .lifecycle import States, cells
from .xlsx import new_workbook, sheet_title, table, to_bytes

COLUMNS = [
    "系统标识 System",
    "系统名称 Name",
    "所属司局 Bureau",
    "处置 Action",
    "目标网络 Network",
    "上云 Cloud",
    "区域 Zone",
    "整合进 Consolidate into",
    "规则 Rules",
    "理由",
    "Reasons",
    "整改事项 To fix",
    "标记 Flags",
    "说明 Notes",
]
WIDTHS = [22, 30, 16, 14, 18, 8, 10, 24, 14, 60, 60, 40, 28, 40]
SUMMARY = [
    "部门编码 Code",
    "部门名称 Department",
    "系统数 Systems",
    "迁移 Migrate",
    "清理 Retire",
    "保留 Stay",
    "暂缓 Blocked",
    "内网 Internal",
    "外网 External",
    "上云 Cloud",
    "互联网区 Internet zone",
    "无运维经费 No O&M funds",
    "截止日期 Deadline",
]


def _row(d: Decision) -> list[object]:
    net = f"{zh(d.target_network.value)} {d.target_network.value}" if d.target_network else ""
    return [
        d.system,
        d.name,
        d.owner_unit or "",
        d.action.label,
        net,
        "是" if d.cloud else "否",
        f"{zh(d.zone.value)} {d.zone.value}" if d.zone else "",
        d.consolidate_into or "",
        ", ".join(d.rules),
        "\n".join(f"[{r.rule}] {r.zh}" for r in d.reasons),
        "\n".join(f"[{r.rule}] {r.en}" for r in d.reasons),
        "\n".join(f"[{r.rule}] {r.zh} / {r.en}" for r in d.fixes),
        ", ".join(d.flags),
        "\n".join(f"{n.zh} / {n.en}" for n in d.notes),
    ]


CHANGES = [
    "编号 No.",
    "系统 System",
    "名称 Name",
    "类型 Kind",
    "原规格 From (vCPU / GiB / 存储 GiB)",
    "新规格 To (vCPU / GiB / 存储 GiB)",
    "理由 Reason",
    "申请 Asked by",
    "批准 Approved by",
    "批准时间 Approved at (UTC)",
    "意见 Comment",
    "起算月 Holds from",
    "调整前月费 Monthly before",
    "调整后月费 Monthly after",
    "月费用影响 Monthly effect",
]
CHANGE_WIDTHS = [8, 30, 30, 18, 24, 24, 40, 14, 14, 20, 30, 12, 16, 16, 16]


def _sizes(raw: Mapping[str, Any] | None) -> str:
    if not raw:
        return ""
    return f"{raw['cpu']:g} / {raw['memory_gib']:g} / {raw.get('storage_gib', 0):g}"


def _change(c: Mapping[str, Any], names: Mapping[str, str]) -> list[object]:
    money = [
        Decimal(c[k]) if c.get(k) is not None else ""
        for k in ("monthly_before", "monthly_after", "monthly_effect")
    ]
    return [
        c["id"],
        c["system"],
        names.get(c["system"], ""),
        f"{c['kind_zh']} {c['kind_en']}",
        _sizes(c.get("from")),
        _sizes(c.get("to")) if c["kind"] == "resize" else "",
        c.get("reason", ""),
        c.get("asked_by", ""),
        c.get("decided_by") or "",
        (c.get("decided_at") or "")[:19].replace("T", " "),
        c.get("comment", ""),
        c.get("holds_from") or "",
        *money,
    ]


def build_ledger(
    decisions: Sequence[Decision],
    plans: Sequence[MigrationPlan],
    states: States | None = None,
    changes: Sequence[Mapping[str, Any]] | None = None,
) -> bytes:
    """The workbook; with `states` (from the store's records) each system's lifecycle state and its dates too;
    with `changes` (the approved resources requests, app/resource_requests.py) a sheet of them with each one's
    effect on a month's fees at the price list."""
    by_department: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        by_department[d.department].append(d)
    wb = new_workbook()
    summary = wb.create_sheet("汇总 Summary")
    rows = []
    tally = department_counts(decisions)
    for plan in plans:
        c = tally.get(plan.department.code) or counts([])
        rows.append(
            [
                plan.department.code,
                plan.department.name,
                *c.placement(),
                c.no_om_funds,
                plan.deadline,
            ]
        )
    table(summary, SUMMARY, rows, [16, 30] + [12] * 11)
    for row in summary.iter_rows(min_row=2, min_col=13, max_col=13):
        row[0].number_format = "yyyy-mm-dd"
    for plan in plans:
        ws = wb.create_sheet(sheet_title(f"{plan.department.code} {plan.department.name}"))
        mine = by_department.get(plan.department.code, [])
        if states is None:
            table(ws, COLUMNS, (_row(d) for d in mine), WIDTHS)
        else:
            rows_ = ([*_row(d), *cells(states, d.key)] for d in mine)
            table(ws, [*COLUMNS, *LIFECYCLE], rows_, [*WIDTHS, *LIFECYCLE_WIDTHS])
    if changes is not None:
        names = {p.key(s): s.name for p in plans for s in p.systems}
        ws = wb.create_sheet("资源调整 Resource changes")
        table(ws, CHANGES, (_change(c, names) for c in changes), CHANGE_WIDTHS)
        for row in ws.iter_rows(min_row=2, min_col=13, max_col=15):
            for cell in row:
                cell.number_format = "#,##0.00"
    return to_bytes(wb)
