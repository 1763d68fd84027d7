"""A filled department template back into the same plain document a YAML plan gives, with every cell's place.

The workbook is vetted as a zip before openpyxl sees it (size after unzipping), and each sheet is read in
read-only mode until a long run of blank rows, so neither a zip bomb nor a million formatted empty rows can
exhaust memory or time.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .documents import Problem
from .errors import FatalInput, Locator, Path, dotted
from .excel_cells import from_cell, to_cell
from .excel_layout import DEPARTMENT, EXAMPLE_KEY, FIRST_DATA_ROW, SHEETS, SYSTEMS, Column, Sheet
from .limits import Limits


@dataclass
class RowPlace:
    sheet: str
    row: int
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field key -> (column letter, header)


class SheetLocator(Locator):
    """Field paths to `sheet, row, column`: the place a clerk has to look."""

    def __init__(self) -> None:
        self.rows: dict[Path, RowPlace] = {}

    def locate(self, path: Path) -> str:
        probe = path
        while probe not in self.rows and probe:
            probe = probe[:-1]
        place = self.rows.get(probe)
        if place is None:
            return dotted(path)
        key = ".".join(str(p) for p in path[len(probe) :] if isinstance(p, str))
        where = f"sheet '{place.sheet}', row {place.row}"
        if key in place.cells:
            letter, header = place.cells[key]
            return f"{where}, column {letter} '{header}' ({key})"
        return f"{where} ({key})" if key else where


def _open(raw: bytes, limits: Limits) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FatalInput(
            "not_xlsx", "不是有效的 Excel (.xlsx) 文件", "not a valid Excel (.xlsx) file"
        ) from None
    if unzipped > limits.max_unzipped_bytes:
        raise FatalInput("zip_bomb", "Excel 文件解压后过大", "the Excel file unzips to too much data")
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a malformed package
        raise FatalInput(
            "not_xlsx", "不是有效的 Excel (.xlsx) 文件", "not a valid Excel (.xlsx) file"
        ) from None


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    cells: dict[str, tuple[str, str]]


def _sheet_rows(wb: Any, sheet: Sheet, limits: Limits, notes: list[_Row]) -> list[_Row] | None:
    if sheet.name not in wb.sheetnames:
        return None
    ws = wb[sheet.name]
    by_key = {c.key: c for c in sheet.columns}
    columns: dict[int, Column] = {}
    rows: list[_Row] = []
    blanks = 0
    for number, raw in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if number == 2:
            columns = {i: by_key[str(v).strip()] for i, v in enumerate(raw) if str(v).strip() in by_key}
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            blanks += 1
            if blanks == limits.blank_rows_end_sheet and not _values_after(ws, number):
                break
            continue
        blanks = 0
        if len(rows) >= limits.max_rows:
            raise FatalInput(
                "too_many_rows", f"工作表「{sheet.name}」行数过多", f"sheet '{sheet.name}' has too many rows"
            )
        values = {columns[i].key: from_cell(v, columns[i]) for i, v in enumerate(raw) if i in columns}
        cells = {c.key: (get_column_letter(i + 1), c.header) for i, c in columns.items()}
        if number < FIRST_DATA_ROW:
            continue
        if values.get(sheet.columns[0].key) == EXAMPLE_KEY:
            if not _is_example(values, sheet):
                notes.append(_Row(number, {}, cells))
            continue
        rows.append(_Row(number, {k: v for k, v in values.items() if v is not None}, cells))
    return rows


def _values_after(ws: Any, row: int) -> bool:
    """Whether any cell below `row` holds a value, judged from the sheet's raw XML at C speed.

    A long run of formatted empty rows then costs one byte search instead of parsing every row, and a value
    standing after the run is still read: stopping at the blanks would silently lose it.
    """
    source = getattr(ws, "_get_source", None)
    if source is None:
        return True
    with source() as part:
        xml = part.read()
    last = max(xml.rfind(b"<v>"), xml.rfind(b"<is>"), xml.rfind(b"<f>"))
    if last < 0:
        return False
    start = xml.rfind(b'<row r="', 0, last)
    number = xml[start + 8 : xml.find(b'"', start + 8)] if start >= 0 else b""
    return not number.isdigit() or int(number) > row


def _is_example(values: dict[str, Any], sheet: Sheet) -> bool:
    return all(values.get(c.key) == from_cell(_example_cell(c), c) for c in sheet.columns)


def _example_cell(column: Column) -> Any:
    return to_cell(column.example, column)


def _nest(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def read_workbook(raw: bytes, limits: Limits) -> tuple[dict[str, Any], SheetLocator, list[Problem]]:
    wb = _open(raw, limits)
    locator, problems = SheetLocator(), list[Problem]()
    try:
        edited: dict[str, list[_Row]] = {sheet.name: [] for sheet in SHEETS}
        tables = {sheet.name: _sheet_rows(wb, sheet, limits, edited[sheet.name]) for sheet in SHEETS}
    finally:
        wb.close()
    for sheet in (DEPARTMENT, SYSTEMS):
        if tables[sheet.name] is None:
            raise FatalInput(
                "missing_sheet", f"缺少工作表「{sheet.name}」", f"the sheet '{sheet.name}' is missing"
            )
    for name, rows in edited.items():
        for row in rows:
            path: Path = ("example#", name, row.number)
            locator.rows[path] = RowPlace(name, row.number)
            problems.append(
                (
                    path,
                    "example_row_edited",
                    f"示例行已改动但标识仍为「{EXAMPLE_KEY}」，已忽略：请填写真实标识",
                    f"the example row was edited but its key is still '{EXAMPLE_KEY}', so it was ignored: "
                    "give it a real id",
                )
            )
    doc: dict[str, Any] = {"apiVersion": "govmig/v1", "kind": "MigrationPlan"}
    departments = tables[DEPARTMENT.name] or []
    if not departments:
        raise FatalInput(
            "no_department", "「部门」表没有填写部门信息", "the Department sheet has no department row"
        )
    head = departments[0]
    doc.update(_nest(head.values))
    place = RowPlace(DEPARTMENT.name, head.number, head.cells)
    locator.rows[()] = place
    locator.rows[("department",)] = RowPlace(
        DEPARTMENT.name, head.number, {k.removeprefix("department."): c for k, c in head.cells.items()}
    )
    for extra in departments[1:]:
        locator.rows[("department#", extra.number)] = RowPlace(DEPARTMENT.name, extra.number)
        problems.append(
            (
                ("department#", extra.number),
                "two_departments",
                "一份计划只能有一个部门，请把其他部门另存为单独的文件",
                "one plan holds one department: put the others in files of their own",
            )
        )
    systems: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for row in tables[SYSTEMS.name] or []:
        locator.rows[("systems", len(systems))] = RowPlace(SYSTEMS.name, row.number, row.cells)
        index.setdefault(str(row.values.get("id")), len(systems))
        systems.append(_nest(row.values))
    doc["systems"] = systems
    for sheet in SHEETS[2:]:
        _children(sheet, tables[sheet.name] or [], systems, index, locator, problems)
    return doc, locator, problems


def _children(
    sheet: Sheet,
    rows: list[_Row],
    systems: list[dict[str, Any]],
    index: dict[str, int],
    locator: SheetLocator,
    problems: list[Problem],
) -> None:
    assert sheet.child is not None
    *parents, leaf = sheet.child.split(".")
    for row in rows:
        owner = str(row.values.pop("system", ""))
        if owner not in index:
            path: Path = (sheet.name, row.number)
            locator.rows[path] = RowPlace(
                sheet.name, row.number, {"system": row.cells.get("system", ("A", ""))}
            )
            problems.append(
                (
                    (*path, "system"),
                    "unknown_system",
                    f"「所属系统标识」{owner or '(空)'} 不在「系统」表中",
                    f"system id '{owner}' is not on the Systems sheet",
                )
            )
            continue
        i = index[owner]
        node = systems[i]
        for part in parents:
            node = node.setdefault(part, {})
        items = node.setdefault(leaf, [])
        item_path: Path = ("systems", i, *parents, leaf, len(items))
        if sheet.child == "depends_on":
            items.append(row.values.get("depends_on"))
            locator.rows[item_path] = RowPlace(
                sheet.name, row.number, {"": row.cells.get("depends_on", ("B", ""))}
            )
        else:
            items.append(_nest(row.values))
            locator.rows[item_path] = RowPlace(sheet.name, row.number, row.cells)
