"""Waiting for a store that went away for a moment: a run's store calls retry on connection errors with bounded
backoff, so a restart of PostgreSQL (half a second, a minute) costs the run the outage and no more.

`Patience` is the policy and the run's shared memory of the outage: a call that cannot reach the store tries
again (0.1 s, doubling, at most 2 s apart) until the store answers or the outage has lasted `bound` seconds; then
it raises `StoreGone`, and so does every call of the run after it at its first failure, so a run whose store is
gone stops within the bound once, not once per call. Only connection errors are retried (the driver's
OperationalError and InterfaceError, a connection the pool found dead); a refusal (Fenced), a constraint, a full
disk are not. A write whose commit may have landed before its connection died is made idempotent by its caller
(store/repo.py: a step begun or ended is found by the time it was written at).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

T = TypeVar("T")

FIRST, MOST = 0.1, 2.0
"""The first wait and the longest between two tries (seconds)."""


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` is the store being out of reach (worth waiting for), not a refusal or a bug."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (OperationalError, InterfaceError)):
        message = str(getattr(exc, "orig", None) or exc).lower()
        # a full disk, a read-only file or a corrupt one are not waited for: they will not pass by themselves
        return not any(
            n in message for n in ("disk", "full", "readonly", "read-only", "corrupt", "malformed")
        )
    return False


class StoreGone(Exception):
    """The store stayed out of reach longer than the run's bound: the run stops where it is (each system at a
    recorded step) and is resumed once the store is back."""

    def __init__(self, seconds: float, cause: BaseException | None = None) -> None:
        said = str(getattr(cause, "orig", None) or cause or "").splitlines()
        why = said[0][:160] if said else ""
        self.seconds = seconds
        self.zh = (
            f"状态库已 {seconds:.0f} 秒无法连接（{why}）：运行在此暂停，每个系统停在已记录的步骤，"
            "状态库恢复后自动继续"
        )
        self.en = (
            f"the store has been out of reach for {seconds:.0f} s ({why}): the run pauses here, each system at "
            "a recorded step, and resumes by itself once the store is back"
        )
        super().__init__(self.en)


@dataclass
class Patience:
    bound: float = 60.0
    """Seconds a run waits for its store before it pauses (StoreGone)."""
    on_outage: Callable[[float], None] = lambda _seconds: None
    """Told once per outage, after its first failed try (the window guard listens)."""
    on_back: Callable[[float], None] = lambda _seconds: None
    """Told when the store answers again after an outage, with how long it lasted."""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _since: float | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @property
    def out_since(self) -> float | None:
        """When (monotonic) the store stopped answering, while it does not; else None."""
        return self._since

    def call(self, op: Callable[[], T], retry: Callable[[], T] | None = None) -> T:
        """`op()`, tried again while the store is out of reach; `retry` (default `op`) is what later tries call
        (a write that checks first whether its first try landed)."""
        wait, attempt = FIRST, op
        while True:
            try:
                result = attempt()
            except Exception as exc:
                if not unreachable(exc):
                    raise
                out = self._out()
                if out > self.bound:
                    raise StoreGone(out, exc) from None
                self.sleep(min(wait, max(0.0, self.bound - out) + 0.01))
                wait, attempt = min(wait * 2, MOST), retry or op
                continue
            self._in()
            return result

    def _out(self) -> float:
        now = self.clock()
        with self._lock:
            first = self._since is None
            if first:
                self._since = now
            since = self._since
        assert since is not None
        if first:
            self.on_outage(0.0)
        return now - since

    def _in(self) -> None:
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            self.on_back(self.clock() - since)
