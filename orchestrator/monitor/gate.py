"""The monitor's word before cutover: the target's blackbox probe must have succeeded at every scrape of the hold
window, as Prometheus saw it. One instant query, bounded by the client's timeout; no data is not a pass.

The verdict is the monitor's own (`Held`); the application layer hands it to the executor as a cutover gate, so
the executor never imports the monitor or its Prometheus client.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..contracts import BY, HEALTH_JOB
from .collect import QueryClient
from .prometheus import QUERY_ERRORS


@dataclass(frozen=True)
class Held:
    ok: bool
    reason: str


class ProbeHeld:
    """Did the system's health probe succeed throughout the last `hold_seconds`, as Prometheus recorded it?"""

    def __init__(self, client: QueryClient, hold_seconds: float = 60) -> None:
        self.client, self.hold = client, max(1, int(hold_seconds))

    def __call__(self, system: str) -> Held:
        department, _, name = system.partition("/")
        query = (
            f'min by ({BY}) (min_over_time(probe_success{{job="{HEALTH_JOB}", '
            f'department="{department}", system="{name}"}}[{self.hold}s]))'
        )
        try:
            rows = self.client.custom_query(query)
        except QUERY_ERRORS as exc:
            return Held(False, f"Prometheus unreachable ({type(exc).__name__})")
        if not rows:
            return Held(False, f"no probe of {system} in Prometheus")
        value = float(rows[0]["value"][1])
        if math.isfinite(value) and value >= 1:
            return Held(True, f"probe succeeded throughout the last {self.hold}s")
        return Held(False, f"probe failed within the last {self.hold}s")
