"""A system's lifecycle (shared/DOMAIN.md v1.1): its department's word after cutover, and its state with dates.

The web's accept and problem routes call this (never the executor's module directly), so the rule that only a
cut-over system can be accepted, once, is the same wherever a department speaks; the state every page and report
shows is computed here from the records themselves (plan versions and reviews, waves, runs, the audit), not kept
beside them where it could drift.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..contracts import SystemState, WaveState
from ..execute import (
    ACCEPT,
    PROBLEM,
    ExecuteError,
    accept,
    accepted_since,
    cut_over,
    last_finished,
    problems,
    said_since,
)
from ..policy import Action, Decision
from ..reports import LIFECYCLE_ZH, States
from ..store import Audit, RunLog, StepLog, Store, WaveRun, aware, utcnow
from ..waves import Roadmap

STATE_ZH = LIFECYCLE_ZH
"""Each lifecycle state's Chinese name (the documents' own table, one definition)."""


def moved_in(store: RunLog, key: str, waves: list[WaveRun]) -> str | None:
    """The wave run (not a check) in which the system is cut over now, if any."""
    real = (w.wave for w in waves if not w.check_mode)
    return next((w for w in real if cut_over(store, key, w) is not None), None)


def say_on_system(
    store: RunLog, key: str, comment: str, actor: str, problem: bool = False
) -> tuple[str, Audit]:
    """Records the department's acceptance (or problem) of a cut-over system; ExecuteError before cutover."""
    record = moved_in(store, key, store.waves())
    if record is None:
        raise ExecuteError(
            f"{key} 尚未切换完成，不能验收", f"{key} is not cut over: there is nothing to accept yet"
        )
    return record, accept(store, key, record, comment, actor, problem)


def _said(a: Audit) -> dict[str, str]:
    return {"by": a.actor, "at": aware(a.at).isoformat(), "comment": a.detail or ""}


def department_words(store: Store, record: str, keys: Iterable[str]) -> dict[str, dict[str, object]]:
    """What each of these systems' departments said since its cutover in this wave run (accepted, problems
    raised), for the wave's page and `govmig status`: ops see a problem beside the rollback it may call for.

    One read of the wave's step log and one of the acceptances, whatever the number of systems: the wave's page
    asks on every push."""
    steps: dict[str, list[StepLog]] = defaultdict(list)
    for e in store.step_log(record):
        steps[e.system].append(e)
    said: dict[str, list[Audit]] = defaultdict(list)
    for a in store.audit_actions((ACCEPT, PROBLEM)):
        said[a.target].append(a)
    out: dict[str, dict[str, object]] = {}
    for key in keys:
        at = last_finished(steps[key], "cutover")
        if at is None:
            continue
        accepted = said_since(said[key], key, ACCEPT, at)
        out[key] = {
            "cut_over": at.isoformat(),
            "accepted": _said(accepted[-1]) if accepted else None,
            "problems": [_said(a) for a in said_since(said[key], key, PROBLEM, at)],
        }
    return out


# --- each system's lifecycle state (shared/DOMAIN.md v1.1) -----------------------------------------------------

STAYS = ("已批准保留在原网络，无需迁移", "exempted: it stays where it is, nothing to move")
NEXT = {  # what the department has to do next (zh, en)
    "approved": ("按整改要求修改计划后重新提交", "fix what the assessment asks and submit again"),
    "scheduled": ("等待迁移批次，配合预检", "wait for the wave; help with its precheck"),
    "migrating": ("迁移进行中，无需操作", "moving now: nothing to do"),
    "cut_over": ("已切换，批次结束后请验收", "cut over: accept it once the wave ends"),
    "awaiting_acceptance": (
        "请核对业务后验收，或报告问题",
        "check the service, then accept it or raise a problem",
    ),
    "accepted": ("等待运维下线源系统", "ops decommission the source next"),
    "decommissioned": ("完成", "done"),
    "retire_decided": ("按清理决定停用并归档", "retire it as decided: archive its data, stop it"),
    "retired": ("完成", "done"),
}


@dataclass(frozen=True)
class Lifecycle:
    state: str
    dates: dict[str, str] = field(default_factory=dict)  # state -> when it was entered (ISO 8601)
    wave: str | None = None
    stays: bool = False  # exempted (stay): approved, and nothing follows
    problems: tuple[dict[str, str], ...] = ()
    """What its department raised since cutover and before accepting it: ops sees it (it may lead to a rollback)."""
    source_until: datetime | None = None
    """Accepted, in the site's observation period: its source is kept until then."""

    def as_json(self) -> dict[str, object]:
        zh, en = STAYS if self.stays else NEXT.get(self.state, ("", ""))
        if self.source_until is not None:
            zh = f"观察期至 {self.source_until:%Y-%m-%d %H:%M} UTC，之后运维下线源系统"
            en = f"observed until {self.source_until:%Y-%m-%d %H:%M} UTC; then ops decommission the source"
        return {
            "state": self.state,
            "zh": STATE_ZH[self.state],
            "dates": self.dates,
            "wave": self.wave,
            "next": {"zh": zh, "en": en},
            "problems": list(self.problems),
            "source_kept_until": self.source_until.isoformat() if self.source_until else None,
        }


def shown(states: Mapping[str, Lifecycle]) -> States:
    """The lifecycles as the documents print them: "待验收 awaiting_acceptance" and the dates."""
    return {k: (f"{STATE_ZH[v.state]} {v.state}", v.dates) for k, v in states.items()}


def _runs(store: RunLog, waves: list[WaveRun]) -> dict[str, tuple[WaveRun, str]]:
    """Each system's latest real run (not a check) and its state there."""
    found: dict[str, tuple[WaveRun, str]] = {}
    for run in sorted((w for w in waves if not w.check_mode), key=lambda w: aware(w.started_at)):
        for s in store.systems(run.wave):
            found[s.system] = (run, s.state)
    return found


def lifecycles(
    store: RunLog,
    waves: list[WaveRun],
    decisions: list[Decision],
    roadmap: Roadmap,
    reviewed: dict[str, tuple[datetime, datetime | None]],
    observation: timedelta = timedelta(0),
) -> dict[str, Lifecycle]:
    """Every assessed system's state and dates: from its plan's submission and review (`reviewed`: department
    -> (submitted, approved)), its decision and wave, its runs, and its department's acceptance (`observation`:
    the site's period after it before the source may go)."""
    wave_of = {s: w for w in roadmap.waves for s in w.systems}
    runs, out = _runs(store, waves), {}
    record: str | None
    for d in decisions:
        submitted, approved = reviewed.get(d.department, (None, None))
        dates = {k: v.isoformat() for k, v in (("submitted", submitted), ("approved", approved)) if v}
        state, record = "approved", None
        if d.action is Action.retire:
            retired = [a for a in store.audit_log(d.key) if a.target == d.key and a.action == "system.retire"]
            state = "retired" if retired else "retire_decided"
            if retired:
                dates["retired"] = aware(retired[-1].at).isoformat()
        elif d.key in wave_of:
            state = "scheduled"
            dates["scheduled"] = wave_of[d.key].start.isoformat()
        raised: tuple[dict[str, str], ...] = ()
        if d.key in runs and d.action is Action.migrate:
            run, run_state = runs[d.key]
            record = run.wave
            state, more = _moved(store, d.key, run, run_state)
            dates |= more
            if state in ("cut_over", "awaiting_acceptance"):
                raised = tuple(
                    _said(a) for a in problems(store, d.key, datetime.fromisoformat(dates["cut_over"]))
                )
        wave = record or (wave_of[d.key].id if d.key in wave_of else None)
        until = None
        if state == "accepted" and observation > timedelta(0):
            until = datetime.fromisoformat(dates["accepted"]) + observation
            until = until if until > utcnow() else None  # past it, ops may decommission now
        out[d.key] = Lifecycle(state, dates, wave, d.action is Action.stay, raised, until)
    return out


def _moved(store: RunLog, key: str, run: WaveRun, run_state: str) -> tuple[str, dict[str, str]]:
    """The state of a system that a real run took up, and the dates of what it went through."""
    if run_state in (SystemState.pending, SystemState.rolled_back):
        return "scheduled", {}
    steps = store.step_log(run.wave, key)
    dates = {"migrating": aware(steps[0].at).isoformat()} if steps else {}
    cutover = last_finished(steps, "cutover")
    if run_state not in (SystemState.done, SystemState.decommissioned) or cutover is None:
        return "migrating", dates
    dates["cut_over"] = cutover.isoformat()
    accepted = accepted_since(store, key, cutover)
    if accepted is not None:
        dates["accepted"] = aware(accepted.at).isoformat()
    if run_state == SystemState.decommissioned:
        ended = last_finished(steps, "decommission")
        dates["decommissioned"] = ended.isoformat() if ended else ""
        return "decommissioned", dates
    if accepted is not None:
        return "accepted", dates
    return ("cut_over" if run.status == WaveState.running else "awaiting_acceptance"), dates
