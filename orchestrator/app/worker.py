"""The worker (`govmig worker`): carries out the runs the web and the CLI queue, so no web replica ever runs a
playbook, and a wave goes on whichever replica asked for it and whatever happens to that replica.

A worker claims the oldest job of its tree, keeps the claim alive with a heartbeat, and hands what the job asks
(a pause, or the discovery that another worker took it over) to the executor, which stops after the running
steps. A worker that dies leaves its job claimed and quiet: the next worker takes it over and runs it again,
and the executor resumes from the step log (every finished step stays finished). The wave's own lease still
guards the wave itself, so a CLI `govmig run` and a queued run never go side by side.

A worker that was frozen (SIGSTOP, a paused VM, a partition) past its staleness and woke up after another took its
job over is fenced: its heartbeat finds the claim gone, its run's writes are refused by the wave's fencing token
(store/fences.py), and it stops that job where it is, writing nothing (not even the job's end), says so once in
Chinese and English, and goes on serving.

A store that goes away for a moment is waited for: the run's own calls retry (store/patience.py) up to the run's
bound; past it the run stops at its recorded steps, and the worker waits for the store, records the pause (an
audit entry, the job queued again with why) and claims the job back at once, not after `--stale-after`. An
outage is said in Chinese and English, without a traceback, and never ends a job `failed`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..contracts import JobKind, WaveState
from ..execute import ExecuteError, Outcome, WaveBusy, WaveExecutor, gone_here
from ..store import (
    Engine,
    Fenced,
    Job,
    RunQueue,
    Store,
    StoreFailure,
    StoreGone,
    WorkerBeats,
    describe_failure,
    unreachable,
)
from .preflight import MAX_AGE_HOURS, PreflightMissing, gate_start
from .scheduled_verify import Verifier, carry_out_verify, default_verifier, schedule_verifies

ExecutorFactory = Callable[[Store, Path, str], WaveExecutor]
LOG = logging.getLogger("govmig.worker")


class Held(Protocol):
    """What a job's heartbeat tells of a takeover (`fence`) or a pause asked (`pause`): the executor, or nothing
    for a verification (it only reads: taken over, it is simply run again)."""

    def fence(self) -> None: ...

    def pause(self) -> None: ...


class _Reading:
    def fence(self) -> None:
        pass

    def pause(self) -> None:
        pass


def worker_name() -> str:
    """host:pid:random, so a takeover can tell a dead local worker at once and the audit says who ran what."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def gone(name: str) -> bool:
    host, _, rest = name.partition(":")
    pid = rest.partition(":")[0]
    return pid.isdigit() and gone_here(host, int(pid))


def _act(executor: WaveExecutor, job: Job) -> Outcome:
    """What the job asks of the executor."""
    if job.kind == JobKind.run:
        return executor.run(job.wave, job.check)
    if job.kind in (JobKind.rollback, JobKind.rollback_discard):
        discard = job.kind == JobKind.rollback_discard  # approved by a second person (store/approvals.py)
        return executor.rollback(job.wave, str(job.system), discard_target_writes=discard)
    if job.kind == JobKind.retire:
        return executor.retire(str(job.system))
    return executor.decommission(job.wave, str(job.system))


class Worker:
    def __init__(
        self,
        engine: Engine,
        tree: Path,
        executor: ExecutorFactory,
        *,
        name: str | None = None,
        heartbeat: float = 5.0,
        stale_after: float = 30.0,
        poll: float = 1.0,
        preflight_max_age_hours: float = MAX_AGE_HOURS,
        verify_every_hours: float | None = None,
        verify: Verifier | None = None,
        schedule_every: float = 60.0,
    ) -> None:
        self.engine, self.tree, self.executor = engine, tree.resolve(), executor
        self.queue, self.store = RunQueue(engine), Store(engine)
        self.beats = WorkerBeats(engine)
        self.name = name or worker_name()
        self.heartbeat, self.stale_after, self.poll = heartbeat, stale_after, poll
        self.preflight_max_age_hours = preflight_max_age_hours
        self.verify_every_hours, self.schedule_every = verify_every_hours, schedule_every
        """The site's schedule of warm verifications (None: none), looked at every `schedule_every` seconds."""
        self.verify: Verifier = verify or default_verifier()
        self._looked = float("-inf")
        self.on_finished: Callable[[Job], None] = lambda _: None
        self._current: WaveExecutor | None = None
        self._stopping = False
        self._again = False
        """A job was put back after an outage: claim again at once."""
        self._said_down = False
        self._grace_until = 0.0
        """Until then (monotonic) takes over no other worker's job: the store was just back, nobody could beat."""

    def pause_current(self) -> None:
        """The running job pauses after its running steps (a stopping worker); it is then claimed again."""
        self._stopping = True
        current = self._current
        if current is not None:
            current.pause()

    def once(self) -> Job | None:
        """Claims one job and carries it out; the job as it ended, or None when there was nothing to do."""
        take_over = time.monotonic() >= self._grace_until
        job = self.queue.claim(self.name, str(self.tree), self.stale_after, gone, take_over=take_over)
        if job is None:
            return None
        try:
            status, detail = self._verify(job) if job.kind == JobKind.verify else self._carry_out(job)
        except Fenced as fenced:  # another worker has the job: its end is that worker's to write
            LOG.warning("%s\n%s", fenced.zh, fenced.en)
            return None
        except StoreGone as outage:
            LOG.warning("%s\n%s", outage.zh, outage.en)
            self._put_back(job, outage)
            return None
        self._when_back(lambda: self.queue.finish(job.id, self.name, status, detail, token=job.claims))
        ended = self.queue.get(job.id)
        if ended is not None:
            self.on_finished(ended)
        return ended

    def serve(self, stop: threading.Event, jobs: int | None = None) -> int:
        """Claims and carries out jobs until `stop` (or `jobs` of them); how many it carried out."""
        done, beaten = 0, float("-inf")
        while not stop.is_set() and (jobs is None or done < jobs):
            try:
                if time.monotonic() - beaten >= self.heartbeat:  # alive, busy or idle (store/workers.py)
                    self.beats.beat(self.name, str(self.tree), self.heartbeat)
                    beaten = time.monotonic()
                self.schedule()
                finished = self.once()
                if self._said_down:  # back: the others beat again before anyone is taken over
                    self._grace_until = time.monotonic() + self.stale_after
                self._said_down = False
            except StoreFailure as exc:  # the store went away for a moment: the next poll tries again
                self._grace_until = float("inf")  # no takeovers until the others could beat again
                if not self._said_down:  # said once per outage, not once per poll
                    zh, en = describe_failure(exc) or ("状态库出错", "the store failed")
                    LOG.warning("执行器暂停领取任务：%s\nthe worker claims nothing for now: %s", zh, en)
                    self._said_down = True
                finished = None
            if finished is None and self._again:
                self._again = False
            elif finished is None:
                stop.wait(self.poll)
            else:
                done += 1
        with contextlib.suppress(StoreFailure):  # a store that is away: the beats simply stop
            self.beats.stopped(self.name)
        return done

    def schedule(self) -> list[Job]:
        """With the site's `verify_every_hours`, every `schedule_every` seconds: a `verify` job queued for each
        warm wave of the tree that had none within the period (app/scheduled_verify.py)."""
        if self.verify_every_hours is None or time.monotonic() - self._looked < self.schedule_every:
            return []
        self._looked = time.monotonic()
        return schedule_verifies(self.store, self.tree, self.verify_every_hours)

    def _carry_out(self, job: Job) -> tuple[str, str]:
        if job.pause:  # paused before any worker got to it: nothing runs
            return "cancelled", "paused before it started"
        if job.kind == JobKind.run:  # checked again now: the preflight may have aged since it was queued
            try:
                gate_start(
                    self.store, Path(job.tree), job.wave, job.check, job.actor, self.preflight_max_age_hours
                )
            except PreflightMissing as exc:
                return "failed", f"{exc.zh} / {exc.en}"
        executor = self._current = self.executor(self.store, Path(job.tree), job.actor)
        quit_beating = threading.Event()
        beats = threading.Thread(target=self._beat, args=(job, executor, quit_beating), daemon=True)
        beats.start()
        try:
            outcome = _act(executor, job)
            if (
                outcome.status == WaveState.paused and self._stopping
            ):  # not asked for: the next worker resumes it
                return "queued", "the worker stopped; resumed by the next"
            return "done", outcome.status
        except WaveBusy as exc:
            if (
                job.claims > 1
            ):  # taken over: the dead holder's wave lease is not stale yet; claimed again later
                return "queued", exc.en
            self.store.audit(job.actor, "wave.refused", job.record, "refused", exc.en)
            return "refused", exc.en
        except ExecuteError as exc:
            self.store.audit(job.actor, "wave.refused", job.record, "refused", exc.en)
            return "refused", exc.en
        except (Fenced, StoreGone):
            raise
        except StoreFailure as exc:
            if unreachable(exc):  # out of reach outside the run's own patience (a read before it began)
                raise StoreGone(0.0, exc) from None
            zh, en = describe_failure(exc) or ("状态库出错", "the store failed")
            LOG.warning("任务 %s 失败：%s\njob %s failed: %s", job.id, zh, job.id, en)
            return "failed", en
        except Exception as exc:  # a bug or the world failing: the job says so; the step log keeps the state
            LOG.exception("job %s failed", job.id)
            return "failed", f"{type(exc).__name__}: {exc}"
        finally:
            self._current = None
            quit_beating.set()
            beats.join(self.heartbeat + 5)

    def _verify(self, job: Job) -> tuple[str, str]:
        """A warm verification (read only), its claim kept alive by the heartbeat like a run's."""
        quit_beating = threading.Event()
        beats = threading.Thread(target=self._beat, args=(job, _Reading(), quit_beating), daemon=True)
        beats.start()
        try:
            return carry_out_verify(self.verify, self.store, job)
        except (Fenced, StoreGone):
            raise
        except StoreFailure as exc:
            if unreachable(exc):
                raise StoreGone(0.0, exc) from None
            zh, en = describe_failure(exc) or ("状态库出错", "the store failed")
            return "failed", f"{zh} / {en}"
        except (
            ExecuteError
        ) as exc:  # the tree cannot be read as a wave's (its inventory gone): said, not raised
            return "refused", f"{exc.zh} / {exc.en}"
        except Exception as exc:  # a bug or the world failing: the job says so
            LOG.exception("job %s failed", job.id)
            return "failed", f"{type(exc).__name__}: {exc}"
        finally:
            quit_beating.set()
            beats.join(self.heartbeat + 5)

    def _when_back(self, op: Callable[[], object], stop: threading.Event | None = None) -> None:
        """`op()`, once the store answers (tried again with backoff, at most 5 s apart; the wait said once)."""
        wait, said = 0.2, False
        while True:
            try:
                op()
                if said:
                    LOG.warning("状态库已恢复\nthe store is back")
                return
            except StoreFailure as exc:
                if not unreachable(exc):
                    raise
                if not said:
                    zh, en = describe_failure(exc) or ("状态库出错", "the store failed")
                    LOG.warning("等待状态库恢复：%s\nwaiting for the store: %s", zh, en)
                    said = True
            if stop is not None and stop.is_set():
                return
            time.sleep(wait)
            wait = min(wait * 2, 5.0)

    def _put_back(self, job: Job, outage: StoreGone) -> None:
        """After an outage past the run's bound: the pause recorded once the store is back, and the job queued
        again and claimed back at once (by this worker's next poll, or any other's)."""

        def record() -> None:
            if self.queue.finish(job.id, self.name, "queued", outage.en, token=job.claims):
                self.store.audit(job.actor, "wave.outage", job.record, "paused", outage.en)

        self._when_back(record)
        self._again = True

    def _beat(self, job: Job, executor: Held, stop: threading.Event) -> None:
        while not stop.wait(self.heartbeat):
            try:
                mine, pause = self.queue.beat(job.id, self.name, token=job.claims)
            except StoreFailure:
                continue
            if not mine:  # taken over: another worker runs it now
                executor.fence()
                return
            if pause:
                executor.pause()
