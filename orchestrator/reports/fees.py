"""Cloud service fees for a month (服务费用核算), for the finance bureau's budget review.

What a system held is read hour by hour (the most it held in each hour: a started hour counts whole, as a cloud's
metering bills it; an hour it held nothing, before its cutover or after its decommission, costs nothing). Its
amount is each allocated unit × its monthly price × the hours it was held ÷ the month's hours:

    amount = (vCPU·h × vcpu_month + GiB·h of memory × memory_gib_month + GiB·h of storage × storage_gib_month)
             ÷ hours of the month

computed in Decimal and rounded once, per system, to the fen (half up). A department's amount is the sum of its
systems' rounded amounts and the total the sum of the departments': the lines always add up to the totals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .documents import Section, html
from .month import Month
from .prices import GIB, Prices, decimal, to_fen
from .xlsx import new_workbook, sheet_title, table, to_bytes

HOURS = Decimal("0.001")


@dataclass(frozen=True)
class HeldHours:
    """A system's allocation per hour (by the hour's start, Unix seconds): CPUs in cores, memory and storage in
    bytes."""

    department: str
    system: str
    cpu: Mapping[int, float]
    memory: Mapping[int, float]
    storage: Mapping[int, float]


def _sum(hours: Mapping[int, float], month: Month, unit: Decimal = Decimal(1)) -> Decimal:
    return sum((decimal(v) / unit for t, v in hours.items() if month.start <= t < month.end), Decimal(0))


def system_fee(h: HeldHours, month: Month, prices: Prices) -> dict[str, Any]:
    vcpu, memory, storage = _sum(h.cpu, month), _sum(h.memory, month, GIB), _sum(h.storage, month, GIB)
    amount = to_fen(
        (vcpu * prices.vcpu_month + memory * prices.memory_gib_month + storage * prices.storage_gib_month)
        / Decimal(month.hours)
    )
    return {
        "department": h.department,
        "system": h.system,
        "vcpu_hours": str(vcpu.quantize(HOURS)),
        "memory_gib_hours": str(memory.quantize(HOURS)),
        "storage_gib_hours": str(storage.quantize(HOURS)),
        "amount": str(amount),
    }


def fees(held: Sequence[HeldHours], month: Month, prices: Prices, names: Mapping[str, str]) -> dict[str, Any]:
    """The month's fees: per system, per department and in total; amounts as exact decimal strings (yuan)."""
    systems = [system_fee(h, month, prices) for h in sorted(held, key=lambda h: (h.department, h.system))]
    departments: dict[str, dict[str, Any]] = {}
    for row in systems:
        d = departments.setdefault(
            row["department"],
            {
                "department": row["department"],
                "name": names.get(row["department"], ""),
                "vcpu_hours": Decimal(0),
                "memory_gib_hours": Decimal(0),
                "storage_gib_hours": Decimal(0),
                "amount": Decimal(0),
            },
        )
        for key in ("vcpu_hours", "memory_gib_hours", "storage_gib_hours", "amount"):
            d[key] += Decimal(row[key])
    total = sum((d["amount"] for d in departments.values()), Decimal(0))
    return {
        "month": month.label,
        "hours": month.hours,
        "currency": prices.currency,
        "prices": {k: str(v) for k, v in prices.model_dump().items() if k != "currency"},
        "rounding": "each system's amount to the fen (0.01), half up; totals are sums of rounded amounts",
        "systems": systems,
        "departments": [
            {k: str(v) if isinstance(v, Decimal) else v for k, v in d.items()} for d in departments.values()
        ],
        "total": str(total),
    }


HEADERS = [
    "部门 Department",
    "部门名称 Name",
    "系统 System",
    "系统名称 Name",
    "vCPU·小时 vCPU hours",
    "内存 GiB·小时 Memory GiB hours",
    "存储 GiB·小时 Storage GiB hours",
    "金额（元）Amount (CNY)",
]


def _rows(document: Mapping[str, Any], names: Mapping[str, str]) -> list[list[Any]]:
    """Each department's systems, then the department's subtotal; numbers as numbers (the finance bureau sums them)."""
    rows: list[list[Any]] = []
    for d in document["departments"]:
        for s in (s for s in document["systems"] if s["department"] == d["department"]):
            rows.append(
                [
                    s["department"],
                    d["name"],
                    s["system"],
                    names.get(f"{s['department']}/{s['system']}", ""),
                    Decimal(s["vcpu_hours"]),
                    Decimal(s["memory_gib_hours"]),
                    Decimal(s["storage_gib_hours"]),
                    Decimal(s["amount"]),
                ]
            )
        rows.append(
            [
                d["department"],
                d["name"],
                "小计 Subtotal",
                "",
                Decimal(d["vcpu_hours"]),
                Decimal(d["memory_gib_hours"]),
                Decimal(d["storage_gib_hours"]),
                Decimal(d["amount"]),
            ]
        )
    rows.append(["合计 Total", "", "", "", None, None, None, Decimal(document["total"])])
    return rows


def fees_xlsx(document: Mapping[str, Any], names: Mapping[str, str]) -> bytes:
    """The workbook for the finance bureau: the fee lines (per department, its systems then its subtotal, and the
    total) and the price list and the formula they were computed by."""
    wb = new_workbook()
    ws = wb.create_sheet(sheet_title(f"费用 Fees {document['month']}"))
    table(ws, HEADERS, _rows(document, names), widths=(14, 26, 22, 26, 14, 16, 16, 16))
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=8):
        for cell in row:
            cell.number_format = "#,##0.00" if cell.column == 8 else "#,##0.000"
    basis = wb.create_sheet(sheet_title("计价依据 Basis"))
    prices = document["prices"]
    table(
        basis,
        ["项目 Item", "值 Value"],
        [
            ["月份 Month", document["month"]],
            ["本月小时数 Hours in the month", document["hours"]],
            ["币种 Currency", document["currency"]],
            ["vCPU 单价（元/月）vCPU per month", Decimal(prices["vcpu_month"])],
            ["内存单价（元/GiB·月）Memory per GiB-month", Decimal(prices["memory_gib_month"])],
            ["存储单价（元/GiB·月）Storage per GiB-month", Decimal(prices["storage_gib_month"])],
            [
                "计算方法 Formula",
                "金额 = Σ 每小时分配量 × 单价 ÷ 本月小时数；按系统四舍五入到分，合计为各系统金额之和 / "
                "amount = Σ hourly allocation × price ÷ hours of the month; rounded per system to the fen "
                "(half up), totals are sums of the rounded amounts",
            ],
        ],
        widths=(36, 90),
    )
    return to_bytes(wb)


def fees_pdf(document: Mapping[str, Any], names: Mapping[str, str], printer: Callable[[str], bytes]) -> bytes:
    """The same table as a PDF (printed by headless Chromium, like the annual report)."""
    section = Section(
        f"云服务费用 Cloud service fees · {document['month']}",
        text=f"币种 currency {document['currency']}；合计 total {document['total']}；"
        "按系统四舍五入到分，合计为各系统金额之和 / rounded per system to the fen, totals are sums of the lines",
        headers=HEADERS,
        rows=[[c if not isinstance(c, Decimal) else str(c) for c in r] for r in _rows(document, names)],
        keep=(0, 1, 2, 3),
    )
    return printer(html("云服务费用核算 Cloud service fees", document["month"], [section]))


def next_month_fees(
    held: Sequence[HeldHours],
    month: Month,
    prices: Prices,
    approved: Mapping[str, tuple[float, float, int]],
) -> dict[str, Any]:
    """The next month's fees if every system that still held its allocation in the month's last hour holds it
    the whole next month, an approved resize ("DEPT/id" to (vCPU, memory GiB, the request's number)) in place of
    what it held: the effect of the supervisors' approvals on the next bill. A system that held nothing in the last
    hour (decommissioned) is not in it. Each amount is a whole month at the price list, to the fen."""
    last = month.end - 3600
    systems: list[dict[str, Any]] = []
    for h in sorted(held, key=lambda h: (h.department, h.system)):
        if last not in h.cpu and last not in h.memory:
            continue
        key = f"{h.department}/{h.system}"
        cpu, memory = decimal(h.cpu.get(last, 0.0)), decimal(h.memory.get(last, 0.0)) / GIB
        storage = decimal(h.storage.get(last, 0.0)) / GIB
        change = approved.get(key)
        if change is not None:
            cpu, memory = decimal(change[0]), decimal(change[1])
        systems.append(
            {
                "department": h.department,
                "system": h.system,
                "vcpu": str(cpu),
                "memory_gib": str(memory.normalize()),
                "storage_gib": str(storage.normalize()),
                "amount": str(
                    to_fen(
                        cpu * prices.vcpu_month
                        + memory * prices.memory_gib_month
                        + storage * prices.storage_gib_month
                    )
                ),
                "request": change[2] if change is not None else None,
            }
        )
    year, number = (month.year + 1, 1) if month.month == 12 else (month.year, month.month + 1)
    return {
        "month": f"{year:04d}-{number:02d}",
        "basis": month.label,
        "systems": systems,
        "total": str(sum((Decimal(s["amount"]) for s in systems), Decimal(0))),
    }
