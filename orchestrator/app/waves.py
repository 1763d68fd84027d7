"""Waves and runs: asked for from the browser or the console, checked here, queued in the store, carried out by a worker (`govmig worker`).

The web never runs a playbook itself, so any replica can take the request and the run goes on when that replica
is gone. What can be refused at once is refused before anything is queued: a wave the tree has no playbook for,
a wave another runner holds (its lease), the same work queued already, a decommissioning its department has not
accepted, a finished wave asked again without `rerun`. What cannot be undone (decommission, retire, a rollback
discarding the target's writes) is only asked here, and queued once a second person approves it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..contracts import SystemState
from ..execute import WaveExecutor
from ..preflight import Preflight
from ..store import Asked, Job, Queued, RunQueue
from .asking import ask
from .irreversible import admissible
from .plans import Plans
from .preflight import run_preflight
from .tree_files import Written

if TYPE_CHECKING:
    from .site import Site


class Busy(Exception):
    pass


class Waves:
    def __init__(self, site: Site, plans: Plans) -> None:
        self.site, self.portfolio = site, plans
        self.queue = RunQueue(site.engine)
        self.approvals = site.accounts.approvals

    def active(self, record: str) -> bool:
        return self.queue.active(record) is not None

    def job(self, record: str) -> Job | None:
        """The unfinished job on `record`, if any: queued (waiting for a worker) or claimed (running)."""
        return self.queue.active(record)

    def render(self, actor: str) -> Written:
        counts = self.portfolio.view().portfolio.write(self.site.tree)
        self.site.store.audit(
            actor,
            "render",
            str(self.site.tree),
            "ok",
            f"written={counts.written} removed={counts.removed}",
        )
        return counts

    def _ask(
        self,
        kind: str,
        wave: str,
        actor: str,
        system: str | None = None,
        check: bool = False,
        rerun: bool = False,
    ) -> Job:
        executor = self.site.executor(actor)
        try:
            return ask(
                self.queue,
                executor,
                kind,
                wave,
                actor,
                system=system,
                check=check,
                rerun=rerun,
                preflight_max_age_hours=self.site.config.gates.preflight_max_age_hours,
            )
        except Queued as exc:
            raise Busy(exc.job.record) from None

    def run(self, wave: str, check: bool, actor: str, rerun: bool = False) -> str:
        """Queues the run (or the resumption: the store remembers every step) of the wave; its record name.
        A wave that the CLI or a worker runs already is refused (WaveBusy, 409) at once, and a finished one
        (WaveFinished, 409) unless `rerun` (audited)."""
        return self._ask("run", wave, actor, check=check, rerun=rerun).record

    def preflight(self, wave: str, actor: str) -> Preflight:
        """Preflights the wave on the site's tree, through the site's execution nodes (recorded, audited): what
        a real run of it needs first."""
        gates = self.site.config.gates
        return run_preflight(self.site.store, self.site.tree, wave, actor, gates.nodes, prober=gates.prober)

    def ask_irreversible(
        self,
        kind: str,
        wave: str,
        system: str,
        actor: str,
        channel: str = "web",
        tree: Path | None = None,
        observation_days: float | None = None,
        executor: WaveExecutor | None = None,
    ) -> Asked:
        """Records the ask for a second person (ApprovalRefused when the same waits already), having refused at
        once (ExecuteError) what could never run: the web's ask and the console's alike (`channel`, and the tree,
        observation period and executor the console was given; the site's by default)."""
        where = self.site.tree if tree is None else tree
        checked = self.site.executor(actor, where) if executor is None else executor
        admissible(checked, kind, wave, system)
        options = {
            "channel": channel,
            "tree": str(where.resolve()),  # approved from the console, it runs on the same tree
            "observation_days": self.site.observation_days if observation_days is None else observation_days,
        }
        return self.approvals.ask(kind, system, wave, actor, options)

    def carry_out(self, asked: Asked) -> Job:
        """Queues what a second person approved, exactly as an unapproved rollback is queued: the asker's work
        (the job's actor), checked again now (ExecuteError, Busy). A cutover's go is the wave's resume."""
        if asked.kind == "cutover_go":
            return self._ask("run", asked.wave, asked.asked_by)
        return self._ask(asked.kind, asked.wave, asked.asked_by, system=asked.system)

    def pause(self, record: str, actor: str) -> bool:
        """Asks the worker running `record` to pause after its running steps (a queued run is then skipped)."""
        return self.queue.ask_pause(record, actor)

    def rollback(self, wave: str, system: str, actor: str) -> None:
        self._ask("rollback", wave, actor, system=system)

    def join(self, timeout: float) -> bool:
        """Waits (bounded) until nothing is queued or running: tests and a graceful shutdown. Whether it is so."""
        deadline = time.monotonic() + timeout
        while self.queue.pending():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def migrated(self) -> set[str]:
        """Systems a real (not check-mode) wave run has finished moving: what the monitor watches by default."""
        store = self.site.store
        return {
            s.system
            for w in store.waves()
            if not w.check_mode
            for s in store.systems(w.wave)
            if s.state == SystemState.done
        }
