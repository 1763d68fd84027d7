"""One Excel cell's value into what the plan model expects, and one model value back into a cell.

Drop-down entries carry the Chinese label before the contract value ("省级 province"), and clerks type 是/否 for
booleans and 、 between list items; both directions live here so a round trip gives the same plan.

Clerks also type dates as text (2027/6/30, 2027年6月30日, 2027.6.30, 2027-6-30, 20270630), leave a date cell
unformatted so Excel keeps its serial number, write 5,000 for five thousand and type full-width digits. Each of
those has one meaning and is read silently; what has two (6/30/2027, 1,5) is passed through for the model to
refuse with its located error.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from . import vocab
from .excel_layout import Column

TRUE = {"是", "true", "yes", "y", "1", "对", "√"}
FALSE = {"否", "false", "no", "n", "0", "不是", "×"}
LIST_SPLIT = re.compile(r"[,，、;；\s]+")
TEXT_DATE = re.compile(r"^(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(\d{1,2})日?)$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
LAST_SERIAL = 2958465  # 9999-12-31: a larger number in a date cell is no Excel date


def from_cell(value: Any, column: Column, epoch: datetime = WINDOWS_EPOCH) -> Any:
    """Cell to model input. Values this cannot interpret pass through unchanged, so the model reports them."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if column.kind == "date":
        return _date(value, epoch)
    if column.kind in ("int", "number") and isinstance(value, str):
        value = _number_text(value)
    if column.kind == "bool":
        return _bool(value)
    if column.kind == "enum":
        return _choice(value, column)
    if column.kind == "list":
        items = LIST_SPLIT.split(value) if isinstance(value, str) else [value]
        return [_choice(item, column) for item in items if item not in ("", None)]
    if column.kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if column.kind == "text" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if column.kind == "text" and isinstance(value, datetime):
        return value.date().isoformat()
    return value


def _date(value: Any, epoch: datetime) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= LAST_SERIAL:
            serial = from_excel(value, epoch)
            return serial.date() if isinstance(serial, datetime) and float(value).is_integer() else serial
        value = str(int(value)) if float(value).is_integer() else value
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).replace(" ", "")
    found = TEXT_DATE.match(text) or COMPACT_DATE.match(text)
    if found is None:
        return value
    y, m, d = (int(g) for g in found.groups() if g and g.isdigit())
    try:
        return date(y, m, d)
    except ValueError:
        return value  # 2027/2/30: the model says it is no day


def _number_text(value: str) -> str:
    """Full-width digits and thousands separators: '１，２００' and '1,200' are 1200; '1,5' stays as typed."""
    text = unicodedata.normalize("NFKC", value).strip()
    return text.replace(",", "") if THOUSANDS.match(text) else text


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).split()[-1].lower() if str(value).split() else ""
    first = str(value).split()[0].lower() if str(value).split() else ""
    if text in TRUE or first in TRUE:
        return True
    if text in FALSE or first in FALSE:
        return False
    return value


def _choice(value: Any, column: Column) -> Any:
    if not isinstance(value, str) or column.choices is None:
        return value
    allowed = {v.value for v in column.choices}
    if value in allowed:
        return value
    last = value.split()[-1]
    if last in allowed:
        return last
    by_label = {vocab.zh(v): v for v in allowed}
    by_case = {v.lower(): v for v in allowed} | {k.lower(): v for k, v in by_label.items()}
    return (
        by_label.get(value.split()[0])
        or by_case.get(value.split()[0].lower())
        or by_case.get(last.lower(), value)
    )


def to_cell(value: Any, column: Column) -> Any:
    """Model value to the cell a clerk would have typed (matching the drop-down entries)."""
    if value is None:
        return None
    if column.kind == "bool":
        return column.options()[0 if value else 1]
    if column.kind == "enum":
        return f"{vocab.zh(str(value))} {value}"
    if column.kind == "list":
        return ", ".join(str(v) for v in value)
    if column.kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value
