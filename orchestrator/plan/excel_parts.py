"""A workbook's zip parts read part by part, a chunk at a time, never whole: a 200 KB file that unzips to 190 MB
costs a chunk of memory, not 190 MB (nor twice that).

Every part is streamed once before openpyxl sees the file, its uncompressed bytes counted as they come (a zip
bomb is refused the moment the running total passes the limit, whatever its headers claim) and searched for a
DOCTYPE; each sheet's facts (any formula? the row of the last value?) are gathered the same way.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .errors import FatalInput
from .limits import Limits

CHUNK = 64 * 1024
OVERLAP = 32
GRACE = 1024 * 1024
"""Bytes a part may unzip to before its inflation ratio is judged (small parts compress very well)."""
"""Bytes kept from one chunk to the next, so a marker cut in two by a chunk's end is still seen."""
DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY")
FORMULA = (b"<f>", b"<f ", b":f>", b":f ")
VALUE = (b"<v>", b"<is>", b"<f>")
ROW = b'<row r="'


def zip_bomb() -> FatalInput:
    return FatalInput("zip_bomb", "Excel 文件解压后过大", "the Excel file unzips to too much data")


def vet(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuses a zip bomb (by the declared sizes at once, then by the bytes really unzipped) and any part that
    declares a DOCTYPE or entities. No part of a real workbook declares a DTD: one that does is an entity trick
    (billion laughs, external entities), refused before any XML parser sees it. Text in cells is escaped, so a
    literal `<!DOCTYPE` or `<!ENTITY` can only be markup."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if sum(info.file_size for info in infos) > limits.max_unzipped_bytes:
        raise zip_bomb()
    unzipped = Tally(limits.max_unzipped_bytes)
    for info in infos:
        with archive.open(info) as part:
            markup = Markup(limits.max_text_run) if info.filename.endswith((".xml", ".rels")) else None
            for data, window in _as_text(unzipped.chunks(part, info, limits)):
                if markup is not None:
                    markup.check(data)
                if any(marker in window for marker in DOCTYPE):
                    raise FatalInput(
                        "xlsx_doctype",
                        f"Excel 文件的部件「{info.filename}」含有 DOCTYPE/实体声明，不予读取：请用 Excel 另存为后重新提交",
                        f"the Excel part '{info.filename}' declares a DOCTYPE or entities and is not read: "
                        "save the workbook again from Excel and resubmit",
                        f"(file) {info.filename}",
                    )


class Tally:
    """The running total of bytes unzipped, over every part."""

    def __init__(self, most: int) -> None:
        self.most, self.total = most, 0

    def chunks(self, part: IO[bytes], info: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
        """The part's chunks, the running total and the part's inflation checked at each one."""
        mine = 0
        while chunk := part.read(CHUNK):
            self.total += len(chunk)
            mine += len(chunk)
            if self.total > self.most:
                raise zip_bomb()
            if mine > GRACE and mine > limits.max_inflate_ratio * max(1, info.compress_size):
                raise zip_bomb()
            yield chunk


class Markup:
    """The longest run of bytes without a `<` in a part, over its windows (which overlap by OVERLAP bytes)."""

    def __init__(self, most: int) -> None:
        self.most, self.run = most, 0

    def check(self, data: bytes) -> None:
        """`data`: the part's next bytes (a chunk: shorter than the limit, so only runs across chunks count)."""
        first = data.find(b"<")
        if first < 0:
            self.run += len(data)
        else:
            if self.run + first > self.most:
                raise zip_bomb()
            self.run = len(data) - data.rfind(b"<") - 1
        if self.run > self.most:
            raise zip_bomb()


def _as_text(chunks: Iterator[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """The part as UTF-8 (a UTF-16 part decoded on the way), chunk by chunk: each chunk, and a window of it
    that overlaps the chunk before by a few bytes so that no marker falls between two."""
    decoder: codecs.IncrementalDecoder | None = None
    tail = b""
    first = True
    for chunk in chunks:
        if first:
            first = False
            if chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        data = decoder.decode(chunk).encode() if decoder is not None else chunk
        window = tail + data
        yield data, window
        tail = window[-OVERLAP:]


@dataclass(frozen=True)
class SheetFacts:
    formulas: bool
    """Whether any cell holds a formula (only such a sheet pays for openpyxl's cell objects)."""
    any_value: bool
    last_value_row: int | None
    """The row of the last value in the sheet; None when that value's row carries no number."""

    def values_after(self, row: int) -> bool:
        """Whether any cell below `row` holds a value: a long run of formatted empty rows then costs nothing,
        and a value standing after the run is still read (stopping at the blanks would silently lose it)."""
        if not self.any_value:
            return False
        return self.last_value_row is None or self.last_value_row > row


UNKNOWN = SheetFacts(True, True, None)
"""What is assumed of a sheet whose XML cannot be read as a stream: formulas possible, values anywhere."""


def sheet_facts(part: IO[bytes]) -> SheetFacts:
    """One pass over a sheet's XML, a chunk at a time, at C speed (byte searches, no parsing)."""
    formulas = any_value = False
    last_value_row: int | None = None
    current_row: int | None = None
    tail = b""
    while True:
        chunk = part.read(CHUNK)
        buf = tail + chunk
        final = not chunk
        keep = len(buf) if final else max(0, len(buf) - OVERLAP)
        formulas = formulas or any(marker in buf for marker in FORMULA)
        value = max(buf.rfind(marker, 0, keep + len(marker) - 1) for marker in VALUE)
        if value >= 0:
            any_value = True
            row_at = buf.rfind(ROW, 0, value)
            last_value_row = _row_number(buf, row_at) if row_at >= 0 else current_row
        row_at = buf.rfind(ROW, 0, keep + len(ROW) - 1)
        if row_at >= 0:
            current_row = _row_number(buf, row_at)
        if final:
            return SheetFacts(formulas, any_value, last_value_row)
        tail = buf[keep:]


def _row_number(buf: bytes, at: int) -> int | None:
    start = at + len(ROW)
    end = buf.find(b'"', start, start + 12)
    number = buf[start:end] if end >= 0 else b""
    return int(number) if number.isdigit() else None
