"""One run per wave: the lease a run holds on its wave record for as long as it runs, with a heartbeat.

A second `run`, a `resume` or a web-started run of a running wave is refused with who runs it since when. After
a crash the lease is taken over: at once when its holder was a process on this machine that no longer exists
(kill -9, then `resume`), otherwise once its heartbeat is older than `stale_after`. A holder whose lease was taken
over finds out at its next heartbeat and is fenced (`on_lost`); every take and takeover raises the record's fencing
token (store/fences.py), and the run writes through it, so a holder that woke up after a takeover (frozen, cut off
from the store) has every write refused even before its heartbeat tells it: two runners never go on side by side.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType

from ...store import Fence, Holder, LeaseBook
from ..errors import WaveBusy

LOG = logging.getLogger("govmig.execute")

Notify = Callable[[str, str, str], None]
"""(record, zh, en): how a loud word reaches people. The log by default; issue 40's notifications plug in here."""


def log_notify(record: str, zh: str, en: str) -> None:
    LOG.error("批次 %s：%s\nwave %s: %s", record, zh, record, en)


@dataclass(frozen=True)
class Window:
    """How a lease is kept while its wave is in its window (sources quiesced): a dead holder costs the window
    `stale_after` seconds of downtime, so beats are more frequent and a taker may step in sooner; a holder cut
    off from its store for `unreachable` seconds in the window says so loudly (`notify`) and records it once
    the store is back (`recorded`)."""

    heartbeat: float = 1.0
    stale_after: float = 10.0
    unreachable: float = 5.0
    inside: Callable[[], bool] = lambda: False
    """Whether the wave is in its window now (a store read: asked at each beat)."""
    notify: Notify = log_notify
    recorded: Callable[[str, str], None] = lambda _zh, _en: None
    """Writes the loud word to the store once it answers again (an audit entry)."""


def gone_here(host: str, pid: int) -> bool:
    """Whether `host` is this machine and no process `pid` lives on it: a holder known dead at once."""
    if host != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def busy(holder: Holder, record: str) -> WaveBusy:
    since = holder.acquired_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return WaveBusy(
        f"批次 {record} 正在运行：{holder.actor}@{holder.host}（进程 {holder.pid}）自 {since} 起持有，"
        "请等待其结束或暂停后再试",
        f"wave {record} is running: held by {holder.actor}@{holder.host} (pid {holder.pid}) "
        f"since {since}; wait for it to finish or pause it first",
    )


class WaveLock:
    def __init__(
        self,
        leases: LeaseBook,
        record: str,
        actor: str,
        *,
        heartbeat: float = 5.0,
        stale_after: float = 30.0,
        on_lost: Callable[[], None] = lambda: None,
        window: Window | None = None,
    ) -> None:
        self.leases, self.record, self.actor = leases, record, actor
        self.heartbeat, self.stale_after, self.on_lost = heartbeat, stale_after, on_lost
        self.window = window
        self.owner, self.host, self.pid = uuid.uuid4().hex, socket.gethostname(), os.getpid()
        self.held = False
        self.fence: Fence | None = None
        """The fencing token this lock holds the record with, once acquired."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> WaveLock:
        if self.held:
            return self
        holder = self.leases.claim(self.record, self.owner, self.actor, self.host, self.pid)
        if holder is not None and self._stale(holder):
            if not self.leases.take_over(self.record, self.owner, self.actor, self.host, self.pid, holder):
                holder = self.leases.holder(self.record) or holder
            else:
                holder = None
        if holder is not None:
            raise busy(holder, self.record)
        mine = self.leases.holder(self.record)
        if mine is None or mine.owner != self.owner:  # taken over (or let go) between our take and our look
            if mine is not None:
                raise busy(mine, self.record)
            raise WaveBusy(
                f"批次 {self.record} 的租约刚被释放，请重试",
                f"wave {self.record}'s lease was just let go; try again",
            )
        self.fence = mine.fence()
        self.held = True
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name=f"govmig-lease-{self.record}", daemon=True)
        self._thread.start()
        return self

    def _stale(self, holder: Holder) -> bool:
        age = self.leases.clock() - holder.heartbeat_at
        limit = min(self.stale_after, holder.stale_after or self.stale_after)  # shorter in its window
        return gone_here(holder.host, holder.pid) or age > timedelta(seconds=limit)

    def check_free(self) -> None:
        """Raises WaveBusy when a live runner holds the record: what a request to run it is told at once, before
        the work is queued."""
        holder = self.leases.holder(self.record)
        if holder is not None and holder.owner != self.owner and not self._stale(holder):
            raise busy(holder, self.record)

    def _beat(self) -> None:
        interval, inside, last_ok, loud = self.heartbeat, False, time.monotonic(), ""
        while not self._stop.wait(interval):
            try:
                inside = self.window is not None and self.window.inside()
                ask = self.window.stale_after if self.window is not None and inside else self.stale_after
                alive = self.leases.beat(self.record, self.owner, ask)
            except Exception:  # a store hiccup is not a lost lease; the next beat tries again
                quiet = time.monotonic() - last_ok
                if self.window is not None and inside and not loud and quiet > self.window.unreachable:
                    loud = self._cut_off(quiet)
                continue
            if loud:
                self._back(loud, time.monotonic() - last_ok)
                loud = ""
            last_ok = time.monotonic()
            interval = self.window.heartbeat if self.window is not None and inside else self.heartbeat
            if not alive:
                self.held = False
                if self.fence is not None:
                    self.fence.revoke()
                self.on_lost()
                return

    def _cut_off(self, quiet: float) -> str:
        assert self.window is not None
        zh = (
            f"窗口期内（源系统已停写）执行器已 {quiet:.0f} 秒无法连接状态库：租约无法续期，"
            "如超过接管时限将由其他执行器接管；请立即检查状态库与网络"
        )
        en = (
            f"in the window (sources quiesced) the runner has not reached its store for {quiet:.0f} s: its lease "
            "cannot be renewed and will be taken over past its limit; check the store and the network now"
        )
        self.window.notify(self.record, zh, en)
        return en

    def _back(self, said: str, quiet: float) -> None:
        assert self.window is not None
        try:
            self.window.recorded(
                f"状态库中断 {quiet:.1f} 秒（窗口期内）",
                f"store out of reach for {quiet:.1f} s in the window: {said}",
            )
        except Exception:  # recorded at the next outage's end at worst; the beat goes on
            return

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.heartbeat + 5)
        if self.held:
            self._let_go()
            self.held = False

    def _let_go(self) -> None:
        """Deletes the lease, waiting for a store out of reach up to `stale_after` (past it, anyone may take the
        lease over anyway): a run paused by an outage lets its wave go as soon as the store is back."""
        deadline = time.monotonic() + self.stale_after
        wait = 0.1
        while True:
            try:
                self.leases.release(self.record, self.owner)
                return
            except Exception:
                if time.monotonic() + wait > deadline:
                    return  # stale by now: its next runner takes it over
                time.sleep(wait)
                wait = min(wait * 2, 2.0)

    def __enter__(self) -> WaveLock:
        return self.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()
