"""Running a wave: its systems through their steps together, each system's step persisted before and after.

One playbook run per step for every system at that step (execute/loop/batch.py): the systems go on in step, the
most advanced first when a resume finds them apart, so a wave of any size costs one playbook start per step. A
failed system is rolled back and the others go on; past the failure budget the wave pauses (the running step
finishes, no new step starts). A pause (the first Ctrl-C) does the same; an abort (the second) cancels the running
playbooks too. Which systems go next, what is settled and what the wave came to are the machine's
(execute/machine/wave.py); this loop runs what it decides.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from ...contracts import steps as names
from ..machine.states import ROLLBACK as ROLLBACK_STEP
from ..machine.states import STEPS, Step
from ..machine.wave import Budget, failed_in, next_group, settled_by, wave_status, way_back
from ..ports.inventory import SystemHosts
from .batch import Context, run_step
from .cluster import note
from .record import Record
from .stepping import Hooks, run_steps

CONFIRM, WAITING, DISCARD = "checkpoint.confirm", "checkpoint.waiting", "rollback.discard_target_writes"
TASK_WAITING, TASK_DONE = "task.waiting", "task.done"
"""A manual task of the site's runbook: waited for by the run, closed by `govmig task done` (store/manual_tasks.py)."""
VERIFIED, DRIFT_WAITING, DRIFT_EXPLAINED = "wave.verify", "drift.waiting", "verify.explained"
"""`govmig verify` while warm (drift per system, or the wave equal), a cutover held for drift, and the drift
explained (`govmig explain`): drift that persisted blocks the system's cutover until a later verify finds the
wave equal or someone explains it."""
"""The audit actions of an operator's word on a checkpoint, a system waiting for it, and writes discarded."""


class WaveRun:
    """The loop over one wave record: what it moves, in the order the machine says, under one failure budget."""

    def __init__(self, context: Context, record: Record, failure_budget: int) -> None:
        self.c, self.record = context, record
        self._budget = Budget(failure_budget)
        self._lock = threading.Lock()
        self.tasks = context.tree.tasks(record.wave)

    def states(self) -> dict[str, str]:
        return {s.system: s.state for s in self.c.store.systems(self.record.name)}

    def move(self, members: Sequence[SystemHosts]) -> str:
        """Moves the systems as far as they go in this call; what the wave came to."""
        self._move(members)
        return wave_status(self.states(), self.c.controls.paused)

    def _move(self, members: Sequence[SystemHosts]) -> None:
        """The systems at the most advanced step go on together in one run to the cutover (loop/stepping.py);
        a failed one is rolled back at once, even when pausing; until all are through, held back in this run
        (waiting for an operator's confirmation, refused) or the wave is paused."""
        by_key = {m.key: m for m in members}
        settled: set[str] = set()
        hooks = Hooks(paused=lambda: self.c.controls.paused, failed=self._failed, waiting=self._waits)
        while not self.c.controls.paused:
            before = self.states()
            picked = next_group(before, list(by_key), settled)
            if picked is None:
                return
            step, keys = picked
            group = [by_key[k] for k in keys]
            if step.name == names.ROLLBACK:
                self.roll_back(group)
                settled.update(keys)
                continue
            settled |= run_steps(self.c, hooks, self.record, group, STEPS[STEPS.index(step) :])
            after = self.states()
            failed = failed_in(keys, after)
            if failed:
                self.roll_back([by_key[k] for k in failed])  # a way back, even when pausing
            settled |= settled_by(keys, before, after)

    def roll_back(
        self, members: Sequence[SystemHosts], discard_target_writes: bool = False
    ) -> dict[str, bool]:
        """Once a system's cutover began its target may hold acknowledged writes: they go back to the source
        before the front end points back, unless the operator discards them (audited). One run for the systems
        whose writes go back, one for the others."""
        name = self.record.name
        began = {e.system for e in self.c.store.step_log(name) if e.step == names.CUTOVER}
        way = way_back([m.key for m in members], began, discard_target_writes)
        for key in way.discarded:
            self.c.store.audit(
                self.c.actor,
                DISCARD,
                f"{name}/{key}",
                "discarded",
                "the target's writes since cutover are not carried back",
            )
        by_key = {m.key: m for m in members}
        came: dict[str, bool] = {}
        for back, keys in ((True, way.reverse), (False, way.plain)):
            if keys:
                extravars = {"govmig_rollback_reverse": back}
                came.update(
                    run_step(self.c, self.record, [by_key[k] for k in keys], ROLLBACK_STEP, extravars)
                )
        return came

    def step(self, hosts: SystemHosts, step: Step, extravars: dict[str, Any] | None = None) -> bool:
        """One step of one system (a decommission, a retirement, a benchmark's window)."""
        return run_step(self.c, self.record, [hosts], step, extravars)[hosts.key]

    def confirmed(self, key: str) -> bool:
        return any(a.action == CONFIRM for a in self.c.store.audit_log(f"{self.record.name}/{key}"))

    def _failed(self, key: str) -> None:
        with self._lock:
            self._budget = self._budget.failed()
            spent = self._budget.spent
        if spent:
            self.c.controls.pause()

    def _waits(self, record: str, m: SystemHosts, step: str) -> bool:
        """Whether the system must wait before `step`: for the operator's word that its databases were moved by
        hand (before verify), for the manual tasks of the site's runbook that hold the step, or (before cutover,
        where the site asks for one) for a second person's go. The wait is recorded; `govmig confirm`, `govmig
        task done` or `govmig approvals approve|reject`, then a resume, let it go on."""
        if step == names.VERIFY and m.checkpoints and not self.confirmed(m.key):
            self._await_confirmation(record, m)
            return True
        if self._tasks_open(record, m, step):
            return True
        if step == names.CUTOVER and self._drift_unexplained(record, m):
            return True
        return (
            step == names.CUTOVER and self.c.go is not None and self.c.go.waiting(record, m.key, self.c.actor)
        )

    def _tasks_open(self, record: str, m: SystemHosts, step: str) -> bool:
        """The system's manual tasks holding `step` that nobody closed yet: each wait said once (`task.waiting`,
        which the notifiers tell), read from the audit as a confirmation is."""
        holding = self.tasks.holding(m.key, step)
        if not holding:
            return False
        said = [(a.action, a.detail) for a in self.c.store.audit_log(f"{record}/{m.key}")]
        open_ = [t for t in holding if (TASK_DONE, t.id) not in said]
        for task in open_:
            if (TASK_WAITING, task.id) not in said:
                self.c.store.audit(self.c.actor, TASK_WAITING, f"{record}/{m.key}", "waiting", task.id)
                self.c.store.add_events(
                    record, m.key, step, [note("task", f"waiting for {task.id} ({task.role}): {task.en}")]
                )
        return bool(open_)

    def _drift_unexplained(self, record: str, m: SystemHosts) -> bool:
        """The system's replica drifted at its last warm verification and neither a later verification found
        the wave equal nor anyone explained it: its cutover waits (said once, audited `drift.waiting`)."""
        mine = f"{record}/{m.key}"
        log = [a for a in self.c.store.audit_log(record) if a.target in (record, mine)]
        drifted = [a.id for a in log if a.action == VERIFIED and a.target == mine and a.result == "drift"]
        if not drifted:
            return False
        last = drifted[-1]
        later = [a for a in log if a.id > last]
        if any(
            (a.action == VERIFIED and a.result == "equal")
            or (a.action == DRIFT_EXPLAINED and a.target == mine)
            for a in later
        ):
            return False
        if not any(a.action == DRIFT_WAITING and a.target == mine for a in later):
            self.c.store.audit(self.c.actor, DRIFT_WAITING, mine, "waiting", f"verify #{last}")
            self.c.store.add_events(
                record,
                m.key,
                names.CUTOVER,
                [
                    note(
                        "drift",
                        "waiting: the replica drifted at the last verification; govmig explain to go on",
                    )
                ],
            )
        return True

    def _await_confirmation(self, record: str, hosts: SystemHosts) -> None:
        """A database govmig cannot move itself: the system waits here (its writes stopped, the final sync of
        its files done) until the operator confirms the engine's own tools moved and verified it."""
        said = "; ".join(
            f"{c.get('name')} ({c.get('engine')}): {(c.get('runbook') or {}).get('en', '')}"
            for c in hosts.checkpoints
        )
        self.c.store.add_events(
            record, hosts.key, names.VERIFY, [note("checkpoint", f"awaiting confirmation: {said}")]
        )
        self.c.store.audit(self.c.actor, WAITING, f"{record}/{hosts.key}", "waiting", said)
