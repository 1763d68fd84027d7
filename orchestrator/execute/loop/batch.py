"""One step for many systems in one playbook run, each system's step still begun and ended in the store on its own.

The run's hosts are limited to those of the systems at the step; its events and figures go to the system whose
host they name (those that name none, a task's start, to every system in the run), and what each system came to is
read from the playbook's own tally, so a failing host fails only its system. A system's hosts in a step's later play
go on only when its hosts of the earlier play came through (the playbook's own guard, playbooks/wave.yml.j2): a
front end never switches to a target whose database did not open, nor back before the target's writes went back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ...contracts import steps
from ...store import Fenced, RunLog, StoreGone
from ..machine.states import FAILED, Step
from ..machine.verdicts import GateResult, refusal
from ..ports.go import CutoverGo
from ..ports.health import Judge
from ..ports.inventory import SystemHosts
from ..ports.rendered import RenderedTree
from ..ports.runner import PlaybookRunner, RunRequest, RunResult, result_items
from .cluster import ClusterSteps
from .controls import Controls
from .record import Record

FLUSH = 25
"""Events kept in memory per system before they go to the store."""


def figures_of(event: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """What a task measured: `govmig_figures` in a module's result (or a set_fact), per loop item too."""
    if event.get("event") not in ("runner_on_ok", "runner_on_failed"):
        return []
    data = event.get("event_data") or {}
    found = []
    for item in result_items(data.get("res") or {}):
        figures = item.get("govmig_figures") or (item.get("ansible_facts") or {}).get("govmig_figures")
        if isinstance(figures, dict):
            found.append((data.get("host"), figures))
    return found


@dataclass
class Context:
    """What a step's run needs of its executor: the same for every run of a wave."""

    store: RunLog
    runner: PlaybookRunner
    tree: RenderedTree
    actor: str
    controls: Controls
    cluster: ClusterSteps
    gates: Sequence[tuple[str, Judge | None, Callable[[SystemHosts], str | None]]] = ()
    """Before a cutover: (what, judge, the subject a system is judged on), in order."""
    forks: int = 5
    go: CutoverGo | None = None
    """The site's go/no-go before each cutover (its decision is also the first of `gates`); None: none."""

    def play(
        self,
        record: Record,
        members: Sequence[SystemHosts],
        step: str,
        attempt: int,
        tags: tuple[str, ...],
        on_event: Callable[[dict[str, Any]], None],
        extravars: dict[str, Any] | None = None,
        word: str | None = None,
    ) -> tuple[RunResult | None, str]:
        """One playbook run for `members`' hosts: its result, or why there is none (a runner crash is a failed
        step, never a lost one)."""
        request = RunRequest(
            wave=record.wave,
            systems=tuple(m.key for m in members),
            step=step,
            attempt=attempt,
            tags=tags,
            limit=tuple(h for m in members for h in m.hosts),
            check=record.check,
            playbook=record.files.playbook,
            inventory=record.files.inventory,
            roles=record.files.roles,
            private_dir=record.runs,
            extravars=extravars or {},
            forks=self.forks,
            word=word,
            token=record.token,
        )
        self.store.still_held()  # a fenced run starts no playbook (nor reaps the new holder's)
        try:
            return self.runner(request, on_event, lambda: self.controls.aborted), ""
        except Exception as exc:
            return None, f"runner error: {exc}"


class Routed:
    """The events and figures of a run, by system and the step it is at, sent to the store in chunks. Fed by the
    runner's thread and flushed by the word's too, hence the lock; a host whose system is at no step (held back at
    a word) adds only its failures."""

    def __init__(self, context: Context, record: str, owner: dict[str, str], steps: dict[str, str]) -> None:
        self.context, self.record, self.owner = context, record, owner
        self.steps = steps
        """The step each system is at; one not in it is at none."""
        self.events: dict[str, list[dict[str, Any]]] = {key: [] for key in set(owner.values())}
        self.figures: dict[str, list[tuple[str | None, dict[str, Any]]]] = {k: [] for k in self.events}
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any]) -> None:
        host = (event.get("event_data") or {}).get("host")
        failure = event.get("event") in ("runner_on_failed", "runner_on_unreachable")
        with self._lock:
            keys = [self.owner[host]] if host in self.owner else list(self.steps)
            keys = [k for k in keys if k in self.steps or failure]
            for key in keys:
                self.events[key].append(event)
                self.context.controls.progress(key, self.steps.get(key, ""), event)
            for at, measured in figures_of(event):
                if at in self.owner and self.owner[at] in self.steps:
                    self.figures[self.owner[at]].append((at, measured))
            full = [key for key in keys if len(self.events[key]) >= FLUSH]
        for key in full:
            self.flush(key)

    def flush(self, key: str, step: str | None = None) -> None:
        """Sends what the system's step gathered (`step`: its name, when the system is no longer at it)."""
        with self._lock:
            events, figures = self.events[key], self.figures[key]
            self.events[key], self.figures[key] = [], []
            step = step or self.steps.get(key, "")
        try:
            if events:
                self.context.store.add_events(self.record, key, step, events)
            if figures:
                self.context.store.add_figures(self.record, key, step, figures)
        except Fenced:  # the runner's thread: the run stops; the new holder tells what happened
            self.context.controls.fence()
        except StoreGone:  # the store is gone past the run's bound: the run stops at its recorded steps
            self.context.controls.abort()


def run_step(
    context: Context,
    record: Record,
    members: Sequence[SystemHosts],
    step: Step,
    extravars: dict[str, Any] | None = None,
) -> dict[str, bool]:
    """Runs `step` for every system in `members` in one playbook run; whether each came through."""
    c, name = context, record.name
    attempts = [c.store.begin_step(name, m.key, step.name, c.actor) for m in members]
    came: dict[str, bool] = {}
    going: list[SystemHosts] = []
    for m in members:
        error = before_cutover(c, record, m) if step.name == steps.CUTOVER and not record.check else None
        if error:
            c.store.end_step(name, m.key, step.name, FAILED, False, c.actor, error)
            came[m.key] = False
        else:
            going.append(m)
    if not going:
        return came
    routed = Routed(c, name, {h: m.key for m in going for h in m.hosts}, {m.key: step.name for m in going})
    result, crashed = c.play(record, going, step.name, max(attempts), step.tags, routed, extravars)
    for m in going:
        routed.flush(m.key)
        error = crashed or (None if result is None or result.came_through(m.hosts) else result.why(m.hosts))
        if error is None and step.name in ClusterSteps.STEPS and not record.check:
            error = c.cluster.step(name, record.wave, m.key, c.tree.entries().get(m.key), step.name)
        if error:
            c.store.end_step(name, m.key, step.name, FAILED, False, c.actor, error)
        else:
            c.store.end_step(name, m.key, step.name, step.after, True, c.actor)
        came[m.key] = not error
    return came


def before_cutover(c: Context, record: Record, m: SystemHosts) -> str | None:
    """The target's health URL, then the monitor's verdict (Prometheus), if either is set; then, before the
    front end switches, the cluster's part (replicas promoted, warm migrations cut over), asked of a run that
    still holds its wave (Fenced otherwise)."""

    def verdicts() -> Iterator[tuple[str, GateResult | None]]:
        for what, judge, subject_of in c.gates:
            subject = subject_of(m)
            yield what, judge(subject) if judge is not None and subject else None

    refused = refusal(verdicts())
    if refused:
        return refused
    c.store.still_held()
    return c.cluster.cutover(record.name, m.key, c.tree.entries().get(m.key))
