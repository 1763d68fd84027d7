"""How much input intake accepts before it refuses, so no file can hang it or exhaust memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    """A plan larger than this is refused before it is parsed (a province's largest plan is well under 2 MiB)."""
    max_depth: int = 40
    """Nesting deeper than this is refused: the contract itself is 5 levels deep."""
    max_nodes: int = 2_000_000
    """YAML/JSON nodes in one document."""
    max_rows: int = 50_000
    """Rows read from one sheet."""
    blank_rows_end_sheet: int = 200
    """After this many blank rows, the rest of a sheet is parsed only if its XML holds a value further down."""
    max_unzipped_bytes: int = 200 * 1024 * 1024
    """An .xlsx whose parts unzip to more than this is refused as a zip bomb."""
    max_inflate_ratio: int = 100
    """A workbook part that unzips to more than this many times its compressed size (past its first MiB) is
    refused as a zip bomb, as Apache POI's ZipSecureFile does (min inflate ratio 0.01): real sheets unzip about
    10 times."""
    max_text_run: int = 256 * 1024
    """Bytes of an XML part without markup: an Excel cell holds at most 32,767 characters, so a longer run of text
    (a padding of spaces, say) is a bomb that an XML parser would keep whole as one string."""


DEFAULT_LIMITS = Limits()
