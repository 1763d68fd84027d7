"""A real monitoring stack watching five systems of the rendered example province, their health URLs served by
local stand-ins: the Probe labels are exactly the rendered ones, only the addresses are this machine's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from orchestrator.contracts import tree as layout
from orchestrator.monitor import (
    Alertmanager,
    Collector,
    Monitor,
    MonitorSettings,
    ProbeSpec,
    Target,
    connect,
    cycle_queries,
    load_catalog,
    scrape_config,
)
from orchestrator.store import open_store
from orchestrator.store.health import HealthStore
from tests.monitor import lab
from tests.render.conftest import Rendered, rendered  # noqa: F401  (the session's render tree)

SCRAPE = "2s"
SETTINGS = MonitorSettings(interval_seconds=2, slow_seconds=0.5, rate_window="30s", confirm_cycles=2)


@dataclass
class Stack:
    root: Path
    targets: list[Target]
    probes: list[ProbeSpec]
    apps: dict[str, lab.App]
    prometheus: lab.Daemon
    blackbox: lab.Daemon
    alertmanager: lab.Daemon

    def monitor(self, db: Path, settings: MonitorSettings = SETTINGS, **kw: object) -> Monitor:
        return Monitor(
            self.targets,
            Collector(
                connect(self.prometheus.url, settings.query_timeout_seconds),
                cycle_queries(settings.rate_window),
            ),
            HealthStore(open_store(f"sqlite:///{db}")),
            settings,
            Alertmanager(self.alertmanager.url),
            **kw,  # type: ignore[arg-type]
        )

    def query(self, promql: str) -> list[dict[str, object]]:
        r = httpx.get(f"{self.prometheus.url}/api/v1/query", params={"query": promql}, timeout=5)
        r.raise_for_status()
        result: list[dict[str, object]] = r.json()["data"]["result"]
        return result

    def active_alerts(self) -> list[dict[str, object]]:
        r = httpx.get(f"{self.alertmanager.url}/api/v2/alerts", params={"active": "true"}, timeout=5)
        r.raise_for_status()
        return [a for a in r.json() if a["status"]["state"] == "active"]


@pytest.fixture(scope="module")
def stack(rendered: Rendered) -> Iterator[Stack]:  # noqa: F811
    reason = lab.missing()
    if reason:
        pytest.skip(reason)
    root = lab.workdir()
    all_targets, all_probes = load_catalog(rendered.out)
    probes = [p for p in all_probes if p.urls][:5]
    keys = [f"{p.labels['department']}/{p.labels['system']}" for p in probes]
    targets = [t for t in all_targets if t.key in keys]
    apps = {key: lab.App().start() for key in keys}
    local = [replace(p, urls=(apps[k].health_url,)) for p, k in zip(probes, keys, strict=True)]
    bb = lab.blackbox(root).start()
    config = scrape_config(
        local,
        bb.url.removeprefix("http://"),
        rule_files=[
            str(rendered.out / "monitoring" / "rules" / k.split("/")[0] / f"{k.split('/')[1]}.rules.yaml")
            for k in keys
        ]
        + [str(rendered.out / layout.pipeline_rules_file("extranet"))],  # the monitoring's own rules
        interval=SCRAPE,
        metrics={k: [apps[k].address] for k in keys},
        metrics_labels={k: p.labels for k, p in zip(keys, probes, strict=True)},
    )
    prom = lab.prometheus(root, config).start()
    am = lab.alertmanager(root).start()
    stack = Stack(root, targets, probes, apps, prom, bb, am)
    try:
        ok = lab.wait_until(
            lambda: len(stack.query('probe_success{job="govmig-health"}')) == len(keys), 30, 0.5
        )
        assert ok, "Prometheus never probed every system"
        yield stack
    finally:
        for daemon in (prom, bb, am):
            daemon.stop()
        for app in apps.values():
            app.stop()
        shutil.rmtree(root, ignore_errors=True)
