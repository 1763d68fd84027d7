"""Two texts side by side, line by line, as a reviewer reads a change: what was removed on the left, what was
added on the right, changed lines paired, and long runs of unchanged lines folded to a count."""

from __future__ import annotations

import difflib
from itertools import zip_longest
from typing import Any

CONTEXT = 3
"""Unchanged lines kept on each side of a change; longer runs are folded."""


def _row(op: str, left: int | None, lt: str | None, right: int | None, rt: str | None) -> dict[str, Any]:
    return {"op": op, "left": left, "left_text": lt, "right": right, "right_text": rt}


def side_by_side(old: str, new: str, context: int | None = CONTEXT) -> list[dict[str, Any]]:
    """Rows `{"op", "left", "left_text", "right", "right_text"}` with 1-based line numbers (None where a side
    has no line); `op` is equal, replace, delete, insert, or skip (`{"op": "skip", "lines": n}`: n unchanged
    lines folded). `context` None folds nothing (a page that folds by itself, on demand)."""
    a, b = old.splitlines(), new.splitlines()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    rows: list[dict[str, Any]] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            rows += _equal(a, i1, i2, j1, first=n == 0, last=n == len(ops) - 1, context=context)
            continue
        for i, j in zip_longest(range(i1, i2), range(j1, j2)):
            op = "delete" if j is None else "insert" if i is None else tag
            rows.append(
                _row(
                    op,
                    None if i is None else i + 1,
                    None if i is None else a[i],
                    None if j is None else j + 1,
                    None if j is None else b[j],
                )
            )
    return rows


def _equal(
    a: list[str], i1: int, i2: int, j1: int, first: bool, last: bool, context: int | None
) -> list[dict[str, Any]]:
    """One run of unchanged lines: kept whole when short, else its edges next to changes and a fold between."""

    def same(i: int) -> dict[str, Any]:
        return _row("equal", i + 1, a[i], j1 + (i - i1) + 1, a[i])

    if context is None:
        return [same(i) for i in range(i1, i2)]
    head, tail = (0 if first else context), (0 if last else context)
    if i2 - i1 <= head + tail + 1:
        return [same(i) for i in range(i1, i2)]
    folded = {"op": "skip", "lines": i2 - i1 - head - tail}
    return [*(same(i) for i in range(i1, i1 + head)), folded, *(same(i) for i in range(i2 - tail, i2))]
