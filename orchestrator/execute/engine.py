"""Running a wave: every system through its steps, several at once, each step persisted before and after.

A failed system is rolled back and the others go on; past the failure budget the wave pauses (the running steps
finish, no new step starts). A pause request (the first Ctrl-C) does the same; an abort (the second) cancels the
running playbooks too. Check-mode runs are recorded under "WAVE@check" so they never touch the real state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..contracts import IndexedSystem, Tree
from ..store import RunLog, utcnow
from .acceptance import may_decommission
from .applier import ManifestApplier
from .cluster import ClusterSteps, note
from .errors import ExecuteError
from .health import GateResult
from .inventory import SystemHosts, systems_in
from .lease import WaveLock
from .runner import PlaybookRunner, RunRequest, result_items
from .states import DECOMMISSION, RETIRE, ROLLBACK, STEPS, Step, next_step

Progress = Callable[[str, str, dict[str, Any]], None]  # system, step, event


@dataclass
class Outcome:
    wave: str
    status: str
    states: dict[str, str] = field(default_factory=dict)


RETIRE_RECORD = "retire"
"""Retirements are recorded, and their playbook and inventory rendered, under this name (render/retire.py)."""


def record_name(wave: str, check: bool) -> str:
    return f"{wave}@check" if check else wave


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

    def _cluster(self) -> ClusterSteps:
        return ClusterSteps(self.store, self.applier, self.tree, self.actor)

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
                f"no playbook or inventory for wave {wave} in {self.tree} (run govmig render first)",
            )
        self._entries()
        return tree.playbook(wave), tree.inventory(wave), tree.roles

    def _entries(self) -> dict[str, IndexedSystem]:
        """The render index by system, read once per executor (paths() runs before every step)."""
        if self._index is None:
            tree = Tree(self.tree)
            try:
                index = tree.read_index()
            except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
                raise ExecuteError(
                    f"{tree.index} 缺失或不是 govmig 的制品索引（重新运行 govmig render）",
                    f"{tree.index} is missing or not a govmig render index (run govmig render again)",
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
                if only not in hosts:
                    raise ExecuteError(f"批次 {wave} 中没有系统 {only}", f"wave {wave} has no system {only}")
                hosts = {only: hosts[only]}
            return self._run(record, wave, hosts, check)

    def _run(self, record: str, wave: str, hosts: dict[str, SystemHosts], check: bool) -> Outcome:
        self.store.open_wave(record, list(hosts), str(self.tree), check, self.failure_budget, self.actor)
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency), thread_name_prefix="govmig") as pool:
            for future in [pool.submit(self._system, record, wave, h, check) for h in hosts.values()]:
                future.result()
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
            _, inventory, _ = self.paths(wave)
            hosts = systems_in(inventory)
            if system not in hosts:
                raise ExecuteError(f"批次 {wave} 中没有系统 {system}", f"wave {wave} has no system {system}")
            self.store.open_wave(wave, [system], str(self.tree), False, self.failure_budget, self.actor)
            if self.store.system(wave, system).state == DECOMMISSION.after:
                raise ExecuteError(
                    f"{system} 的源系统已下线：不能再回退",
                    f"the source of {system} was decommissioned: there is no way back any more",
                )
            ok = self._rollback(wave, wave, hosts[system], False, discard_target_writes)
        return Outcome(
            wave, "rolled_back" if ok else "failed", {system: self.store.system(wave, system).state}
        )

    def may_decommission(self, wave: str, system: str) -> SystemHosts:
        """Refuses (ExecuteError) unless the system is cut over in the wave and its department accepted it (and
        the observation period passed): the check the web makes before it starts the step in the background."""
        _, inventory, _ = self.paths(wave)
        hosts = systems_in(inventory)
        if system not in hosts:
            raise ExecuteError(f"批次 {wave} 中没有系统 {system}", f"wave {wave} has no system {system}")
        state = self.store.system(wave, system).state if self.store.systems(wave) else "pending"
        if state != "done":
            raise ExecuteError(
                f"{system} 尚未切换完成（状态 {state}），不能下线源系统",
                f"{system} is not cut over (state {state}): its source cannot be decommissioned",
            )
        may_decommission(self.store, system, wave, utcnow(), self.observation)
        return hosts[system]

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

    def _rollback(
        self, record: str, wave: str, hosts: SystemHosts, check: bool, discard_target_writes: bool = False
    ) -> bool:
        """Once the cutover began the target may hold acknowledged writes: they go back to the source before the
        front end points back, unless the operator discards them (audited)."""
        began = any(e.step == "cutover" for e in self.store.step_log(record, hosts.key))
        if began and discard_target_writes:
            self.store.audit(
                self.actor,
                "rollback.discard_target_writes",
                f"{record}/{hosts.key}",
                "discarded",
                "the target's writes since cutover are not carried back",
            )
        reverse = began and not discard_target_writes
        return self._step(
            record, wave, hosts, ROLLBACK, check, extravars={"govmig_rollback_reverse": reverse}
        )

    def _system(self, record: str, wave: str, hosts: SystemHosts, check: bool) -> None:
        while not self.pause.is_set():
            step = next_step(self.store.system(record, hosts.key).state)
            if step is None:
                return
            if step is ROLLBACK:
                self._rollback(record, wave, hosts, check)
                return
            if (
                step.name == "verify"
                and hosts.checkpoints
                and not check
                and not self._confirmed(record, hosts.key)
            ):
                self._await_confirmation(record, hosts)
                return
            if not self._step(record, wave, hosts, step, check):
                with self._lock:
                    self._failures += 1
                    if self._failures > self.failure_budget:
                        self.pause.set()
                self._rollback(record, wave, hosts, check)  # a way back, even when pausing
                return

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
        playbook, inventory, roles = self.paths(wave)
        attempt = self.store.begin_step(record, hosts.key, step.name, self.actor)
        if step.name == "cutover" and not check:
            # the target's health URL, then the monitor's verdict (Prometheus) on the system, if either is set
            for what, judge, subject in (
                ("health gate", self.gate, hosts.health_url),
                ("monitor", self.watch, hosts.key),
            ):
                verdict = judge(subject) if judge is not None and subject else None
                if verdict is not None and not verdict.ok:
                    self.store.end_step(
                        record, hosts.key, step.name, "failed", False, self.actor, f"{what}: {verdict.reason}"
                    )
                    return False
            # before the front end switches
            error = self._cluster().cutover(record, hosts.key, self._entries().get(hosts.key))
            if error:
                self.store.end_step(record, hosts.key, step.name, "failed", False, self.actor, error)
                return False
        events: list[dict[str, Any]] = []
        figures: list[tuple[str | None, dict[str, Any]]] = []

        def on_event(event: dict[str, Any]) -> None:
            events.append(event)
            figures.extend(figures_of(event))
            if self.progress:
                self.progress(hosts.key, step.name, event)
            if len(events) >= 25:
                self.store.add_events(record, hosts.key, step.name, events)
                events.clear()

        request = RunRequest(
            wave=wave,
            system=hosts.key,
            step=step.name,
            attempt=attempt,
            tags=step.tags,
            limit=tuple(hosts.hosts),
            check=check,
            playbook=playbook,
            inventory=inventory,
            roles=roles,
            private_dir=Tree(self.tree).runs(record, hosts.key),
            extravars=extravars or {},
        )
        try:
            result = self.runner(request, on_event, self.abort.is_set)
        except Exception as exc:  # a runner crash is a failed step, never a lost one
            self.store.add_events(record, hosts.key, step.name, events)
            if figures:
                self.store.add_figures(record, hosts.key, step.name, figures)
            self.store.end_step(
                record, hosts.key, step.name, "failed", False, self.actor, f"runner error: {exc}"
            )
            return False
        self.store.add_events(record, hosts.key, step.name, events)
        if figures:
            self.store.add_figures(record, hosts.key, step.name, figures)
        if result.ok and step.name in ClusterSteps.STEPS and not check:
            error = self._cluster().step(record, wave, hosts.key, self._entries().get(hosts.key), step.name)
            if error:
                self.store.end_step(record, hosts.key, step.name, "failed", False, self.actor, error)
                return False
        if result.ok:
            self.store.end_step(record, hosts.key, step.name, step.after, True, self.actor)
            return True
        detail = (
            f"{result.status} rc={result.rc}"
            + (f" at task '{result.failed_task}'" if result.failed_task else "")
            + (f": {result.message}" if result.message else "")
        )
        self.store.end_step(record, hosts.key, step.name, "failed", False, self.actor, detail)
        return False


__all__ = ["STEPS", "ExecuteError", "Outcome", "WaveExecutor", "record_name"]
