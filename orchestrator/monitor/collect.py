"""One cycle's questions to Prometheus, through prometheus-api-client, with an explicit timeout and no retries.

The client is a seam: anything with `custom_query(query, params=..., timeout=...)`. Retries are off on purpose:
the next cycle is the retry, and a cycle must not outlive its interval waiting on a dead server.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import requests
from prometheus_api_client import PrometheusConnect
from prometheus_api_client.exceptions import PrometheusApiClientException
from urllib3.util.retry import Retry

from ..contracts import AGGREGATION_LABELS
from .model import Snapshot
from .queries import Query, cycle_queries


class QueryClient(Protocol):
    def custom_query(
        self, query: str, params: dict[str, Any] | None = None, timeout: int | None = None
    ) -> Any: ...


def connect(url: str, timeout: float, session: requests.Session | None = None) -> PrometheusConnect:
    """A client for `url` that never retries and never waits longer than `timeout` seconds."""
    return PrometheusConnect(
        url=url.rstrip("/"),
        session=session,
        timeout=timeout,
        retry=Retry(total=0, raise_on_status=False),
    )


def _number(raw: Any) -> float:
    try:
        return float(raw[1])
    except (TypeError, ValueError, IndexError):
        return math.nan


def _key(metric: dict[str, str]) -> str | None:
    department, system = (metric.get(label) for label in AGGREGATION_LABELS)
    return f"{department}/{system}" if department and system else None


class Collector:
    def __init__(
        self,
        client: QueryClient,
        queries: tuple[Query, ...] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.queries = queries or cycle_queries()
        self.clock = clock or datetime.now

    def collect(self) -> Snapshot:
        snap = Snapshot(at=self.clock(), reachable=True, queries=0)
        for q in self.queries:
            snap.queries += 1
            try:
                rows = self.client.custom_query(q.promql)
            except (requests.RequestException, PrometheusApiClientException, ValueError) as exc:
                snap.reachable, snap.error = False, f"{q.name}: {type(exc).__name__}"
                return snap
            for row in rows or []:
                metric = row.get("metric", {})
                key = _key(metric)
                if key is None:
                    continue
                if q.name == "burn":
                    snap.burns.setdefault(key, {})[metric.get("window", "")] = _number(row.get("value"))
                else:
                    snap.values.setdefault(key, {})[q.name] = _number(row.get("value"))
        return snap
