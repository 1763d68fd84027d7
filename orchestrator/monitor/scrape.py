"""A plain Prometheus configuration from the rendered Probes, for sites without prometheus-operator (and for the
tests and the demo): the same job name, module, interval and labels the operator would produce, so every series
carries exactly the labels the monitor's queries aggregate by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from .catalog import ProbeSpec

METRICS_JOB = "govmig-metrics"


def scrape_config(
    probes: Sequence[ProbeSpec],
    blackbox: str,
    rule_files: Sequence[str] = (),
    interval: str | None = None,
    metrics: Mapping[str, Sequence[str]] | None = None,
    metrics_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """prometheus.yml text. `interval` overrides the rendered one (tests scrape every second); `metrics` maps
    "DEPT/id" to host:port endpoints of a system's own /metrics, labelled as the ServiceMonitor relabels them."""
    jobs: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for p in probes:
        jobs.setdefault((p.job, p.module, interval or p.interval, p.timeout), []).append(
            {"targets": list(p.urls), "labels": dict(p.labels)}
        )
    scrape_configs: list[dict[str, Any]] = []
    for (job, module, every, timeout), static in sorted(jobs.items()):
        scrape_configs.append(
            {
                "job_name": job,
                "metrics_path": "/probe",
                "params": {"module": [module]},
                "scrape_interval": every,
                "scrape_timeout": timeout if interval is None else every,
                "static_configs": static,
                "relabel_configs": [
                    {"source_labels": ["__address__"], "target_label": "__param_target"},
                    {"source_labels": ["__param_target"], "target_label": "instance"},
                    {"target_label": "__address__", "replacement": blackbox},
                ],
            }
        )
    if metrics:
        scrape_configs.append(
            {
                "job_name": METRICS_JOB,
                "scrape_interval": interval or "30s",
                "static_configs": [
                    {"targets": list(addresses), "labels": dict((metrics_labels or {}).get(key, {}))}
                    for key, addresses in sorted(metrics.items())
                ],
            }
        )
    doc = {
        "global": {"scrape_interval": interval or "30s", "evaluation_interval": interval or "30s"},
        "rule_files": list(rule_files),
        "scrape_configs": scrape_configs,
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
