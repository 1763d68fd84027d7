"""One run per wave: the lease a run holds on its wave record for as long as it runs, with a heartbeat.

A second `run`, a `resume` or a web-started run of a running wave is refused with who runs it since when. After
a crash the lease is taken over: at once when its holder was a process on this machine that no longer exists
(kill -9, then `resume`), otherwise once its heartbeat is older than `stale_after`. A holder whose lease was taken
over finds out at its next heartbeat and is fenced (`on_lost`); every take and takeover raises the record's fencing
token (store/fences.py), and the run writes through it, so a holder that woke up after a takeover (frozen, cut off
from the store) has every write refused even before its heartbeat tells it: two runners never go on side by side.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType

from ...store import Fence, Holder, LeaseBook
from ..errors import WaveBusy


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
    ) -> None:
        self.leases, self.record, self.actor = leases, record, actor
        self.heartbeat, self.stale_after, self.on_lost = heartbeat, stale_after, on_lost
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
        return gone_here(holder.host, holder.pid) or age > timedelta(seconds=self.stale_after)

    def check_free(self) -> None:
        """Raises WaveBusy when a live runner holds the record: what a request to run it is told at once, before
        the work is queued."""
        holder = self.leases.holder(self.record)
        if holder is not None and holder.owner != self.owner and not self._stale(holder):
            raise busy(holder, self.record)

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                alive = self.leases.beat(self.record, self.owner)
            except Exception:  # a store hiccup is not a lost lease; the next beat tries again
                continue
            if not alive:
                self.held = False
                if self.fence is not None:
                    self.fence.revoke()
                self.on_lost()
                return

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.heartbeat + 5)
        if self.held:
            self.leases.release(self.record, self.owner)
            self.held = False

    def __enter__(self) -> WaveLock:
        return self.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()
