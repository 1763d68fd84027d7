"""The fees as the finance bureau gets them: amounts that add up to the fen however the hours fall, the workbook's
lines and subtotals, and the PDF printed by Chromium (its text read back with pdftotext)."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from orchestrator.reports import HeldHours, Month, Prices, fees, fees_pdf, fees_xlsx, print_pdf
from orchestrator.reports.pdf import find_browser

MONTH = Month(2026, 2)  # 28 days: 672 hours
PRICES = Prices(
    vcpu_month=Decimal("99.99"), memory_gib_month=Decimal("7.77"), storage_gib_month=Decimal("0.33")
)
NAMES = {"630000-FGW": "青海省发展和改革委员会", "630000-FGW/a": "系统甲", "630000-RST": "人社厅"}
GIB = 2**30


def _held(
    dept: str, system: str, hours: range, cpu: float, memory_gib: float, storage_gib: float
) -> HeldHours:
    at = [MONTH.start + 3600 * h for h in hours]
    return HeldHours(
        dept,
        system,
        dict.fromkeys(at, cpu),
        dict.fromkeys(at, memory_gib * GIB),
        dict.fromkeys(at, storage_gib * GIB),
    )


HELD = [
    _held("630000-FGW", "a", range(0, 672), 1.5, 3, 10),
    _held("630000-FGW", "b", range(7, 301), 0.25, 0.5, 0),  # from its cutover to its decommission
    _held("630000-RST", "c", range(-5, 680), 3, 6, 33.3),  # hours outside the month cost nothing
]


def _amount(h: HeldHours) -> Decimal:
    inside = [t for t in h.cpu if MONTH.start <= t < MONTH.end]
    raw = sum(
        (
            Decimal(repr(h.cpu[t])) * PRICES.vcpu_month
            + Decimal(repr(h.memory[t])) / GIB * PRICES.memory_gib_month
            + Decimal(repr(h.storage[t])) / GIB * PRICES.storage_gib_month
            for t in inside
        ),
        Decimal(0),
    )
    return (raw / Decimal(672)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_every_total_is_the_sum_of_the_rounded_lines() -> None:
    doc = fees(HELD, MONTH, PRICES, NAMES)
    assert doc["hours"] == 672
    amounts = {(s["department"], s["system"]): Decimal(s["amount"]) for s in doc["systems"]}
    assert amounts == {(h.department, h.system): _amount(h) for h in HELD}
    by_dept = {d["department"]: Decimal(d["amount"]) for d in doc["departments"]}
    assert by_dept["630000-FGW"] == _amount(HELD[0]) + _amount(HELD[1])
    assert Decimal(doc["total"]) == sum(by_dept.values()) == sum(amounts.values())
    assert (
        Decimal(doc["systems"][2]["vcpu_hours"]) == 3 * 672
    )  # the hours before and after the month left out


def test_the_workbook_lists_systems_subtotals_and_the_total() -> None:
    doc = fees(HELD, MONTH, PRICES, NAMES)
    book = openpyxl.load_workbook(io.BytesIO(fees_xlsx(doc, NAMES)))
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == ["a", "b", "小计 Subtotal", "c", "小计 Subtotal", None]
    assert rows[0][1] == "青海省发展和改革委员会" and rows[0][3] == "系统甲"
    assert Decimal(str(rows[2][7])) == Decimal(str(rows[0][7])) + Decimal(str(rows[1][7]))
    assert Decimal(str(rows[-1][7])) == Decimal(doc["total"])
    basis = {r[0]: r[1] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert basis["本月小时数 Hours in the month"] == 672


@pytest.mark.skipif(
    find_browser() is None or shutil.which("pdftotext") is None,
    reason="chromium and poppler-utils are not installed (scripts/system-deps.sh installs them)",
)
def test_the_pdf_carries_the_lines_and_the_total(tmp_path: Path) -> None:
    doc = fees(HELD, MONTH, PRICES, NAMES)
    pdf = fees_pdf(doc, NAMES, print_pdf)
    (tmp_path / "fees.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "fees.pdf"), "-"], capture_output=True, text=True, timeout=60
    ).stdout
    assert "云服务费用核算" in text and "Cloud service fees" in text
    assert doc["total"] in text and "青海省发展和改革委员会" in text
    for s in doc["systems"]:
        assert s["amount"] in text
