"""The department template (.xlsx), empty or filled from a plan: returned as bytes, written by the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .excel_cells import to_cell
from .excel_layout import EXAMPLE_ROW, INSTRUCTIONS, SHEETS, Column, Sheet
from .excel_text import workbook_bytes
from .instructions import LINES
from .models import MigrationPlan

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
KEY_FILL = PatternFill("solid", fgColor="DDEBF7")
VALIDATED_ROWS = 2000
FIXED_TIME = datetime(2026, 1, 1)  # fixed document times: the same plan gives the same bytes


def build_template(plan: MigrationPlan | None = None) -> bytes:
    """The template with its example rows; with `plan`, that plan's rows follow the examples."""
    wb = Workbook()
    intro = wb.active
    assert intro is not None
    intro.title = INSTRUCTIONS
    _instructions(intro)
    rows = _rows(plan) if plan else {}
    for sheet in SHEETS:
        _sheet(wb.create_sheet(sheet.name), sheet, rows.get(sheet.name, []))
    wb.properties.creator = "govmig"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    return workbook_bytes(wb)


def _instructions(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 120
    for n, line in enumerate(LINES, start=1):
        cell = ws.cell(row=n, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if n == 1:
            cell.font = Font(bold=True, size=14)


def _sheet(ws: Worksheet, sheet: Sheet, rows: list[dict[str, Any]]) -> None:
    for col, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(col)
        head = ws.cell(row=1, column=col, value=column.header)
        head.font, head.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
        key = ws.cell(row=2, column=col, value=column.key)
        key.font, key.fill = Font(color="555555", size=9), KEY_FILL
        example = ws.cell(row=EXAMPLE_ROW, column=col, value=to_cell(column.example, column))
        example.font = Font(italic=True, color="808080")
        ws.column_dimensions[letter].width = max(14, min(40, len(column.header) * 2 + 4))
        _validation(ws, column, letter)
        for n, row in enumerate(rows, start=EXAMPLE_ROW + 1):
            cell = ws.cell(row=n, column=col, value=to_cell(row.get(column.key), column))
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
        if column.kind == "date":
            ws.cell(row=EXAMPLE_ROW, column=col).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(sheet.columns))}{max(EXAMPLE_ROW, 2 + len(rows) + 1)}"


def _validation(ws: Worksheet, column: Column, letter: str) -> None:
    if column.between is not None:
        low, high = column.between
        dv = DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True
        )
        dv.errorTitle, dv.error = (
            "取值无效 Invalid value",
            f"请输入 {low} 到 {high} 的整数 Type a whole number {low}-{high}",
        )
        dv.promptTitle, dv.prompt = column.header, f"{low} 到 {high} 的整数 A whole number {low}-{high}"
    elif column.kind in ("enum", "bool"):
        dv = DataValidation(type="list", formula1='"' + ",".join(column.options()) + '"', allow_blank=True)
        dv.errorTitle, dv.error = "取值无效 Invalid value", "请从下拉列表中选择 Choose from the list"
        dv.promptTitle, dv.prompt = column.header, "从下拉列表中选择 Choose from the list"
    else:
        return
    dv.showErrorMessage = dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{letter}{EXAMPLE_ROW}:{letter}{VALIDATED_ROWS}")


def _pick(data: dict[str, Any], key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _rows(plan: MigrationPlan) -> dict[str, list[dict[str, Any]]]:
    doc = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    rows: dict[str, list[dict[str, Any]]] = {sheet.name: [] for sheet in SHEETS}
    rows[SHEETS[0].name].append({c.key: _pick(doc, c.key) for c in SHEETS[0].columns})
    for system in doc["systems"]:
        rows[SHEETS[1].name].append({c.key: _pick(system, c.key) for c in SHEETS[1].columns})
        for sheet in SHEETS[2:]:
            assert sheet.child is not None
            for item in _pick(system, sheet.child) or []:
                if isinstance(item, dict):
                    row = {c.key: _pick(item, c.key) for c in sheet.columns}
                else:
                    row = {sheet.columns[1].key: item}
                row["system"] = system["id"]
                rows[sheet.name].append(row)
    return rows
