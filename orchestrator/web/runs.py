"""Waves started from the browser: each in a thread of this process, its state in the store as the CLI keeps it,
so `govmig status` and `govmig resume` see the same runs and a restarted server resumes nothing by surprise."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..app import Written
from ..execute import ExecuteError, WaveExecutor, WaveLock, record_name
from .context import Context
from .portfolio import Portfolio


class Busy(Exception):
    pass


@dataclass
class Active:
    thread: threading.Thread
    executor: WaveExecutor


class Runs:
    def __init__(self, ctx: Context, portfolio: Portfolio) -> None:
        self.ctx, self.portfolio = ctx, portfolio
        self._lock = threading.Lock()
        self._active: dict[str, Active] = {}

    def active(self, record: str) -> bool:
        with self._lock:
            a = self._active.get(record)
            return a is not None and a.thread.is_alive()

    def render(self, actor: str) -> Written:
        counts = self.portfolio.view().portfolio.write(self.ctx.config.tree)
        self.ctx.store.audit(
            actor,
            "render",
            str(self.ctx.config.tree),
            "ok",
            f"written={counts.written} removed={counts.removed}",
        )
        return counts

    def _executor(self, wave: str, actor: str) -> WaveExecutor:
        """A fresh executor, having refused at once a wave the tree has no playbook for."""
        executor = self.ctx.config.executor(self.ctx.store, self.ctx.config.tree, actor)
        executor.paths(wave)
        return executor

    def _start(
        self, record: str, actor: str, executor: WaveExecutor, work: Callable[[WaveExecutor], object]
    ) -> None:
        """Runs `work` in a thread of its own; one at a time per record."""
        with self._lock:
            current = self._active.get(record)
            if current is not None and current.thread.is_alive():
                raise Busy(record)

            def body() -> None:
                try:
                    work(executor)
                except ExecuteError as exc:
                    self.ctx.store.audit(actor, "wave.refused", record, "refused", exc.en)

            thread = threading.Thread(target=body, name=f"govmig-web-{record}", daemon=True)
            self._active[record] = Active(thread, executor)
            thread.start()

    def run(self, wave: str, check: bool, actor: str) -> str:
        """Starts (or resumes: the store remembers every step) the wave; returns its record name.

        The wave's lease is taken before the answer, so a wave that the CLI or another server runs is refused
        (WaveBusy, 409) instead of being reported started and then running twice."""
        record = record_name(wave, check)
        executor = self._executor(wave, actor)
        lease = executor.lease(record).acquire()
        try:
            self._start(record, actor, executor, lambda e: e.run(wave, check, lease=lease))
        except BaseException:
            lease.release()
            raise
        return record

    def pause(self, record: str, actor: str) -> bool:
        with self._lock:
            active = self._active.get(record)
        if active is None or not active.thread.is_alive():
            return False
        active.executor.pause.set()
        self.ctx.store.audit(actor, "wave.pause", record, "requested")
        return True

    def rollback(self, wave: str, system: str, actor: str) -> None:
        executor = self._executor(wave, actor)
        self._later(
            wave,
            f"{wave}:rollback:{system}",
            actor,
            executor,
            lambda e, lease: e.rollback(wave, system, lease=lease),
        )

    def decommission(self, wave: str, system: str, actor: str) -> None:
        """Decommissions a system's source in the background, having refused at once (ExecuteError) one not
        cut over, not accepted by its department, or in its observation period."""
        executor = self._executor(wave, actor)
        executor.may_decommission(wave, system)
        record = f"{wave}:decommission:{system}"
        self._later(wave, record, actor, executor, lambda e, lease: e.decommission(wave, system, lease=lease))

    def _later(
        self,
        wave: str,
        record: str,
        actor: str,
        executor: WaveExecutor,
        work: Callable[[WaveExecutor, WaveLock], object],
    ) -> None:
        """One system's later step, under the wave's lease taken before the answer (so a running wave refuses it)."""
        lease = executor.lease(wave).acquire()
        try:
            self._start(record, actor, executor, lambda e: work(e, lease))
        except BaseException:
            lease.release()
            raise

    def join(self, timeout: float) -> None:
        """Waits (bounded) for every running wave: tests and a graceful shutdown."""
        with self._lock:
            threads = [a.thread for a in self._active.values()]
        for t in threads:
            t.join(timeout)
