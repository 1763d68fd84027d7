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


DEFAULT_LIMITS = Limits()
