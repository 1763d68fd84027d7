"""Supervision: one collection cycle at 10 and at 10,000 systems, against the floor of sending the same queries
raw with httpx (no parsing into states, no store).

A real Prometheus scrapes a test exporter serving every system's series; the monitor's cycle (httpx and orjson,
classification, hysteresis, one SQLite transaction for states, transitions and usage) is timed against the raw
queries at the same size, sent one after another (the floor) and, for comparison, as many at a time as the
monitor sends them; each taken in turn, round after round, the best of each kept (a busy spell of the machine
then falls on the floor as on the cycle). The queries are the same 10 at both sizes: the growth is Prometheus'
work and ours.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import best_of_each, report
from orchestrator.monitor import Collector, Monitor, MonitorSettings, Query, connect, cycle_queries
from orchestrator.monitor.collect import PARALLEL
from orchestrator.store import open_store
from orchestrator.store.health import HealthStore
from tests.monitor import lab

SIZES = (10, 10_000)


def main() -> None:
    if shutil.which("prometheus") is None:
        print("\nbench_monitor: prometheus is not installed (scripts/system-deps.sh installs it); skipped")
        return
    root = Path(tempfile.mkdtemp(prefix="govmig-bench-monitor-"))
    targets = lab.synthetic_targets(max(SIZES))
    exporter = lab.Exporter(lab.synthetic_exposition(targets)).start()
    prom = lab.prometheus(root, lab.exporter_config(f"127.0.0.1:{exporter.port}")).start()
    settings = MonitorSettings(rate_window="30s")
    queries = cycle_queries(settings.rate_window)
    try:
        lab.wait_until(lambda: lab.probed(prom.url)() == len(targets), 60, 0.5)
        rows = []
        with httpx.Client(timeout=30) as client:

            def ask(client: httpx.Client, q: Query) -> None:
                client.get(f"{prom.url}/api/v1/query", params={"query": q.promql}).raise_for_status()

            def raw() -> None:
                for q in queries:
                    ask(client, q)

            monitors = {
                n: Monitor(
                    targets[:n],
                    Collector(connect(prom.url, 30), queries),
                    HealthStore(open_store(f"sqlite:///{root / f'{n}.db'}")),
                    settings,
                )
                for n in SIZES
            }
            for monitor in monitors.values():
                monitor.cycle()  # the first cycle inserts every row; steady state updates them
            with ThreadPoolExecutor(PARALLEL) as pool:
                best = best_of_each(
                    {
                        "raw": raw,
                        "together": lambda: list(pool.map(lambda q: ask(client, q), queries)),
                        **{str(n): monitor.cycle for n, monitor in monitors.items()},
                    },
                    7,
                )
            floor, together = best["raw"], best["together"]
            for n in SIZES:
                seconds = best[str(n)]
                rows.append((f"cycle, {n:,} systems", seconds, floor, f"{seconds * 1000:8.1f} ms/cycle"))
        print(
            f"\n  raw floor: the same {len(queries)} queries with httpx, one after another, {floor * 1000:.1f} ms"
            f" (every system's series); {PARALLEL} at a time as the monitor asks them: {together * 1000:.1f} ms"
        )
        report("Monitor: one collection cycle against the raw queries, one after another", rows)
        large = rows[1][1]
        print(f"  against the raw queries {PARALLEL} at a time: {large / together:.2f}x at 10,000 systems")
        small = rows[0][1]
        print(
            f"  10,000 systems take {large / small:.1f}x the time of 10, with the same {len(queries)} HTTP requests"
        )
    finally:
        prom.stop()
        exporter.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
