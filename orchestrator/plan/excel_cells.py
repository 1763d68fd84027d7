"""One Excel cell's value into what the plan model expects, and one model value back into a cell.

Drop-down entries carry the Chinese label before the contract value ("省级 province"), and clerks type 是/否 for
booleans and 、 between list items; both directions live here so a round trip gives the same plan.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from . import vocab
from .excel_layout import Column

TRUE = {"是", "true", "yes", "y", "1", "对", "√"}
FALSE = {"否", "false", "no", "n", "0", "不是", "×"}
LIST_SPLIT = re.compile(r"[,，、;；\s]+")


def from_cell(value: Any, column: Column) -> Any:
    """Cell to model input. Values this cannot interpret pass through unchanged, so the model reports them."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if column.kind == "bool":
        return _bool(value)
    if column.kind == "enum":
        return _choice(value, column)
    if column.kind == "list":
        items = LIST_SPLIT.split(value) if isinstance(value, str) else [value]
        return [_choice(item, column) for item in items if item not in ("", None)]
    if column.kind == "date" and isinstance(value, datetime):
        return value.date()
    if column.kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if column.kind == "text" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if column.kind == "text" and isinstance(value, datetime):
        return value.date().isoformat()
    return value


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
    return by_label.get(value.split()[0], value)


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
