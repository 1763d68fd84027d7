"""Shared look of the workbooks the reports produce: a bold header row, frozen, filtered, readable widths.

openpyxl (and numpy under it) is loaded when a workbook is made, not when the reports are imported: every command
imports them through the application layer, few write a workbook."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_COLOR = "1F4E78"
FIXED_TIME = datetime(2026, 1, 1)
INVALID_TITLE = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def new_workbook() -> Workbook:
    from openpyxl import Workbook

    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    wb.properties.creator = "govmig"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    return wb


def sheet_title(text: str) -> str:
    return text.translate(INVALID_TITLE)[:31]


def table(
    ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()
) -> None:
    """Header row, then rows; frozen below the header, filtered, wrapped where a cell runs long."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(list(headers))
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=HEADER_COLOR)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    for n, header in enumerate(headers, start=1):
        width = widths[n - 1] if n - 1 < len(widths) else max(12, min(40, len(header) + 4))
        ws.column_dimensions[get_column_letter(n)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def to_bytes(wb: Workbook) -> bytes:
    """The workbook's bytes, every text that a spreadsheet could take for a formula kept as text."""
    from ..plan import workbook_bytes

    return workbook_bytes(wb)
