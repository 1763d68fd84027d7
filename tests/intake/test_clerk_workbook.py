"""A workbook filled the way a clerk fills it validates silently and decides exactly like its YAML twin.

Each example plan is turned into the department template (`govmig template --from`), then every cell is rewritten
the way people really type: dates as text in the forms in use (2027/6/30, 2027年6月30日, 2027.6.30, 2027-6-30,
an unformatted Excel serial, full-width digits, 20270630), numbers with thousands separators or full-width
digits, drop-downs answered with the Chinese label alone, 是/否, stray spaces, the example row cleared rather than
deleted, and blank-looking cells (spaces, an ideographic space) where nothing applies.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from itertools import count
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from orchestrator.plan import build_template, load_bytes, load_file, vocab
from orchestrator.plan.excel_layout import EXAMPLE_ROW, SHEETS, Column
from orchestrator.policy import assess
from tests.conftest import AS_OF, EXAMPLES

YAML_PLANS = sorted(EXAMPLES.glob("*.yaml"))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _text_date(day: date, n: int) -> Any:
    forms = [
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}-{day.month}-{day.day}",
        (day - date(1899, 12, 30)).days,  # the serial Excel keeps in a cell not formatted as a date
        f"{day.year}/{day.month}/{day.day}".translate(FULL_WIDTH),
        f" {day:%Y%m%d} ",
    ]
    return forms[n % len(forms)]


def _number(value: float | int, n: int) -> Any:
    whole = isinstance(value, int) or float(value).is_integer()
    if whole and value >= 1000:
        return f"{int(value):,}"
    if whole and n % 2:
        return str(int(value)).translate(FULL_WIDTH)
    return f" {value} " if n % 3 == 0 else value


def _clerk(value: Any, column: Column, n: int) -> Any:
    """What a clerk types for the value the template wrote into a cell of this column."""
    if value is None:
        return [" ", "\u3000", "  ", None][n % 4] if column.key not in ("system", "id") else None
    if column.kind == "date":
        day = value.date() if isinstance(value, datetime) else date.fromisoformat(str(value))
        return _text_date(day, n)
    if column.kind in ("int", "number"):
        return _number(value, n)
    if column.kind == "bool":
        return "是" if str(value).startswith("是") else "否"
    if column.kind == "enum":
        return vocab.zh(str(value).split()[-1]) + (" " if n % 2 else "")
    if column.kind == "list":
        return "、".join(vocab.zh(v.strip()) for v in str(value).split(","))
    return f"  {value} " if isinstance(value, str) else value


def clerk_workbook(plan_file: Path) -> bytes:
    source = load_file(plan_file)
    assert source.ok, source.problems
    wb = openpyxl.load_workbook(io.BytesIO(build_template(source.plan)))
    n = count()
    for sheet in SHEETS:
        ws = wb[sheet.name]
        for col, column in enumerate(sheet.columns, start=1):
            keep_key = sheet.name.startswith("组件") and col == 1
            ws.cell(row=EXAMPLE_ROW, column=col).value = (
                None if not keep_key else ws.cell(EXAMPLE_ROW, 1).value
            )
            for row in range(EXAMPLE_ROW + 1, ws.max_row + 1):
                cell = ws.cell(row=row, column=col)
                cell.value = _clerk(cell.value, column, next(n))
                cell.number_format = "General"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("plan_file", YAML_PLANS, ids=lambda p: p.stem)
def test_clerk_workbook_validates_silently_and_decides_like_its_yaml_twin(plan_file: Path) -> None:
    raw = clerk_workbook(plan_file)
    from_xlsx = load_bytes(raw, f"{plan_file.stem}.xlsx", "xlsx")
    from_yaml = load_file(plan_file)
    assert [p for p in from_xlsx.problems if p.code != "unknown_field"] == []
    assert from_xlsx.plan is not None and from_yaml.plan is not None
    twin = {d.key: d for d in assess([from_yaml.plan], AS_OF)}
    mine = {d.key: d for d in assess([from_xlsx.plan], AS_OF)}
    assert sorted(mine) == sorted(twin) and len(mine) == len(from_yaml.plan.systems)
    for key, decision in twin.items():
        assert mine[key].model_dump() == decision.model_dump(), key


def test_the_clerk_forms_really_reach_the_reader() -> None:
    """The workbook above is what it claims: text dates, separators and labels, not the template's own cells."""
    wb = openpyxl.load_workbook(io.BytesIO(clerk_workbook(EXAMPLES / "630000-FGW.yaml")))
    typed = [c.value for row in wb["系统 Systems"].iter_rows(min_row=EXAMPLE_ROW + 1) for c in row]
    assert any(isinstance(v, str) and "年" in v and v.endswith("日") for v in typed)
    assert any(isinstance(v, str) and v.count("/") == 2 for v in typed)
    assert any(isinstance(v, int) and 32874 < v < 73051 for v in typed)  # a date serial
    assert any(isinstance(v, str) and "," in v and v.replace(",", "").isdigit() for v in typed)
    assert "省级" in [c.value for c in wb["部门 Department"][EXAMPLE_ROW + 1]]
    assert any(v in (" ", "\u3000") for v in typed)
    assert all(c.value is None for c in wb["系统 Systems"][EXAMPLE_ROW])
