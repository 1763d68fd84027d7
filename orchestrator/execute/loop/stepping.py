"""A wave's systems through several steps in one playbook run, the executor's word between the steps.

Starting `ansible-playbook` once per step is what the window cost; here one run takes the systems from their step
to the cutover. At the start of each step every host asks the executor (execute/loop/word.py) whether its system goes
on, and the answer is given only once the event stream has come as far as that question, so everything the
system's hosts did before is known: the system's last step is ended in the store (failed if one of its hosts
failed in it, or the cluster's part of it did), its next step begun, and only then "go". "stop" holds a system
back: it failed, the wave is pausing (the running step finishes, no new one starts), it waits for an operator's
confirmation, or a gate refused its cutover. What a system came to in its last step is read from the playbook's
own tally when the run ends. A crash at any moment leaves each system at a recorded step, begun or finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ...contracts import steps as names
from ...store import Fenced, StoreGone
from ..machine.states import FAILED, Step
from ..ports.inventory import SystemHosts
from ..ports.runner import RunResult, failure_message
from .batch import Context, Routed, before_cutover
from .cluster import ClusterSteps
from .record import Record
from .word import Word

SEEN_WITHIN = 120.0
"""Seconds a host's question waits for its word task's start to come through the event stream (else: stop)."""


@dataclass
class Hooks:
    """What the run asks of the executor's wave-wide state."""

    paused: Callable[[], bool]
    failed: Callable[[str], None]
    """A system failed: it counts against the wave's failure budget."""
    waiting: Callable[[str, SystemHosts, str], bool]
    """Whether the system waits before the step (an operator's confirmation before verify, a manual task of the
    site's runbook that holds it): recorded by the call."""


class Through:
    """One run's systems: which step each is at, what failed, who was held back."""

    def __init__(
        self,
        context: Context,
        hooks: Hooks,
        run: Record,
        members: Sequence[SystemHosts],
        steps: Sequence[Step],
    ) -> None:
        self.c, self.hooks, self.run, self.check = context, hooks, run, run.check
        self.record, self.wave = run.name, run.wave
        self.members = {m.key: m for m in members}
        self.steps = {s.name: s for s in steps}
        self.first = steps[0]
        self.open: dict[str, Step] = {}
        self.routed = Routed(context, run.name, {h: m.key for m in members for h in m.hosts}, {})
        self.failure: dict[str, str] = {}
        self.held: set[str] = set()
        self.begun: set[str] = set()
        self.seen = {name: threading.Event() for name in self.steps}
        self.said: dict[tuple[str, str], bool] = {}
        self.locks = {key: threading.Lock() for key in self.members}
        self.closed = False
        self.errors: list[Exception] = []
        """What went wrong while deciding, raised again in the caller's thread once the run is over."""

    def on_event(self, event: dict[str, Any]) -> None:
        """The runner's thread: every event, in the order the playbook made them."""
        data = event.get("event_data") or {}
        if event.get("event") == "playbook_on_task_start":
            name = str(data.get("task") or data.get("name") or "")
            asked = names.step_of_word_task(name)
            if asked is not None and asked in self.seen:
                self.seen[asked].set()
        key = self.routed.owner.get(str(data.get("host")))
        failed = event.get("event") in ("runner_on_failed", "runner_on_unreachable")
        if key and failed and not data.get("ignore_errors") and key not in self.failure:
            said = failure_message(data.get("res") or {})
            self.failure[key] = f"failed at task '{data.get('task', '')}'" + (f": {said}" if said else "")
            self.hooks.failed(key)
        self.routed(event)

    def decide(self, step: str, host: str, token: int | None = None) -> bool:
        """A host's question at the start of `step` (the word's threads): whether its system goes on. "stop" to a
        question naming another run's token, and to every question once this run is fenced."""
        key = self.routed.owner.get(host)
        if self.c.controls.fenced or (token is not None and token != self.run.token):
            return False
        if key is None or step not in self.steps or not self.seen[step].wait(SEEN_WITHIN):
            return False
        with self.locks[key]:
            if (key, step) not in self.said:
                try:
                    go = not self.closed and self._decide(self.members[key], self.steps[step])
                except Exception as exc:  # the store failing, or fenced: stop; the run's caller hears of it
                    if isinstance(exc, Fenced):
                        self.c.controls.fence()  # our own playbook ends now; nothing more is written
                    elif isinstance(exc, StoreGone):
                        self.c.controls.abort()  # nothing can be recorded: stop at a recorded step
                    self.errors.append(exc)
                    go = False
                self.said[(key, step)] = go
            return self.said[(key, step)]

    def _decide(self, m: SystemHosts, step: Step) -> bool:
        if m.key in self.held or (m.key in self.open and not self._end(m.key)):
            self.held.add(m.key)
            return False
        waiting = not self.check and self.hooks.waiting(self.record, m, step.name)
        if self.hooks.paused() or waiting:
            self.held.add(m.key)
            return False
        self.c.store.begin_step(self.record, m.key, step.name, self.c.actor)
        self.begun.add(m.key)
        self.open[m.key] = step
        self.routed.steps[m.key] = step.name
        error = before_cutover(self.c, self.run, m) if step.name == names.CUTOVER and not self.check else None
        if error:
            self.failure[m.key] = error
            self.hooks.failed(m.key)
            self._end(m.key)
            self.held.add(m.key)
            return False
        return True

    def _end(self, key: str) -> bool:
        """Ends the system's open step in the store: finished, or failed with the reason; whether it finished."""
        step = self.open.pop(key)
        self.routed.flush(key)
        self.routed.steps.pop(key, None)
        error = self.failure.get(key)
        if error is None and step.name in ClusterSteps.STEPS and not self.check:
            self.c.store.still_held()  # the cluster's changes are no transaction's: asked before they are made
            error = self.c.cluster.step(
                self.record, self.wave, key, self.c.tree.entries().get(key), step.name
            )
            if error:
                self.failure[key] = error
                self.hooks.failed(key)
        if error:
            self.c.store.end_step(self.record, key, step.name, FAILED, False, self.c.actor, error)
        else:
            self.c.store.end_step(self.record, key, step.name, step.after, True, self.c.actor)
        return not error

    def finish(self, result: RunResult | None, crashed: str) -> None:
        """The run ended: each system's open step ends by the playbook's tally; a system the run never reached
        (it failed before its first word: cancelled, a syntax error) fails its first step. A fenced run ends
        nothing (the wave is another runner's), nor does one whose store is gone (it resumes from the record)."""
        stopped = next((e for e in self.errors if isinstance(e, (Fenced, StoreGone))), None)
        if stopped is not None:  # fenced, or the store gone past its bound: nothing to end, nothing to record
            raise stopped
        for key, m in self.members.items():
            with self.locks[key]:
                self.closed = True
                came = result is not None and result.came_through(m.hosts)
                unreached = key not in self.begun and key not in self.held
                if not came and key not in self.failure and (key in self.open or unreached):
                    self.failure[key] = crashed or (result.why(m.hosts) if result else "no result")
                    self.hooks.failed(key)
                if key in self.open:
                    self._end(key)
                elif unreached and key in self.failure:
                    self.c.store.begin_step(self.record, key, self.first.name, self.c.actor)
                    self.open[key] = self.first
                    self.routed.steps[key] = self.first.name
                    self._end(key)


def run_steps(
    context: Context,
    hooks: Hooks,
    record: Record,
    members: Sequence[SystemHosts],
    steps: Sequence[Step],
) -> set[str]:
    """Takes `members` from `steps[0]` through the last of `steps` in one playbook run; the systems held back."""
    through = Through(context, hooks, record, members, steps)
    with Word(through.decide) as word:
        result, crashed = context.play(
            record,
            members,
            steps[0].name,
            len(steps),
            tuple(t for s in steps for t in s.tags),
            through.on_event,
            word=word.path,
        )
        through.finish(result, crashed)
    if through.errors:
        raise through.errors[0]
    return through.held
