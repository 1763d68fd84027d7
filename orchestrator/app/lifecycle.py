"""A system's word from its department after cutover, found in whichever wave run moved it.

The web's accept and problem routes call this (never the executor's module directly), so the rule that only a
cut-over system can be accepted, once, is the same wherever a department speaks.
"""

from __future__ import annotations

from ..execute import ExecuteError, accept, cut_over
from ..store import Audit, RunLog


def moved_in(store: RunLog, key: str, waves: list[str]) -> str | None:
    """The wave run (not a check) in which the system is cut over now, if any."""
    return next((w for w in waves if "@" not in w and cut_over(store, key, w) is not None), None)


def say_on_system(
    store: RunLog, key: str, waves: list[str], comment: str, actor: str, problem: bool = False
) -> tuple[str, Audit]:
    """Records the department's acceptance (or problem) of a cut-over system; ExecuteError before cutover."""
    record = moved_in(store, key, waves)
    if record is None:
        raise ExecuteError(
            f"{key} 尚未切换完成，不能验收", f"{key} is not cut over: there is nothing to accept yet"
        )
    return record, accept(store, key, record, comment, actor, problem)
