"""One cycle's questions to Prometheus, asked at once, each answer folded into the snapshot as it comes.

The client is a seam: anything with `custom_query(query, params=..., timeout=...)` that raises one of
`QUERY_ERRORS` when it gets no answer (prometheus.Prometheus over httpx). The queries go out together, a few at
a time, and answers are parsed in the asking threads: Prometheus evaluates one while the collector parses the
last, so a cycle at 10,000 systems costs about what the same questions cost asked one after another without
reading the answers. The answers are taken in the queries' order: the first unanswered one names the error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Protocol, cast

from ..contracts import AGGREGATION_LABELS
from .model import Snapshot
from .prometheus import QUERY_ERRORS, connect
from .queries import Query, cycle_queries

__all__ = ["Collector", "QueryClient", "connect"]

PARALLEL = 4
"""Questions in flight at once: enough to keep Prometheus busy while one answer is parsed, few enough to leave
its other clients (dashboards, the rule evaluator) their share."""

Values = dict[str, float]
Windows = dict[str, dict[str, float]]


class QueryClient(Protocol):
    def custom_query(
        self, query: str, params: dict[str, Any] | None = None, timeout: int | None = None
    ) -> Any: ...


def _number(raw: Any) -> float:
    try:
        return float(raw[1])
    except (TypeError, ValueError, IndexError):
        return math.nan


DEPARTMENT, SYSTEM = AGGREGATION_LABELS


def _keyed(rows: Any) -> list[tuple[str, dict[str, str], Any]]:
    """The answer's series that belong to a system (both aggregation labels set), keyed "DEPT/id"."""
    out = []
    for row in rows or ():
        metric = row.get("metric") or {}
        department, system = metric.get(DEPARTMENT), metric.get(SYSTEM)
        if department and system:
            out.append((f"{department}/{system}", metric, row.get("value")))
    return out


def _values(rows: Any) -> Values:
    return {key: _number(value) for key, _, value in _keyed(rows)}


def _windows(rows: Any) -> Windows:
    """The burn query's answer: one series per system and window, told apart by the `window` label."""
    out: Windows = {}
    for key, metric, value in _keyed(rows):
        out.setdefault(key, {})[metric.get("window", "")] = _number(value)
    return out


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

    def _ask(self, q: Query) -> Values | Windows | str:
        """One query's answer by system, or why it has none (the error's type: never the server's page)."""
        try:
            rows = self.client.custom_query(q.promql)
        except QUERY_ERRORS as exc:
            return f"{q.name}: {type(exc).__name__}"
        return _windows(rows) if q.name == "burn" else _values(rows)

    def collect(self) -> Snapshot:
        snap = Snapshot(at=self.clock(), reachable=True, queries=len(self.queries))
        with ThreadPoolExecutor(min(PARALLEL, len(self.queries)), "govmig-query") as pool:
            answers = list(pool.map(self._ask, self.queries))
        for q, answer in zip(self.queries, answers, strict=True):
            if isinstance(answer, str):
                snap.reachable, snap.error = False, answer
                return snap
            if q.name == "burn":
                snap.burns = cast(Windows, answer)
                continue
            values = snap.values
            for key, value in cast(Values, answer).items():
                values.setdefault(key, {})[q.name] = value
        return snap
