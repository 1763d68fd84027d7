"""Text stays text in every workbook the orchestrator writes (ledger, inventory, reports, the filled template).

openpyxl turns any string that starts with `=` into a formula, and Excel re-reads a cell that starts with `+`,
`-` or `@` as one the moment somebody edits it (OWASP's "CSV/formula injection"): `=HYPERLINK(…)` in a system
name would become a live link in the supervisor's ledger. Every such cell is written as a string with Excel's
quote prefix, so it shows exactly as the department typed it and stays text when edited.

The bytes are stable too: zip entries carry the time they were written, so two saves a second apart would differ;
every entry gets one fixed time instead, and the same workbook gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl.writer.excel import ExcelWriter

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def keep_text(workbook: Any) -> int:
    """Marks every string cell that a spreadsheet could take for a formula as plain text; how many it marked.

    Runs over the finished workbook just before it is saved, so no writer can forget it."""
    marked = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(TRIGGERS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    marked += 1
    return marked


FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def workbook_bytes(workbook: Any) -> bytes:
    """The workbook saved: formula look-alikes kept as text, every zip entry at one fixed time, and the
    document's own times as the caller set them (openpyxl's `save` stamps `modified` with the clock, so two
    builds a second apart differed)."""
    keep_text(workbook)
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            entry.compress_type, entry.external_attr = info.compress_type, info.external_attr
            target.writestr(entry, source.read(info))
    return out.getvalue()
