"""The audit inventory (审计清单, 002 二(一)): every system with what audit asks of it — function, scope, frequency,
who approved it and when, how it is funded — beside its decision; per department and for the province."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..plan import MigrationPlan, zh
from ..policy import Decision
from .lifecycle import HEADERS as LIFECYCLE
from .lifecycle import WIDTHS as LIFECYCLE_WIDTHS
from .lifecycle import States, cells
from .xlsx import new_workbook, sheet_title, table, to_bytes

HEADERS = [
    "序号 No.",
    "部门 Department",
    "系统标识 System",
    "系统名称 Name",
    "主要功能 Function",
    "使用范围 Scope",
    "使用频度 Frequency",
    "审批部门 Approved by",
    "审批日期 Approved on",
    "经费来源 Funding",
    "处置 Action",
    "目标网络 Network",
    "规则 Rules",
]
WIDTHS = [7, 14, 22, 30, 40, 12, 12, 24, 14, 14, 14, 18, 16]


@dataclass(frozen=True)
class InventoryRow:
    number: int
    department: str
    system: str
    name: str
    function: str
    scope: str
    frequency: str
    approved_by: str
    approved_on: str
    funding: str
    action: str
    network: str
    rules: str

    def cells(self) -> list[object]:
        return list(self.__dict__.values())


def _label(value: object) -> str:
    if value is None:
        return "未填 missing"
    text = getattr(value, "value", str(value))
    return f"{zh(text)} {text}"


def inventory_rows(plans: Sequence[MigrationPlan], decisions: Sequence[Decision]) -> list[InventoryRow]:
    """Numbered across the province, in department then plan order: the number audit quotes back."""
    by_key = {f"{d.department}/{d.system}": d for d in decisions}
    rows: list[InventoryRow] = []
    for plan in sorted(plans, key=lambda p: p.department.code):
        for s in plan.systems:
            d = by_key.get(f"{plan.department.code}/{s.id}")
            rows.append(
                InventoryRow(
                    number=len(rows) + 1,
                    department=plan.department.code,
                    system=s.id,
                    name=s.name,
                    function=s.function or "",
                    scope=_label(s.usage.scope),
                    frequency=_label(s.usage.frequency),
                    approved_by=s.approval.authority or "未填 missing",
                    approved_on=str(s.approval.date) if s.approval.date else "未填 missing",
                    funding=_label(s.filing.funding_channel),
                    action=d.action.label if d else "",
                    network=_label(d.target_network) if d and d.target_network else "",
                    rules=", ".join(d.rules) if d else "",
                )
            )
    return rows


def inventory_xlsx(
    rows: Sequence[InventoryRow], names: dict[str, str], states: States | None = None
) -> bytes:
    """The province's sheet, then one per department; with `states` (from the store's records) each system's
    lifecycle state and its dates beside what audit asks."""
    headers, widths = (
        (HEADERS, WIDTHS) if states is None else ([*HEADERS, *LIFECYCLE], [*WIDTHS, *LIFECYCLE_WIDTHS])
    )

    def line(r: InventoryRow) -> list[object]:
        return r.cells() if states is None else [*r.cells(), *cells(states, f"{r.department}/{r.system}")]

    wb = new_workbook()
    table(wb.create_sheet("全省 Province"), headers, (line(r) for r in rows), widths)
    for department in sorted({r.department for r in rows}):
        ws = wb.create_sheet(sheet_title(f"{department} {names.get(department, '')}"))
        table(ws, headers, (line(r) for r in rows if r.department == department), widths)
    return to_bytes(wb)
