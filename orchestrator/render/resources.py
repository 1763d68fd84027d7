"""What each zone's Prometheus needs to say what a system holds and uses (资源监管): the scrapes and the relabelling
that put `department` and `system` on the standard series, and the recording rules a month of reports reads.

On the cloud, cAdvisor (through the kubelet) and kube-state-metrics know a workload only by namespace and pod; a
pod's name starts with its workload's, which render chose (a component's Deployment or StatefulSet, a database's
operator cluster, a VM's virt-launcher), so the relabelling maps `namespace;pod` to the system, keeps only govmig's
systems' series and only the series the reports read, and names the job (`RESOURCES_JOB`), so the cluster's own
scrape of the same endpoints (kube-prometheus) is never counted twice. Hosts and VMs run node_exporter; their
scrape job carries the labels as static target labels.

The recording rules record, per system every five minutes, CPU and memory used and allocated (a workload's
requests on the cloud; a host's CPUs and memory) and storage used and allocated (filesystems); a second group
keeps each day's p95 and peak. A month is then a few thousand points a system, whatever its pods' churn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..contracts import metrics, unfolded_yaml
from ..contracts import tree as layout
from . import naming
from .settings import RenderSettings
from .views import Files, SystemView

CADVISOR = "resources-cadvisor-servicemonitor.yaml"
KUBE_STATE = "resources-kube-state-servicemonitor.yaml"
RULE = "resources-prometheusrule.yaml"
NODE_EXPORTER_PORT = 9100
KUBELET = {"namespace": "kube-system", "labels": {"app.kubernetes.io/name": "kubelet"}}
"""kube-prometheus' kubelet Service (its cAdvisor endpoint at /metrics/cadvisor)."""
KUBE_STATE_METRICS = {"namespace": "monitoring", "labels": {"app.kubernetes.io/name": "kube-state-metrics"}}
IGNORED_FILESYSTEMS = "tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|autofs|fuse.lxcfs"
"""Filesystems that hold no allocated storage (memory-backed, container layers, mounts of mounts)."""
WORKLOAD_POD = "(-[a-z0-9]+){1,2}"
"""What follows a workload's name in its pods' names: a Deployment's `-<replicaset>-<id>`, a StatefulSet's or an
operator cluster's `-<ordinal>`."""


def _pods(s: SystemView) -> str:
    """RE2 over a pod's name: any of the system's workloads (names are DNS labels: no regex metacharacter)."""
    names = sorted({c.name for c in s.components} | {d.name for d in s.databases})
    alternatives = [f"({'|'.join(names)}){WORKLOAD_POD}"] if names else []
    if s.kind == "vm":
        alternatives.append(f"virt-launcher-{naming.k8s_name(s.system, 'vm')}-[a-z0-9]+")
    return "|".join(alternatives)


def _metric_relabelings(views: Sequence[SystemView], kept: str) -> list[dict[str, Any]]:
    """Keep only `kept` series; give each of a system's pods' series its labels; drop every other pod's."""
    rules: list[dict[str, Any]] = [{"sourceLabels": ["__name__"], "regex": kept, "action": "keep"}]
    for s in views:
        pods = _pods(s)
        if not pods:
            continue
        match = f"{s.namespace};({pods})"
        for label, value in (
            ("department", s.department),
            ("system", s.system),
            ("zone", s.zone.value),
            ("wave", s.wave),
        ):
            rules.append(
                {
                    "sourceLabels": ["namespace", "pod"],
                    "regex": match,
                    "targetLabel": label,
                    "replacement": value,
                    "action": "replace",
                }
            )
    rules.append({"sourceLabels": ["system"], "regex": ".+", "action": "keep"})
    return rules


def _service_monitor(
    name: str,
    zone: str,
    source: dict[str, Any],
    endpoint: dict[str, Any],
    views: Sequence[SystemView],
    kept: str,
    settings: RenderSettings,
) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {
            "name": name,
            "namespace": settings.monitoring_namespace,
            "labels": {
                "app.kubernetes.io/managed-by": "govmig",
                naming.ZONE: zone,
                "release": settings.release_label,
            },
        },
        "spec": {
            "selector": {"matchLabels": source["labels"]},
            "namespaceSelector": {"matchNames": [source["namespace"]]},
            "endpoints": [
                {
                    **endpoint,
                    "interval": "30s",
                    "relabelings": [
                        {"targetLabel": "job", "replacement": metrics.RESOURCES_JOB, "action": "replace"}
                    ],
                    "metricRelabelings": _metric_relabelings(views, kept),
                }
            ],
        },
    }


def _sel(job: str, zone: str, extra: str = "") -> str:
    return "{" + f'job="{job}",zone="{zone}"' + (f",{extra}" if extra else "") + "}"


def recording_groups(zone: str) -> dict[str, Any]:
    """The zone's resource records: cloud workloads (cAdvisor, kube-state-metrics) `or` hosts and VMs
    (node_exporter), one series per system; then each day's p95 and peak of the usage."""
    by = metrics.RECORDED_BY
    res, node = metrics.RESOURCES_JOB, metrics.NODE_JOB
    containers = 'container!="",container!="POD"'
    fs = f'fstype!~"{IGNORED_FILESYSTEMS}"'
    w = metrics.RESOURCES_INTERVAL
    busy, idle = 'mode!~"idle|iowait|steal"', 'mode="idle"'
    cpu, memory = 'resource="cpu"', 'resource="memory"'
    usage = [
        (
            metrics.CPU_USED,
            f"sum by ({by}) (rate(container_cpu_usage_seconds_total{_sel(res, zone, containers)}[{w}]))"
            f" or sum by ({by}) (rate(node_cpu_seconds_total{_sel(node, zone, busy)}[{w}]))",
        ),
        (
            metrics.CPU_ALLOCATED,
            f"sum by ({by}) (kube_pod_container_resource_requests{_sel(res, zone, cpu)})"
            f" or count by ({by}) (node_cpu_seconds_total{_sel(node, zone, idle)})",
        ),
        (
            metrics.MEMORY_USED,
            f"sum by ({by}) (container_memory_working_set_bytes{_sel(res, zone, containers)})"
            f" or sum by ({by}) (node_memory_MemTotal_bytes{_sel(node, zone)}"
            f" - node_memory_MemAvailable_bytes{_sel(node, zone)})",
        ),
        (
            metrics.MEMORY_ALLOCATED,
            f"sum by ({by}) (kube_pod_container_resource_requests{_sel(res, zone, memory)})"
            f" or sum by ({by}) (node_memory_MemTotal_bytes{_sel(node, zone)})",
        ),
        (
            metrics.STORAGE_USED,
            f"sum by ({by}) (node_filesystem_size_bytes{_sel(node, zone, fs)}"
            f" - node_filesystem_avail_bytes{_sel(node, zone, fs)})",
        ),
        (metrics.STORAGE_ALLOCATED, f"sum by ({by}) (node_filesystem_size_bytes{_sel(node, zone, fs)})"),
    ]
    this = f'{{zone="{zone}"}}'
    daily = [
        (metrics.CPU_P95_DAY, f"quantile_over_time(0.95, {metrics.CPU_USED}{this}[1d])"),
        (metrics.CPU_PEAK_DAY, f"max_over_time({metrics.CPU_USED}{this}[1d])"),
        (metrics.MEMORY_P95_DAY, f"quantile_over_time(0.95, {metrics.MEMORY_USED}{this}[1d])"),
        (metrics.MEMORY_PEAK_DAY, f"max_over_time({metrics.MEMORY_USED}{this}[1d])"),
        (metrics.STORAGE_PEAK_DAY, f"max_over_time({metrics.STORAGE_USED}{this}[1d])"),
    ]
    return {
        "groups": [
            {
                "name": f"govmig.resources.{zone}",
                "interval": w,
                "rules": [{"record": r, "expr": e} for r, e in usage],
            },
            {
                "name": f"govmig.resources.{zone}.daily",
                "interval": "1h",
                "rules": [{"record": r, "expr": e} for r, e in daily],
            },
        ]
    }


def node_scrape(zone: str, views: Sequence[SystemView]) -> dict[str, Any]:
    """The zone's node_exporter job: every host and VM of the zone, its labels on the target."""
    targets = [
        {
            "targets": [f"{s.target_host}:{NODE_EXPORTER_PORT}"],
            "labels": {"department": s.department, "system": s.system, "zone": s.zone.value, "wave": s.wave},
        }
        for s in views
        if s.kind in ("vm", "host")
    ]
    return {
        "scrape_configs": [
            {"job_name": metrics.NODE_JOB, "scrape_interval": "30s", "static_configs": targets}
        ]
        if targets
        else []
    }


def resource_files(
    zone: str, views: Sequence[SystemView], settings: RenderSettings
) -> tuple[Files, list[str]]:
    """A zone's resource files, and the names of the Kubernetes objects among them (for the zone's kustomization)."""
    files: Files = {}
    base = layout.monitoring_zone(zone)
    groups = recording_groups(zone)
    files[layout.resources_rules_file(zone)] = unfolded_yaml(groups)
    files[layout.node_scrape_file(zone)] = unfolded_yaml(node_scrape(zone, views))
    files[f"{base}/{RULE}"] = unfolded_yaml(
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {
                "name": "govmig-resources",
                "namespace": settings.monitoring_namespace,
                "labels": {
                    "app.kubernetes.io/managed-by": "govmig",
                    naming.ZONE: zone,
                    "release": settings.release_label,
                },
            },
            "spec": groups,
        }
    )
    objects = [RULE]
    cloud = [s for s in views if s.on_kubernetes]
    if cloud:
        files[f"{base}/{CADVISOR}"] = unfolded_yaml(
            _service_monitor(
                "govmig-resources-cadvisor",
                zone,
                KUBELET,
                {
                    "port": "https-metrics",
                    "path": "/metrics/cadvisor",
                    "scheme": "https",
                    "bearerTokenFile": "/var/run/secrets/kubernetes.io/serviceaccount/token",
                    "tlsConfig": {"insecureSkipVerify": True},
                    "honorLabels": True,
                },
                cloud,
                "container_cpu_usage_seconds_total|container_memory_working_set_bytes",
                settings,
            )
        )
        files[f"{base}/{KUBE_STATE}"] = unfolded_yaml(
            _service_monitor(
                "govmig-resources-kube-state",
                zone,
                KUBE_STATE_METRICS,
                {"port": "https-main", "scheme": "https", "honorLabels": True},
                cloud,
                "kube_pod_container_resource_requests",
                settings,
            )
        )
        objects += [CADVISOR, KUBE_STATE]
    return files, sorted(objects)
