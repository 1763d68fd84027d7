"""A filled department template back into the same plain document a YAML plan gives, with every cell's place.

The workbook is vetted as a zip before openpyxl sees it (every part streamed, the bytes unzipped counted as they
come: `excel_parts`), and each sheet is read in read-only mode until a long run of blank rows, so neither a zip
bomb nor a million formatted empty rows can exhaust memory or time.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .documents import Problem
from .errors import FatalInput, Locator, Path, dotted
from .excel_cells import from_cell, to_cell
from .excel_layout import DEPARTMENT, EXAMPLE_KEY, FIRST_DATA_ROW, SHEETS, SYSTEMS, Column, Sheet
from .excel_parts import UNKNOWN, SheetFacts, sheet_facts, vet
from .limits import Limits
from .messages import LABELS


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
            vet(archive, limits)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error):
        raise FatalInput(
            "not_xlsx", "不是有效的 Excel (.xlsx) 文件", "not a valid Excel (.xlsx) file"
        ) from None
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a malformed package
        raise FatalInput(
            "not_xlsx", "不是有效的 Excel (.xlsx) 文件", "not a valid Excel (.xlsx) file"
        ) from None


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    cells: dict[str, tuple[str, str]]
    formulas: list[str] = field(default_factory=list)
    """Keys whose cell holds a formula: refused (type the value), and left out of `values`."""


FORMULA = "f"  # openpyxl's data type of a formula cell (read with data_only=False)


def _sheet_rows(wb: Any, sheet: Sheet, limits: Limits, notes: list[_Row]) -> list[_Row] | None:
    if sheet.name not in wb.sheetnames:
        return None
    ws = wb[sheet.name]
    by_key = {c.key: c for c in sheet.columns}
    columns: dict[int, Column] = {}
    rows: list[_Row] = []
    blanks = 0
    # Formulas are rare: only a sheet that has any pays for cell objects; the others are read as plain values.
    facts = _facts(ws)  # one streamed pass: it answers both "any formulas?" and "any value below the blanks?"
    cells_too = facts.formulas
    for number, raw in enumerate(ws.iter_rows(min_row=2, values_only=not cells_too), start=2):
        kinds = [getattr(c, "data_type", None) for c in raw] if cells_too else []
        values_in_row = [c.value for c in raw] if cells_too else list(raw)
        if number == 2:
            columns = {
                i: by_key[str(v).strip()] for i, v in enumerate(values_in_row) if str(v).strip() in by_key
            }
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values_in_row):
            blanks += 1
            if blanks == limits.blank_rows_end_sheet and not facts.values_after(number):
                break
            continue
        blanks = 0
        if len(rows) >= limits.max_rows:
            raise FatalInput(
                "too_many_rows", f"工作表「{sheet.name}」行数过多", f"sheet '{sheet.name}' has too many rows"
            )
        formulas = [columns[i].key for i, kind in enumerate(kinds) if kind == FORMULA and i in columns]
        values = {
            columns[i].key: from_cell(v, columns[i], wb.epoch)
            for i, v in enumerate(values_in_row)
            if i in columns and columns[i].key not in formulas
        }
        cells = {c.key: (get_column_letter(i + 1), c.header) for i, c in columns.items()}
        if number < FIRST_DATA_ROW:
            continue
        if values.get(sheet.columns[0].key) == EXAMPLE_KEY:
            if not _is_example(values, sheet):
                notes.append(_Row(number, {}, cells))
            continue
        rows.append(_Row(number, {k: v for k, v in values.items() if v is not None}, cells, formulas))
    return rows


def _facts(ws: Any) -> SheetFacts:
    source = getattr(ws, "_get_source", None)
    if source is None:
        return UNKNOWN
    with source() as part:
        return sheet_facts(part)


def _is_example(values: dict[str, Any], sheet: Sheet) -> bool:
    """The example row as the template has it, or with its values cleared (a clerk who empties the row
    instead of deleting it means the same as one who leaves it alone)."""
    return all(values.get(c.key) in (None, from_cell(_example_cell(c), c)) for c in sheet.columns)


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
    except FatalInput:
        raise
    except Exception:  # a sheet's XML that openpyxl cannot parse: a bad file, not a crash
        raise FatalInput(
            "not_xlsx", "不是有效的 Excel (.xlsx) 文件", "not a valid Excel (.xlsx) file"
        ) from None
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
    problems += _formulas(head, ())
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
        problems += _formulas(row, ("systems", len(systems)))
        systems.append(_nest(row.values))
    doc["systems"] = systems
    for sheet in SHEETS[2:]:
        _children(sheet, tables[sheet.name] or [], systems, index, locator, problems)
    return doc, locator, problems


def _formulas(row: _Row, base: Path, whole: bool = False) -> list[Problem]:
    """A formula where a value belongs: said as such, not as the 'missing' the empty value would look like."""
    out: list[Problem] = []
    for key in row.formulas:
        if key == "system":
            continue
        path: Path = base if whole else (*base, *key.split("."))
        label = LABELS.get(key.rsplit(".", 1)[-1], key)
        out.append(
            (
                path,
                "formula",
                f"「{label}」单元格是公式：模板不接受公式，请直接输入取值",
                f"'{key}' holds a formula: the template takes no formulas, type the value itself",
            )
        )
    return out


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
        problems += _formulas(row, item_path, whole=sheet.child == "depends_on")
        if sheet.child == "depends_on":
            items.append(row.values.get("depends_on"))
            locator.rows[item_path] = RowPlace(
                sheet.name, row.number, {"": row.cells.get("depends_on", ("B", ""))}
            )
        else:
            items.append(_nest(row.values))
            locator.rows[item_path] = RowPlace(sheet.name, row.number, row.cells)
