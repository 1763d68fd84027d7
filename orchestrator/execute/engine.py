"""The executor's face: one wave run, its way back, a decommission and a retirement, each under the wave's lease.

`WaveExecutor` is built from its ports and its settings (execute/config.py) and told to pause or abort by command
(the CLI's Ctrl-C, a stopping worker) or fenced (a lost lease, a lost queue claim). What it runs is the loop's
(execute/loop/wave.py), what the loop decides is the machine's (execute/machine/). Check-mode runs are recorded under
"WAVE@check" so they never touch the real state.

Everything a run writes goes through the store fenced with the lease's token (store/fences.py): once another runner
took the wave over, the first write refused raises `Fenced` and the run stops where it is: its own playbook is
cancelled, nothing more is written, nothing rolled back, and `Fenced` reaches the caller (the worker says so once).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..contracts import SystemState
from ..store import Fence, Fenced, Patience, RunLog, StoreGone, utcnow
from .acceptance import may_decommission
from .config import Ports, RunConfig
from .errors import ExecuteError
from .loop.batch import Context
from .loop.cluster import ClusterSteps
from .loop.controls import Controls, Progress
from .loop.lease import WaveLock, Window, log_notify
from .loop.record import Record
from .loop.wave import CONFIRM, WaveRun
from .machine.states import DECOMMISSION, DONE, PENDING, RETIRE, Step
from .machine.wave import in_window
from .ports.inventory import SystemHosts
from .ports.rendered import RenderedTree, WaveFiles


@dataclass
class Outcome:
    wave: str
    status: str
    states: dict[str, str] = field(default_factory=dict)


RETIRE_RECORD = "retire"
"""Retirements are recorded, and their playbook and inventory rendered, under this name (render/retire.py)."""


def record_name(wave: str, check: bool) -> str:
    return f"{wave}@check" if check else wave


class WaveExecutor:
    def __init__(self, ports: Ports, config: RunConfig) -> None:
        self.ports, self.config = ports, config
        self.rendered = RenderedTree(config.tree)
        self.controls = Controls()
        self.leases = ports.store.leases()
        self._log: RunLog = ports.store
        """What the run in hand writes to: the store fenced with its lease's token."""
        self._fence: Fence | None = None
        self._context = Context(
            store=ports.store,
            runner=ports.runner,
            tree=self.rendered,
            actor=config.actor,
            controls=self.controls,
            cluster=ClusterSteps(ports.store, ports.applier, self.rendered.root, config.actor),
            gates=(
                ("go/no-go", ports.go, lambda m: m.key),
                ("health gate", ports.gate, lambda m: m.health_url),
                ("monitor", ports.watch, lambda m: m.key),
            ),
            # `concurrency` systems at once: a play reaches at most two hosts of a system (a source and a target)
            forks=2 * max(1, config.concurrency),
            go=ports.go,
        )

    # what the executor is told from outside, from any thread

    def pause(self) -> None:
        """The running steps finish, no new step starts (the first Ctrl-C, a stopping worker, a lost lease)."""
        self.controls.pause()

    def abort(self) -> None:
        """Pauses and cancels the running playbooks (the second Ctrl-C)."""
        self.controls.abort()

    def fence(self) -> None:
        """Another runner holds the wave now (its lease or its queue claim was taken over): the run cancels its own
        playbooks and writes nothing more, not even a failure or a rollback."""
        fence = self._fence
        if fence is not None:
            fence.revoke()
        self.controls.fence()

    def follow(self, progress: Progress | None) -> None:
        """Every event of the runs, by system and step, goes to `progress` too."""
        self.controls.follow(progress)

    # what it reads

    @property
    def store(self) -> RunLog:
        return self.ports.store

    @property
    def tree(self) -> Path:
        """The rendered tree, absolute."""
        return self.rendered.root

    @property
    def actor(self) -> str:
        return self.config.actor

    def files(self, wave: str) -> WaveFiles:
        """The wave's playbook, inventory and roles; ExecuteError when the tree has none (not rendered)."""
        return self.rendered.files(wave)

    def hosts_of(self, wave: str, system: str) -> SystemHosts:
        """A system's hosts in the wave's inventory; ExecuteError when the wave has no such system."""
        return self.rendered.hosts_of(wave, system)

    def lease(self, record: str) -> WaveLock:
        """The lease on a wave record (not yet taken): a run holds it throughout; losing it pauses the run."""
        return WaveLock(
            self.leases,
            record,
            self.config.actor,
            heartbeat=self.config.lease_heartbeat,
            stale_after=self.config.lease_stale_after,
            on_lost=self.fence,
            window=Window(
                heartbeat=min(self.config.window_heartbeat, self.config.lease_heartbeat),
                stale_after=min(self.config.window_stale_after, self.config.lease_stale_after),
                unreachable=self.config.window_unreachable,
                inside=lambda: in_window(
                    (s.state, s.step, s.step_status) for s in self.ports.store.systems(record)
                ),
                notify=self.ports.notify or log_notify,
                recorded=lambda _zh, en: self.ports.store.audit(
                    self.actor, "wave.window_unreachable", record, "recorded", en
                ),
            ),
        )

    def patience(self) -> Patience:
        """How the run waits for its store: up to `store_outage` seconds, then it pauses (StoreGone)."""
        return Patience(bound=self.config.store_outage)

    @contextmanager
    def _holding(self, lease: WaveLock | None, record: str) -> Iterator[RunLog]:
        """Holds the record's lease (the caller's, or one taken here) and writes through its fence meanwhile."""
        with lease or self.lease(record) as lock:
            fence = lock.fence
            self._fence = fence
            log = self.ports.store.fenced(fence) if fence is not None else self.ports.store
            self._log = log.patient(self.patience())
            if fence is not None and self.controls.fenced:
                fence.revoke()
            try:
                yield self._log
            except Fenced:
                self.controls.fence()
                raise
            except StoreGone:  # nothing can be recorded: the playbook stops, each system at its recorded step
                self.controls.abort()
                raise
            finally:
                self._log, self._fence = self.ports.store, None

    # what it does, each under the record's lease: `lease` when the caller took it already (the web takes it
    # before answering), else one taken here; a held lease raises WaveBusy and nothing runs

    def run(
        self, wave: str, check: bool = False, only: str | None = None, lease: WaveLock | None = None
    ) -> Outcome:
        """Runs (or resumes) the wave."""
        name = record_name(wave, check)
        with self._holding(lease, name) as log:
            hosts = self.rendered.systems(wave)
            if only is not None:
                hosts = {only: self.hosts_of(wave, only)}
            self._open(name, list(hosts), check, self.config.failure_budget)
            run = self._run(name, wave, check)
            status = run.move(list(hosts.values()))
            states = run.states()
            log.set_wave(name, status, self.actor, f"states={sorted(set(states.values()))}")
        return Outcome(name, status, states)

    def rollback(
        self, wave: str, system: str, lease: WaveLock | None = None, discard_target_writes: bool = False
    ) -> Outcome:
        """Rolls one system back whatever its state (the operator's way back after a cutover, too), never while
        the wave itself runs."""
        with self._holding(lease, wave):
            found = self.hosts_of(wave, system)
            self._open(wave, [system], False, self.config.failure_budget)
            if self.store.system(wave, system).state == DECOMMISSION.after:
                raise ExecuteError(
                    f"{system} 的源系统已下线：不能再回退",
                    f"the source of {system} was decommissioned: there is no way back any more",
                )
            ok = self._run(wave, wave, False).roll_back([found], discard_target_writes)[system]
        return Outcome(
            wave,
            SystemState.rolled_back if ok else SystemState.failed,
            {system: self.store.system(wave, system).state},
        )

    def may_decommission(self, wave: str, system: str) -> SystemHosts:
        """Refuses (ExecuteError) unless the system is cut over in the wave and its department accepted it (and
        the observation period passed): the check the web makes before it starts the step in the background."""
        found = self.hosts_of(wave, system)
        state = self.store.system(wave, system).state if self.store.systems(wave) else PENDING
        if state != DONE:
            raise ExecuteError(
                f"{system} 尚未切换完成（状态 {state}），不能下线源系统",
                f"{system} is not cut over (state {state}): its source cannot be decommissioned",
            )
        may_decommission(self.store, system, wave, utcnow(), self.config.observation)
        return found

    def decommission(self, wave: str, system: str, lease: WaveLock | None = None) -> Outcome:
        """Stops and marks the source of a system that was cut over: a later step than the wave, refused until the
        department accepted the move (execute/acceptance.py). Rollback is gone afterwards."""
        with self._holding(lease, wave):
            host = self.may_decommission(wave, system)
            ok = self.step(wave, host, DECOMMISSION)
        return Outcome(
            wave,
            SystemState.decommissioned if ok else SystemState.failed,
            {system: self.store.system(wave, system).state},
        )

    def retire(self, system: str, lease: WaveLock | None = None) -> Outcome:
        """Retires a zombie (its decision `retire`, so it is in the rendered retirement inventory): the data
        archived, the service stopped and marked, the system off its front end. A database govmig cannot dump
        must be archived by hand and confirmed first (`govmig confirm retire DEPT/ID`)."""
        with self._holding(lease, RETIRE_RECORD) as log:
            hosts = self.rendered.systems(RETIRE_RECORD)
            if system not in hosts:
                raise ExecuteError(
                    f"{system} 的决定不是清理（retire），不能清理；只有僵尸系统才清理",
                    f"{system} is not decided retire: only a zombie is retired",
                )
            self._open(RETIRE_RECORD, [system], False, 0)
            if self.store.system(RETIRE_RECORD, system).state == RETIRE.after:
                raise ExecuteError(f"{system} 已清理", f"{system} was retired already")
            run = self._run(RETIRE_RECORD, RETIRE_RECORD, False)
            manual = [str(c.get("name")) for c in hosts[system].checkpoints]
            if manual and not run.confirmed(system):
                raise ExecuteError(
                    f"先手工归档 {', '.join(manual)}，再 govmig confirm retire {system} --note …",
                    f"archive {', '.join(manual)} by hand first, then govmig confirm retire {system} --note …",
                )
            ok = run.step(hosts[system], RETIRE)
            if ok:
                log.audit(
                    self.actor, "system.retire", system, "retired", "archived, stopped, off its front end"
                )
        return Outcome(
            RETIRE_RECORD,
            SystemState.retired if ok else SystemState.failed,
            {system: self.store.system(RETIRE_RECORD, system).state},
        )

    def confirm(self, wave: str, system: str, note: str) -> None:
        """The operator's word that a checkpoint's work is done (a manual export and import, an offline
        transfer): audited, and the wave's next run goes past it."""
        self.store.audit(self.actor, CONFIRM, f"{wave}/{system}", "confirmed", note)

    def step(self, wave: str, hosts: SystemHosts, step: Step) -> bool:
        """One step of one system in the wave's record, outside a run (a decommission, a benchmark's window)."""
        return self._run(wave, wave, False).step(hosts, step)

    def _open(self, record: str, systems: list[str], check: bool, failure_budget: int) -> None:
        self._log.open_wave(record, systems, str(self.tree), check, failure_budget, self.actor)

    def _run(self, record: str, wave: str, check: bool) -> WaveRun:
        log = self._log
        context = self._context
        if log is not self.ports.store:  # the run's writes, the cluster's record of its changes too, fenced
            cluster = ClusterSteps(log, self.ports.applier, self.rendered.root, self.config.actor)
            context = replace(context, store=log, cluster=cluster)
        token = self._fence.token if self._fence is not None else None
        return WaveRun(
            context, Record.of(self.rendered, record, wave, check, token), self.config.failure_budget
        )


__all__ = ["Outcome", "Ports", "RunConfig", "WaveExecutor", "record_name"]
