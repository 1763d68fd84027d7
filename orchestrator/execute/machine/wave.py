"""A wave's decisions between playbook runs: which systems go on next, which are settled for this run, what the
wave came to, the failure budget, and which systems' writes go back on a rollback. Pure: states in, decisions out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ...contracts import run
from ...contracts import steps as names
from .states import DONE, FAILED, PENDING, ROLLBACK, ROLLED_BACK, STEPS, Step, next_step

PAUSED, PARTIAL = run.WaveState.paused, run.WaveState.partial
"""A wave's outcomes besides DONE: stopped with systems not finished, or finished with some rolled back."""


def rank(step: Step) -> int:
    """The order in which systems found at different steps go on: a way back first, then the most advanced."""
    return len(STEPS) if step is ROLLBACK else STEPS.index(step)


def next_group(
    states: Mapping[str, str], members: Sequence[str], settled: Iterable[str]
) -> tuple[Step, list[str]] | None:
    """The step that goes next and the systems (of `members`, in their order) that take it together: those at
    the highest-ranked step among the systems not settled; None when every system is finished or settled."""
    done = set(settled)
    at: dict[Step, list[str]] = {}
    for key in members:
        step = None if key in done else next_step(states.get(key, PENDING))
        if step is not None:
            at.setdefault(step, []).append(key)
    if not at:
        return None
    step = max(at, key=rank)
    return step, at[step]


def failed_in(group: Sequence[str], after: Mapping[str, str]) -> list[str]:
    """The systems of a run that failed in it (each is rolled back at once, even when the wave is pausing)."""
    return [key for key in group if after.get(key) == FAILED]


def settled_by(group: Sequence[str], before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    """The systems a run moved nowhere, or that failed: not run again in this call."""
    return {key for key in group if after.get(key) in (before.get(key, PENDING), FAILED)}


def wave_status(states: Mapping[str, str], paused: bool) -> str:
    """What a wave run came to: paused when asked to, or while a system is not finished; done when every system
    is cut over; partial when some were rolled back."""
    finished = all(state in (DONE, ROLLED_BACK) for state in states.values())
    if paused or not finished:
        return PAUSED
    return DONE if all(state == DONE for state in states.values()) else PARTIAL


@dataclass(frozen=True)
class Budget:
    """The wave's failure budget: how many failed systems it bears before it pauses."""

    limit: int
    failures: int = 0

    def failed(self) -> Budget:
        """The budget after one more failed system."""
        return replace(self, failures=self.failures + 1)

    @property
    def spent(self) -> bool:
        """Past the budget: the wave pauses (the running step finishes, no new step starts)."""
        return self.failures > self.limit


@dataclass(frozen=True)
class WayBack:
    """How a rollback's systems go back: `reverse` have their target's writes carried back to the source first
    (their cutover began), `plain` do not; `discarded` are those whose writes the operator chose to drop."""

    reverse: list[str]
    plain: list[str]
    discarded: list[str]


def way_back(members: Sequence[str], cutover_began: Iterable[str], discard_target_writes: bool) -> WayBack:
    """Once a system's cutover began its target may hold acknowledged writes: they go back to the source before
    the front end points back, unless the operator discards them."""
    began = set(cutover_began)
    touched = [key for key in members if key in began]
    if discard_target_writes:
        return WayBack(reverse=[], plain=list(members), discarded=touched)
    return WayBack(reverse=touched, plain=[key for key in members if key not in began], discarded=[])


WINDOW_STEPS = (names.FINAL_SYNC, names.VERIFY, names.CUTOVER)
"""The steps during which a system's sources are quiesced: its window, from the final sync to the cutover."""


def in_window(systems: Iterable[tuple[str, str | None, str | None]]) -> bool:
    """Whether any of (state, step, step status) has its sources quiesced: a window step begun or failed and not
    yet rolled back, or finished and the cutover not yet done."""
    for state, step, status in systems:
        if (
            step in WINDOW_STEPS
            and state not in (DONE, ROLLED_BACK)
            and status in (run.StepStatus.started, run.StepStatus.failed)
        ):
            return True
        if (
            step in WINDOW_STEPS[:-1]
            and status == run.StepStatus.finished
            and state not in (DONE, ROLLED_BACK)
        ):
            return True
        if step == names.ROLLBACK and status == run.StepStatus.started:
            return True
    return False
