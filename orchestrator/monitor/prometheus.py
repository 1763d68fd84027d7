"""Prometheus' instant-query API (`GET /api/v1/query`) over httpx, its answers parsed with orjson.

Why not a Prometheus client library: a cycle's ten answers carry every system's series (5 MB at 10,000
systems), and the time goes into moving and parsing them. httpx's client is thread-safe, so the collector can
ask all of a cycle's questions at once and parse one answer while Prometheus works on the next; orjson parses
in a fraction of the standard library's time. Retries are off (httpx has none): the next cycle is the retry, and
a cycle must not outlive its interval waiting on a dead server. Proxies from the environment are ignored: the
monitor talks to its own zone's Prometheus only.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson


class QueryError(ValueError):
    """Prometheus answered, but not with a result: a bad query, an overloaded server, an error page."""


QUERY_ERRORS = (httpx.HTTPError, ValueError)
"""What a query can raise: no answer (connection refused, timed out) or no usable answer (QueryError, bad JSON)."""


class Prometheus:
    """The seam the collector and the cutover gate ask through: `custom_query(query)` → the result's rows."""

    def __init__(self, url: str, timeout: float, client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        self.client = client or httpx.Client(timeout=timeout, trust_env=False)
        self.timeout = timeout

    def custom_query(
        self, query: str, params: dict[str, Any] | None = None, timeout: int | None = None
    ) -> list[dict[str, Any]]:
        response = self.client.get(
            f"{self.url}/api/v1/query",
            params={"query": query, **(params or {})},
            timeout=timeout or self.timeout,
        )
        return _result(response)

    def custom_query_range(
        self, query: str, start: float, end: float, step: float, timeout: int | None = None
    ) -> list[dict[str, Any]]:
        """`GET /api/v1/query_range`: each series' `values` from start to end (Unix seconds) every `step`."""
        params = {"start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step:g}"}
        response = self.client.get(
            f"{self.url}/api/v1/query_range",
            params={"query": query, **params},
            timeout=timeout or self.timeout,
        )
        return _result(response)


def _result(response: httpx.Response) -> list[dict[str, Any]]:
    """The `data.result` of a Prometheus API answer; QueryError for anything but a successful JSON answer."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise QueryError(f"HTTP {response.status_code}, not JSON") from exc
    if response.status_code != 200 or not isinstance(body, dict) or body.get("status") != "success":
        error = body.get("error") if isinstance(body, dict) else None
        raise QueryError(f"HTTP {response.status_code}: {error or 'no result'}")
    result = body.get("data", {}).get("result")
    return result if isinstance(result, list) else []


def connect(url: str, timeout: float, client: httpx.Client | None = None) -> Prometheus:
    """A client for `url` that never retries and never waits longer than `timeout` seconds for an answer."""
    return Prometheus(url, timeout, client)
