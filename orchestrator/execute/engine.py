"""Running a wave: its systems through their steps together, each system's step persisted before and after.

One playbook run per step for every system at that step (execute/loop/batch.py): the systems go on in step, the most
advanced first when a resume finds them apart, so a wave of any size costs one playbook start per step. A failed
system is rolled back and the others go on; past the failure budget the wave pauses (the running step finishes,
no new step starts). A pause request (the first Ctrl-C) does the same; an abort (the second) cancels the
running playbooks too. Check-mode runs are recorded under "WAVE@check" so they never touch the real state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..contracts import IndexedSystem, Tree
from ..store import RunLog, utcnow
from .acceptance import may_decommission
from .errors import ExecuteError
from .loop.batch import Context, Progress, run_step
from .loop.cluster import ClusterSteps, note
from .loop.lease import WaveLock
from .loop.stepping import Hooks, run_steps
from .machine.states import DECOMMISSION, RETIRE, ROLLBACK, STEPS, Step, next_step
from .ports.applier import ManifestApplier
from .ports.health import GateResult
from .ports.inventory import SystemHosts, systems_in
from .ports.runner import PlaybookRunner


@dataclass
class Outcome:
    wave: str
    status: str
    states: dict[str, str] = field(default_factory=dict)


RETIRE_RECORD = "retire"
"""Retirements are recorded, and their playbook and inventory rendered, under this name (render/retire.py)."""


def record_name(wave: str, check: bool) -> str:
    return f"{wave}@check" if check else wave


def _rank(step: Step) -> int:
    """The order in which systems found at different steps go on: a way back first, then the most advanced."""
    return len(STEPS) if step is ROLLBACK else STEPS.index(step)


class WaveExecutor:
    def __init__(
        self,
        store: RunLog,
        runner: PlaybookRunner,
        tree: Path,
        *,
        actor: str = "govmig",
        concurrency: int = 2,
        failure_budget: int = 1,
        gate: Callable[[str], GateResult] | None = None,
        watch: Callable[[str], GateResult] | None = None,
        progress: Progress | None = None,
        applier: ManifestApplier | None = None,
        lease_heartbeat: float = 5.0,
        lease_stale_after: float = 30.0,
        observation: timedelta = timedelta(0),
    ) -> None:
        # absolute: ansible-runner runs in each system's private data directory, where a relative path means nothing
        self.store, self.runner, self.tree = store, runner, tree.resolve()
        self.actor, self.concurrency, self.failure_budget = actor, concurrency, failure_budget
        self.gate, self.watch, self.progress, self.applier = gate, watch, progress, applier
        self.pause, self.abort = threading.Event(), threading.Event()
        self._failures = 0
        self._lock = threading.Lock()
        self.leases = store.leases()
        self._index: dict[str, IndexedSystem] | None = None
        self.lease_heartbeat, self.lease_stale_after = lease_heartbeat, lease_stale_after
        self.observation = observation
        """After the department's acceptance, how long the source is kept before it may be decommissioned."""

    def _context(self) -> Context:
        """What a step's run needs, read afresh for each run (the CLI sets `progress` after construction)."""
        return Context(
            store=self.store,
            runner=self.runner,
            tree=self.tree,
            actor=self.actor,
            paths=self.paths,
            entries=self._entries,
            cancelled=self.abort.is_set,
            cluster=ClusterSteps(self.store, self.applier, self.tree, self.actor),
            gates=(
                ("health gate", self.gate, lambda m: m.health_url),
                ("monitor", self.watch, lambda m: m.key),
            ),
            progress=self.progress,
            # `concurrency` systems at once: a play reaches at most two hosts of a system (a source and a target)
            forks=2 * max(1, self.concurrency),
        )

    def lease(self, record: str) -> WaveLock:
        """The lease on a wave record (not yet taken): a run holds it throughout; losing it pauses the run."""
        return WaveLock(
            self.leases,
            record,
            self.actor,
            heartbeat=self.lease_heartbeat,
            stale_after=self.lease_stale_after,
            on_lost=self.pause.set,
        )

    def paths(self, wave: str) -> tuple[Path, Path, Path]:
        tree = Tree(self.tree)
        if not tree.has_wave(wave):
            raise ExecuteError(
                f"找不到批次 {wave} 的剧本或清单（先运行 govmig render）",
                f"no playbook or inventory for wave {wave} in the tree (run govmig render first)",
            )
        self._entries()
        return tree.playbook(wave), tree.inventory(wave), tree.roles

    def hosts_of(self, wave: str, system: str) -> SystemHosts:
        """A system's hosts in the wave's inventory; ExecuteError when the wave has no such system."""
        _, inventory, _ = self.paths(wave)
        hosts = systems_in(inventory)
        if system not in hosts:
            raise ExecuteError(f"批次 {wave} 中没有系统 {system}", f"wave {wave} has no system {system}")
        return hosts[system]

    def _entries(self) -> dict[str, IndexedSystem]:
        """The render index by system, read once per executor (paths() runs before every step)."""
        if self._index is None:
            tree = Tree(self.tree)
            try:
                index = tree.read_index()
            except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
                raise ExecuteError(
                    "制品树的 index.json 缺失或不是 govmig 的制品索引（重新运行 govmig render）",
                    "the tree's index.json is missing or not a govmig render index (run govmig render again)",
                ) from None
            self._index = {s.system: s for s in index.systems}
        return self._index

    def run(
        self, wave: str, check: bool = False, only: str | None = None, lease: WaveLock | None = None
    ) -> Outcome:
        """Runs (or resumes) the wave under its lease: `lease` when the caller took it already (the web takes
        it before answering), else one taken here; a held lease raises WaveBusy and nothing runs."""
        record = record_name(wave, check)
        with lease or self.lease(record):
            _, inventory, _ = self.paths(wave)
            hosts = systems_in(inventory)
            if only is not None:
                hosts = {only: self.hosts_of(wave, only)}
            return self._run(record, wave, hosts, check)

    def _run(self, record: str, wave: str, hosts: dict[str, SystemHosts], check: bool) -> Outcome:
        self.store.open_wave(record, list(hosts), str(self.tree), check, self.failure_budget, self.actor)
        self._move(record, wave, list(hosts.values()), check)
        states = {s.system: s.state for s in self.store.systems(record)}
        finished = all(state in ("done", "rolled_back") for state in states.values())
        status = (
            "paused"
            if self.pause.is_set() or not finished
            else "done"
            if all(state == "done" for state in states.values())
            else "partial"
        )
        self.store.set_wave(record, status, self.actor, f"states={sorted(set(states.values()))}")
        return Outcome(record, status, states)

    def rollback(
        self, wave: str, system: str, lease: WaveLock | None = None, discard_target_writes: bool = False
    ) -> Outcome:
        """Rolls one system back whatever its state (the operator's way back after a cutover, too), under the
        wave's lease: never while the wave itself runs."""
        with lease or self.lease(wave):
            found = self.hosts_of(wave, system)
            self.store.open_wave(wave, [system], str(self.tree), False, self.failure_budget, self.actor)
            if self.store.system(wave, system).state == DECOMMISSION.after:
                raise ExecuteError(
                    f"{system} 的源系统已下线：不能再回退",
                    f"the source of {system} was decommissioned: there is no way back any more",
                )
            ok = self._roll_back(wave, wave, [found], False, discard_target_writes)[system]
        return Outcome(
            wave, "rolled_back" if ok else "failed", {system: self.store.system(wave, system).state}
        )

    def may_decommission(self, wave: str, system: str) -> SystemHosts:
        """Refuses (ExecuteError) unless the system is cut over in the wave and its department accepted it (and
        the observation period passed): the check the web makes before it starts the step in the background."""
        found = self.hosts_of(wave, system)
        state = self.store.system(wave, system).state if self.store.systems(wave) else "pending"
        if state != "done":
            raise ExecuteError(
                f"{system} 尚未切换完成（状态 {state}），不能下线源系统",
                f"{system} is not cut over (state {state}): its source cannot be decommissioned",
            )
        may_decommission(self.store, system, wave, utcnow(), self.observation)
        return found

    def decommission(self, wave: str, system: str, lease: WaveLock | None = None) -> Outcome:
        """Stops and marks the source of a system that was cut over: a later step than the wave, refused until the
        department accepted the move (execute/acceptance.py). Rollback is gone afterwards."""
        with lease or self.lease(wave):
            host = self.may_decommission(wave, system)
            ok = self._step(wave, wave, host, DECOMMISSION, check=False)
        return Outcome(
            wave, "decommissioned" if ok else "failed", {system: self.store.system(wave, system).state}
        )

    def retire(self, system: str, lease: WaveLock | None = None) -> Outcome:
        """Retires a zombie (its decision `retire`, so it is in the rendered retirement inventory): the data
        archived, the service stopped and marked, the system off its front end. A database govmig cannot dump
        must be archived by hand and confirmed first (`govmig confirm retire DEPT/ID`)."""
        with lease or self.lease(RETIRE_RECORD):
            _, inventory, _ = self.paths(RETIRE_RECORD)
            hosts = systems_in(inventory)
            if system not in hosts:
                raise ExecuteError(
                    f"{system} 的决定不是清理（retire），不能清理；只有僵尸系统才清理",
                    f"{system} is not decided retire: only a zombie is retired",
                )
            self.store.open_wave(RETIRE_RECORD, [system], str(self.tree), False, 0, self.actor)
            if self.store.system(RETIRE_RECORD, system).state == RETIRE.after:
                raise ExecuteError(f"{system} 已清理", f"{system} was retired already")
            manual = [str(c.get("name")) for c in hosts[system].checkpoints]
            if manual and not self._confirmed(RETIRE_RECORD, system):
                raise ExecuteError(
                    f"先手工归档 {', '.join(manual)}，再 govmig confirm retire {system} --note …",
                    f"archive {', '.join(manual)} by hand first, then govmig confirm retire {system} --note …",
                )
            ok = self._step(RETIRE_RECORD, RETIRE_RECORD, hosts[system], RETIRE, check=False)
            if ok:
                self.store.audit(
                    self.actor, "system.retire", system, "retired", "archived, stopped, off its front end"
                )
        return Outcome(
            RETIRE_RECORD,
            "retired" if ok else "failed",
            {system: self.store.system(RETIRE_RECORD, system).state},
        )

    def confirm(self, wave: str, system: str, note: str) -> None:
        """The operator's word that a checkpoint's work is done (a manual export and import, an offline
        transfer): audited, and the wave's next run goes past it."""
        self.store.audit(self.actor, "checkpoint.confirm", f"{wave}/{system}", "confirmed", note)

    def _confirmed(self, record: str, key: str) -> bool:
        return any(a.action == "checkpoint.confirm" for a in self.store.audit_log(f"{record}/{key}"))

    def _roll_back(
        self,
        record: str,
        wave: str,
        members: Sequence[SystemHosts],
        check: bool,
        discard_target_writes: bool = False,
    ) -> dict[str, bool]:
        """Once a system's cutover began its target may hold acknowledged writes: they go back to the source
        before the front end points back, unless the operator discards them (audited). One run for the systems
        whose writes go back, one for the others."""
        began = {e.system for e in self.store.step_log(record) if e.step == "cutover"}
        reverse: dict[bool, list[SystemHosts]] = {True: [], False: []}
        for m in members:
            if m.key in began and discard_target_writes:
                self.store.audit(
                    self.actor,
                    "rollback.discard_target_writes",
                    f"{record}/{m.key}",
                    "discarded",
                    "the target's writes since cutover are not carried back",
                )
            reverse[m.key in began and not discard_target_writes].append(m)
        came: dict[str, bool] = {}
        for back, group in reverse.items():
            if group:
                extravars = {"govmig_rollback_reverse": back}
                came.update(run_step(self._context(), record, wave, group, ROLLBACK, check, extravars))
        return came

    def _move(self, record: str, wave: str, members: Sequence[SystemHosts], check: bool) -> None:
        """The systems at the most advanced step go on together in one run to the cutover (execute/loop/stepping.py);
        a failed one is rolled back at once, even when pausing; until all are through, held back in this run
        (waiting for an operator's confirmation, refused) or the wave is paused."""
        settled: set[str] = set()
        hooks = Hooks(paused=self.pause.is_set, failed=self._failed, waiting=self._waits)
        while not self.pause.is_set():
            states = {s.system: s.state for s in self.store.systems(record)}
            at: dict[Step, list[SystemHosts]] = {}
            for m in members:
                step = None if m.key in settled else next_step(states.get(m.key, "pending"))
                if step is not None:
                    at.setdefault(step, []).append(m)
            if not at:
                return
            step = max(at, key=_rank)
            group = at[step]
            if step is ROLLBACK:
                self._roll_back(record, wave, group, check)
                settled.update(m.key for m in group)
                continue
            steps = STEPS[STEPS.index(step) :]
            settled |= run_steps(self._context(), hooks, record, wave, group, steps, check)
            after = {s.system: s.state for s in self.store.systems(record)}
            failed = [m for m in group if after.get(m.key) == "failed"]
            if failed:
                self._roll_back(record, wave, failed, check)  # a way back, even when pausing
            # a run that moved a system nowhere is not run again for it in this call
            settled.update(
                m.key for m in group if after.get(m.key) in (states.get(m.key, "pending"), "failed")
            )

    def _failed(self, key: str) -> None:
        with self._lock:
            self._failures += 1
            if self._failures > self.failure_budget:
                self.pause.set()

    def _waits(self, record: str, m: SystemHosts) -> bool:
        """Whether the system must wait before verify for the operator's word that its databases were moved by
        hand; the wait is recorded."""
        if not m.checkpoints or self._confirmed(record, m.key):
            return False
        self._await_confirmation(record, m)
        return True

    def _await_confirmation(self, record: str, hosts: SystemHosts) -> None:
        """A database govmig cannot move itself: the system waits here (its writes stopped, the final sync of
        its files done) until the operator confirms the engine's own tools moved and verified it."""
        said = "; ".join(
            f"{c.get('name')} ({c.get('engine')}): {(c.get('runbook') or {}).get('en', '')}"
            for c in hosts.checkpoints
        )
        self.store.add_events(
            record, hosts.key, "verify", [note("checkpoint", f"awaiting confirmation: {said}")]
        )
        self.store.audit(self.actor, "checkpoint.waiting", f"{record}/{hosts.key}", "waiting", said)

    def _step(
        self,
        record: str,
        wave: str,
        hosts: SystemHosts,
        step: Step,
        check: bool,
        extravars: dict[str, Any] | None = None,
    ) -> bool:
        """One step of one system (a decommission, a retirement, a benchmark's window)."""
        return run_step(self._context(), record, wave, [hosts], step, check, extravars)[hosts.key]


__all__ = ["STEPS", "ExecuteError", "Outcome", "WaveExecutor", "record_name"]
