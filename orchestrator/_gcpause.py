"""The cyclic garbage collector paused for the length of a burst of short-lived objects (a monitoring cycle, a plan's
parse)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PausedGC:
    """A cycle at 10,000 systems makes some 200,000 short-lived containers (the parsed answers, the rows): the
    cyclic collector would walk the whole heap several times over them, a third of the cycle, to find no cycle
    (reference counting frees them). It is paused for the cycle and resumed after if it was on; concurrent
    cycles (two monitors in one process) share one pause."""

    def __init__(self) -> None:
        self.lock, self.holders, self.resume = threading.Lock(), 0, False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.holders == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.holders += 1
        try:
            yield
        finally:
            with self.lock:
                self.holders -= 1
                if self.holders == 0 and self.resume:
                    gc.enable()


paused_gc = PausedGC()
