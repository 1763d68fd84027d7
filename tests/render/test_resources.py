"""The resource collection render writes (资源监管): promtool accepts the recording rules, the relabelling maps a
system's pods (and only its pods) to it, and a real Prometheus scraping a real node_exporter through the rendered
job records the host's CPUs and memory as the system's allocation."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from orchestrator.contracts import metrics
from orchestrator.contracts import tree as layout
from tests.monitor import lab
from tests.render.conftest import Rendered

NODE_EXPORTER = "prometheus-node-exporter"


def _zones(rendered: Rendered) -> list[str]:
    return sorted(
        Path(p).name.removesuffix(".rules.yaml")
        for p in rendered.files
        if p.startswith(f"{layout.RULES}/{layout.RESOURCES}/") and p.endswith(".rules.yaml")
    )


def test_promtool_checks_each_zones_resource_rules(rendered: Rendered) -> None:
    zones = _zones(rendered)
    assert zones == ["extranet", "internal", "internet"]
    files = [str(rendered.out / layout.resources_rules_file(z)) for z in zones]
    proc = subprocess.run(["promtool", "check", "rules", *files], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("SUCCESS: 11 rules found") == len(zones)
    recorded = {
        r["record"]
        for g in yaml.safe_load((rendered.out / layout.resources_rules_file("extranet")).read_text())[
            "groups"
        ]
        for r in g["rules"]
    }
    assert {
        metrics.CPU_USED,
        metrics.CPU_ALLOCATED,
        metrics.MEMORY_USED,
        metrics.MEMORY_ALLOCATED,
    } <= recorded
    assert {
        metrics.STORAGE_USED,
        metrics.STORAGE_ALLOCATED,
        metrics.CPU_P95_DAY,
        metrics.CPU_PEAK_DAY,
    } <= recorded


def _relabel(rules: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, str] | None:
    """Prometheus' metric relabelling (replace, keep) over one series' labels: anchored RE2, `;`-joined."""
    out = dict(labels)
    for r in rules:
        value = ";".join(out.get(name, "") for name in r["sourceLabels"])
        matched = re.fullmatch(r["regex"], value)
        if r["action"] == "keep":
            if not matched:
                return None
        elif matched:
            out[r["targetLabel"]] = r["replacement"]
    return out


def test_the_relabelling_gives_a_systems_pods_its_labels_and_drops_everyone_elses(rendered: Rendered) -> None:
    monitor = next(
        doc
        for path, doc in rendered.objects("monitoring/extranet/")
        if path.endswith("kube-state-servicemonitor.yaml")
    )
    rules = monitor["spec"]["endpoints"][0]["metricRelabelings"]
    index = yaml.safe_load((rendered.out / "monitoring/extranet/kustomization.yaml").read_text())
    assert "resources-kube-state-servicemonitor.yaml" in index["resources"]
    workloads = [
        (path, doc)
        for path, doc in rendered.objects("manifests/base/")
        if doc["kind"] in ("Deployment", "StatefulSet") and doc["metadata"]["namespace"].endswith("-extranet")
    ]
    assert workloads
    for _, doc in workloads:
        meta = doc["metadata"]
        system = doc["spec"]["template"]["metadata"]["labels"]["govmig.gov.cn/system"]
        pod = f"{meta['name']}-7d9c8b6f5-x2k4q" if doc["kind"] == "Deployment" else f"{meta['name']}-0"
        series = {
            "__name__": "kube_pod_container_resource_requests",
            "namespace": meta["namespace"],
            "pod": pod,
        }
        labelled = _relabel(rules, series)
        assert labelled is not None and labelled["system"] == system, pod
        assert labelled["department"] == meta["labels"]["govmig.gov.cn/department"]
    stranger = {
        "__name__": "kube_pod_container_resource_requests",
        "namespace": "kube-system",
        "pod": "coredns-1",
    }
    assert _relabel(rules, stranger) is None
    other = {"__name__": "kube_pod_info", "namespace": workloads[0][1]["metadata"]["namespace"], "pod": "x"}
    assert _relabel(rules, other) is None


def _cpus() -> int:
    return sum(1 for line in Path("/proc/stat").read_text().splitlines() if re.match(r"cpu\d+ ", line))


def _mem_total() -> int:
    line = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal:"))
    return int(line.split()[1]) * 1024


def test_a_real_node_exporter_through_the_rendered_job_is_recorded_as_the_systems_allocation(
    rendered: Rendered, tmp_path: Path
) -> None:
    if shutil.which(NODE_EXPORTER) is None or shutil.which("prometheus") is None:
        pytest.skip("prometheus-node-exporter is not installed (scripts/system-deps.sh installs it)")
    zone = next(
        z
        for z in _zones(rendered)
        if yaml.safe_load((rendered.out / layout.node_scrape_file(z)).read_text())["scrape_configs"]
    )
    job = yaml.safe_load((rendered.out / layout.node_scrape_file(zone)).read_text())["scrape_configs"][0]
    target = job["static_configs"][0]
    labels = target["labels"]
    port = lab.free_port()
    exporter = lab.Daemon(
        [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        "/metrics",
        port,
        tmp_path / "node.log",
    ).start()
    groups = yaml.safe_load((rendered.out / layout.resources_rules_file(zone)).read_text())
    for g in groups["groups"]:
        g["interval"] = "1s"  # the rendered 5m, faster for the test
    (tmp_path / "resources.rules.yaml").write_text(yaml.safe_dump(groups))
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp_path / "resources.rules.yaml")],
        "scrape_configs": [
            {
                **job,
                "scrape_interval": "1s",
                "static_configs": [{"targets": [f"127.0.0.1:{port}"], "labels": labels}],
            }
        ],
    }
    prom = lab.prometheus(tmp_path, yaml.safe_dump(config)).start()
    try:
        match = f'{{department="{labels["department"]}",system="{labels["system"]}"}}'

        def value(series: str) -> float | None:
            rows = httpx.get(f"{prom.url}/api/v1/query", params={"query": series + match}, timeout=5).json()
            result = rows["data"]["result"]
            return float(result[0]["value"][1]) if len(result) == 1 else None

        assert lab.wait_until(lambda: value(metrics.CPU_USED) is not None, 60, 0.5), prom.log.read_text()[
            -2000:
        ]
        assert value(metrics.CPU_ALLOCATED) == _cpus()
        assert value(metrics.MEMORY_ALLOCATED) == _mem_total()
        used, allocated = value(metrics.MEMORY_USED), value(metrics.MEMORY_ALLOCATED)
        assert used is not None and allocated is not None and 0 < used < allocated
        storage, held = value(metrics.STORAGE_USED), value(metrics.STORAGE_ALLOCATED)
        assert storage is not None and held is not None and 0 < storage <= held
        cpu = value(metrics.CPU_USED)
        assert cpu is not None and 0 <= cpu <= _cpus()
    finally:
        prom.stop()
        exporter.stop()
