"""The health gate before cutover: the target must answer its health URL, continuously, for a settable time.

The HTTP client is a seam (an httpx transport in tests); the loop is bounded in checks and in time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from ..machine.verdicts import GateResult

Judge = Callable[[str], GateResult]
"""A gate: its verdict on a subject (a health URL, a system's key)."""


class HealthGate:
    def __init__(
        self,
        hold_seconds: float = 30,
        interval: float = 2,
        timeout: float = 120,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.hold, self.interval, self.timeout = hold_seconds, interval, timeout
        self.client = client or httpx.Client(timeout=5)
        self.clock, self.sleep = clock, sleep

    def __call__(self, url: str) -> GateResult:
        start = self.clock()
        healthy_since: float | None = None
        checks = 0
        max_checks = int(self.timeout / max(self.interval, 0.01)) + 2
        last = "no check made"
        while checks < max_checks and self.clock() - start <= self.timeout:
            checks += 1
            try:
                status = self.client.get(url).status_code
                last = f"HTTP {status}"
            except httpx.HTTPError as exc:
                status, last = 0, type(exc).__name__
            now = self.clock()
            if 200 <= status < 300:
                healthy_since = healthy_since if healthy_since is not None else now
                if now - healthy_since >= self.hold:
                    return GateResult(True, checks, f"healthy for {now - healthy_since:.0f}s")
            else:
                healthy_since = None
            self.sleep(self.interval)
        return GateResult(
            False, checks, f"not healthy for {self.hold:.0f}s within {self.timeout:.0f}s (last: {last})"
        )
