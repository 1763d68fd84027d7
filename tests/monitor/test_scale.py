"""10,000 systems cost Prometheus the same number of HTTP requests per cycle as 10: the queries aggregate, the
monitor never asks per system. Counted twice: by the client's session and by Prometheus' own request counter."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from orchestrator.monitor import Collector, Monitor, MonitorSettings, connect, cycle_queries
from orchestrator.store import open_store
from orchestrator.store.health import HealthStore
from tests.monitor import lab

N = 10_000


@pytest.fixture(scope="module")
def synthetic() -> Iterator[lab.Daemon]:
    if shutil.which("prometheus") is None:
        pytest.skip("prometheus is not installed (scripts/system-deps.sh installs it)")
    root = lab.workdir()
    exporter = lab.Exporter(lab.synthetic_exposition(lab.synthetic_targets(N))).start()
    prom = lab.prometheus(root, lab.exporter_config(f"127.0.0.1:{exporter.port}")).start()
    try:

        def loaded() -> bool:
            rows = requests.get(
                f"{prom.url}/api/v1/query", params={"query": "count(probe_success)"}, timeout=5
            ).json()
            result = rows["data"]["result"]
            return bool(result) and int(float(result[0]["value"][1])) == N

        assert lab.wait_until(loaded, 60, 0.5), "the synthetic series never arrived"
        yield prom
    finally:
        prom.stop()
        exporter.stop()
        shutil.rmtree(root, ignore_errors=True)


def served_queries(prom: lab.Daemon) -> float:
    """Prometheus' own count of answered /api/v1/query requests, read from its /metrics page."""
    text = requests.get(f"{prom.url}/metrics", timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "prometheus_http_requests"
        for sample in family.samples
        if sample.name.endswith("_total") and sample.labels.get("handler") == "/api/v1/query"
    )


def one_cycle(prom: lab.Daemon, n: int, db: Path) -> tuple[int, int, dict[str, int]]:
    sent: list[str] = []
    client = httpx.Client(
        timeout=30, event_hooks={"response": [lambda response: sent.append(str(response.url))]}
    )
    settings = MonitorSettings(rate_window="30s")
    targets = lab.synthetic_targets(N)[:n]
    monitor = Monitor(
        targets,
        Collector(connect(prom.url, 30, client), cycle_queries(settings.rate_window)),
        HealthStore(open_store(f"sqlite:///{db}")),
        settings,
    )
    first = monitor.cycle()  # never seen: every system unknown until a second cycle agrees
    assert first.counts["unknown"] == n and not first.changes
    sent.clear()
    before = served_queries(prom)
    result = monitor.cycle()
    served = served_queries(prom) - before
    assert result.reachable
    return len(sent), int(served), result.counts


def test_ten_thousand_systems_cost_the_same_requests_as_ten(synthetic: lab.Daemon, tmp_path: Path) -> None:
    small = one_cycle(synthetic, 10, tmp_path / "10.db")
    large = one_cycle(synthetic, N, tmp_path / "10000.db")
    assert small[0] == large[0] == len(cycle_queries())
    assert small[1] == large[1] == len(cycle_queries())
    # and the answers cover every system: each 7th probe fails in the synthetic series
    assert large[2]["down"] == len(range(0, N, 7)) and large[2]["up"] == N - large[2]["down"]
    assert small[2]["down"] == len(range(0, 10, 7))
