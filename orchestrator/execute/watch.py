"""The monitor's word before cutover: the target's blackbox probe must have succeeded at every scrape of the hold
window, as Prometheus saw it. One instant query, bounded by the client's timeout; no data is not a pass."""

from __future__ import annotations

import math

import requests
from prometheus_api_client.exceptions import PrometheusApiClientException

from ..monitor.collect import QueryClient
from ..render.monitoring import HEALTH_JOB
from .health import GateResult


class PrometheusGate:
    def __init__(self, client: QueryClient, hold_seconds: float = 60) -> None:
        self.client, self.hold = client, max(1, int(hold_seconds))

    def __call__(self, system: str) -> GateResult:
        department, _, name = system.partition("/")
        query = (
            f'min by (department, system) (min_over_time(probe_success{{job="{HEALTH_JOB}", '
            f'department="{department}", system="{name}"}}[{self.hold}s]))'
        )
        try:
            rows = self.client.custom_query(query)
        except (requests.RequestException, PrometheusApiClientException, ValueError) as exc:
            return GateResult(False, 1, f"Prometheus unreachable ({type(exc).__name__})")
        if not rows:
            return GateResult(False, 1, f"no probe of {system} in Prometheus")
        value = float(rows[0]["value"][1])
        if math.isfinite(value) and value >= 1:
            return GateResult(True, 1, f"probe succeeded throughout the last {self.hold}s")
        return GateResult(False, 1, f"probe failed within the last {self.hold}s")
