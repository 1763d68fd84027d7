"""A gate's verdict before a cutover, and which of a system's verdicts refuses it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class GateResult:
    ok: bool
    checks: int
    reason: str


def refusal(verdicts: Iterable[tuple[str, GateResult | None]]) -> str | None:
    """The first refusal among (what judged, its verdict or None when it did not judge), said as "what: why";
    None when nothing refused."""
    for what, verdict in verdicts:
        if verdict is not None and not verdict.ok:
            return f"{what}: {verdict.reason}"
    return None
