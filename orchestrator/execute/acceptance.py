"""A department's acceptance (验收) of a cut-over system, the gate before its source is decommissioned.

The national plan (002 三(六)) and the province's (001 二(五)) have a moved system accepted before its old one goes.
After cutover a system waits for its department: it accepts (with a comment), or raises a problem that ops sees
and that may lead to a rollback. Both are entries of the audit log, which the database keeps append-only, so the
sign-off that lets a source be switched off cannot be edited afterwards. Decommissioning asks for an acceptance
made after the system's last cutover, and, when the site sets one, an observation period since that acceptance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..contracts import SystemState
from ..store import Audit, RunLog, StepLog, aware
from .errors import ExecuteError

ACCEPT, PROBLEM = "system.accept", "system.problem"


@dataclass(frozen=True)
class CutOver:
    record: str  # the wave run it moved in
    at: datetime


def last_finished(steps: Sequence[StepLog], step: str) -> datetime | None:
    """When `step` last finished in a system's step log (the one reading of "cut over at" and "decommissioned
    at", for the gate here and for the lifecycle every page shows)."""
    ends = [e.at for e in steps if e.step == step and e.status == "finished"]
    return aware(ends[-1]) if ends else None


def cut_over(store: RunLog, key: str, record: str) -> CutOver | None:
    """When the system's cutover last finished in that wave run, if it did and it was not rolled back since."""
    if (
        key not in {s.system for s in store.systems(record)}
        or store.system(record, key).state != SystemState.done
    ):
        return None
    at = last_finished(store.step_log(record, key), "cutover")
    return CutOver(record, at) if at else None


def said_since(entries: Iterable[Audit], key: str, action: str, since: datetime) -> list[Audit]:
    """Of these audit entries, the department's `action` on `key` made since `since` (its cutover)."""
    return [a for a in entries if a.target == key and a.action == action and aware(a.at) >= since]


def _said(store: RunLog, key: str, action: str, since: datetime) -> list[Audit]:
    return said_since(store.audit_log(key), key, action, since)


def accepted_since(store: RunLog, key: str, since: datetime) -> Audit | None:
    """The department's acceptance made since `since` (the cutover), if any."""
    found = _said(store, key, ACCEPT, since)
    return found[-1] if found else None


def problems(store: RunLog, key: str, since: datetime) -> list[Audit]:
    return _said(store, key, PROBLEM, since)


def accept(store: RunLog, key: str, record: str, comment: str, actor: str, problem: bool = False) -> Audit:
    """The department's word on a cut-over system: accepted, or a problem raised (audited either way)."""
    done = cut_over(store, key, record)
    if done is None:
        raise ExecuteError(
            f"{key} 尚未切换完成，不能验收", f"{key} is not cut over in {record}: nothing to accept yet"
        )
    if not problem and accepted_since(store, key, done.at) is not None:
        raise ExecuteError(f"{key} 已验收", f"{key} was accepted already")
    store.audit(actor, PROBLEM if problem else ACCEPT, key, "raised" if problem else "accepted", comment)
    said = _said(store, key, PROBLEM if problem else ACCEPT, done.at)
    return said[-1]


def may_decommission(store: RunLog, key: str, record: str, now: datetime, observe: timedelta) -> None:
    """Refuses (ExecuteError) unless the department accepted the system since its cutover, `observe` ago."""
    done = cut_over(store, key, record)
    if done is None:
        return  # the executor's own check says what state it is in
    accepted = accepted_since(store, key, done.at)
    if accepted is None:
        raise ExecuteError(
            f"{key} 尚未经部门验收，不能下线源系统（部门在其计划页或 POST /api/systems/…/accept 验收）",
            f"{key} has not been accepted by its department: its source stays until it is "
            "(the department accepts on its plan page or with POST /api/systems/…/accept)",
        )
    ready = aware(accepted.at) + observe
    if now < ready:
        raise ExecuteError(
            f"{key} 验收后的观察期未满（至 {ready:%Y-%m-%d %H:%M} UTC），暂不能下线源系统",
            f"{key} is in its observation period after acceptance (until {ready:%Y-%m-%d %H:%M} UTC)",
        )
