"""Monitoring objects per system (kube-prometheus conventions) and the plain rule files promtool checks.

Every system gets its PrometheusRule and, with a health URL, a blackbox Probe; systems on Kubernetes with ports
get a ServiceMonitor. Objects stand in the system's own zone namespace, so a classified system's monitoring never
leaves the internal network either.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from ..contracts import metrics, unfolded_yaml
from ..contracts import tree as layout
from . import naming
from .resources import resource_files
from .rules import pipeline_groups, rule_groups
from .settings import RenderSettings
from .targets import DEFAULT_TARGET, Target
from .views import Files, SystemView

PIPELINE_RULE = "pipeline-prometheusrule.yaml"
"""Each zone's rules for the monitoring itself, beside the systems' (one Prometheus per zone loads them)."""


def monitoring_files(
    env: Environment, views: Sequence[SystemView], settings: RenderSettings, target: Target = DEFAULT_TARGET
) -> Files:
    files: Files = {}
    by_zone: dict[str, list[str]] = {}
    for s in views:
        base = layout.monitoring_base(s.zone.value, s.department, s.system)
        labels = {**s.labels, "release": settings.release_label}
        groups = rule_groups(s)
        text = unfolded_yaml(groups)
        files[f"{base}/prometheusrule.yaml"] = env.get_template("monitoring/prometheusrule.yaml.j2").render(
            s=s, name=naming.k8s_name(s.system, "slo"), labels=labels, groups=text.rstrip("\n")
        )
        files[layout.rules_file(s.department, s.system)] = text
        if s.probe_url:
            files[f"{base}/probe.yaml"] = env.get_template("monitoring/probe.yaml.j2").render(
                s=s,
                name=naming.k8s_name(s.system, "health"),
                labels=labels,
                prober=settings.blackbox_url,
                job=metrics.HEALTH_JOB,
            )
        ports = s.metrics_ports
        if ports:
            files[f"{base}/servicemonitor.yaml"] = env.get_template(
                "monitoring/servicemonitor.yaml.j2"
            ).render(s=s, name=naming.k8s_name(s.system, "metrics"), labels=labels, ports=ports)
        zone_dir = layout.monitoring_zone(s.zone.value) + "/"
        by_zone.setdefault(s.zone.value, []).extend(  # this system's objects only: its own few names
            p.removeprefix(zone_dir)
            for p in sorted(
                f"{base}/{name}" for name in ("prometheusrule.yaml", "probe.yaml", "servicemonitor.yaml")
            )
            if p in files
        )
    for zone, resources in sorted(by_zone.items()):
        groups = pipeline_groups(zone)
        files[layout.pipeline_rules_file(zone)] = unfolded_yaml(groups)
        files[f"{layout.monitoring_zone(zone)}/{PIPELINE_RULE}"] = unfolded_yaml(
            {
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "PrometheusRule",
                "metadata": {
                    "name": "govmig-monitoring-pipeline",
                    "namespace": settings.monitoring_namespace,
                    "labels": {
                        "app.kubernetes.io/managed-by": "govmig",
                        naming.ZONE: zone,
                        "release": settings.release_label,
                    },
                },
                "spec": groups,
            },
        )
        extra, objects = resource_files(zone, [v for v in views if v.zone.value == zone], settings)
        files.update(extra)
        files.update(target.base(layout.monitoring_zone(zone), [PIPELINE_RULE, *objects, *resources]))
    return files
