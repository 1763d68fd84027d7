"""One monitoring clock across replicas: every `govmig monitor` (or `serve --monitor`) process ticks on its own
schedule, and only the holder of the clock's lease in the store runs the cycle, so two schedulers up still
collect once per interval. The holder renews the lease at every tick; when it dies, its heartbeat ages past
`stale_after` (three intervals by default) and the next process to tick takes the clock over (an UPDATE that
names the holder it replaces, so two cannot both take it) and goes on from the stored state.

APScheduler's own persistent job store cannot do this: its documentation warns that sharing one among processes
leads to duplicate or missed runs. Each process keeps its schedule in memory; the lease is what is shared.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from ..store import Holder, LeaseBook

CLOCK = "monitor-clock"
"""The lease's name (a row of wave_leases, beside the waves' own)."""


class MonitorClock:
    def __init__(self, leases: LeaseBook, stale_after: float, actor: str = "govmig-monitor") -> None:
        self.leases, self.stale_after, self.actor = leases, timedelta(seconds=stale_after), actor
        self.owner, self.host, self.pid = uuid.uuid4().hex, socket.gethostname(), os.getpid()

    def tick(self) -> bool:
        """Whether this process holds the clock now (and so runs this interval's cycle): renewed when held,
        taken when free, taken over when its holder's heartbeat is stale; False while another holder lives."""
        if self.leases.beat(CLOCK, self.owner):
            return True
        holder = self.leases.claim(CLOCK, self.owner, self.actor, self.host, self.pid)
        if holder is None:
            return True
        if self._stale(holder):
            return self.leases.take_over(CLOCK, self.owner, self.actor, self.host, self.pid, holder)
        return False

    def _stale(self, holder: Holder) -> bool:
        return self.leases.clock() - holder.heartbeat_at > self.stale_after

    def holder(self) -> Holder | None:
        return self.leases.holder(CLOCK)

    def release(self) -> None:
        """A clean stop hands the clock on at once (the next tick anywhere takes it)."""
        self.leases.release(CLOCK, self.owner)
