"""Kubernetes manifests: a Kustomize base per system and per namespace, overlays per zone and for DR."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from ..contracts import to_yaml
from ..contracts import tree as layout
from . import cloud, naming, quantities
from .quota import DEFAULTS, Need
from .settings import RenderSettings
from .views import Files, NamespaceView, SystemView


def _kustomization(resources: Sequence[str], extra: dict[str, object] | None = None) -> str:
    doc: dict[str, object] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": list(resources),
    }
    doc.update(extra or {})
    return to_yaml(doc)


def namespace_files(env: Environment, ns: NamespaceView, need: Need, settings: RenderSettings) -> Files:
    """The namespace, its quota summed from what is rendered into it (`render/quota.py`) with the site's
    headroom, and a LimitRange whose defaults cover every pod that comes without limits."""
    labels = {
        "kubernetes.io/metadata.name": ns.name,
        "app.kubernetes.io/managed-by": "govmig",
        naming.DEPARTMENT: ns.department,
        naming.ZONE: ns.zone.value,
        naming.NETWORK: ns.network.value,
        naming.CLASSIFIED: str(ns.classified).lower(),
        naming.MLPS: str(ns.mlps),
        # virt-launcher pods need the baseline level; container-only namespaces get restricted
        "pod-security.kubernetes.io/enforce": "baseline" if ns.has_vms else "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
    }
    h = settings.quota_headroom
    quota = {
        "cpu": quantities.cpu(int(need.request_mc * h) + 1000),
        "memory": quantities.memory(int(need.request_mib * h) + 1024),
        "cpu_limit": quantities.cpu(int(need.limit_mc * h) + 1000),
        "memory_limit": quantities.memory(int(need.limit_mib * h) + 1024),
        "storage": quantities.gib(need.storage_gib * h + 10),
        "pods": int(need.pods * h) + 10,
        "claims": int(need.claims * h) + 5,
        "request_cpu": quantities.cpu(DEFAULTS["request"][0]),
        "request_memory": quantities.memory(DEFAULTS["request"][1]),
        "default_cpu": quantities.cpu(need.default_limit[0]),
        "default_memory": quantities.memory(need.default_limit[1]),
    }
    base = layout.namespace_base(ns.department, ns.zone.value)
    return {
        f"{base}/namespace.yaml": env.get_template("k8s/namespace.yaml.j2").render(
            ns=ns, labels=labels, quota=quota
        ),
        f"{base}/kustomization.yaml": _kustomization(["namespace.yaml"]),
    }


def system_files(env: Environment, s: SystemView, settings: RenderSettings) -> Files:
    base = layout.system_base(s.department, s.system)
    files: Files = {}
    config, claim = naming.k8s_name(s.system, "config"), naming.k8s_name(s.system, "data")
    common = {"s": s, "config": config, "data_claim": claim}
    selector_of = {}
    if s.kind == "container":
        for c in s.components:
            selector = {naming.PART_OF: s.system, naming.NAME: c.component}
            selector_of[c.name] = selector
            labels = {**s.labels, naming.NAME: c.component}
            files[f"{base}/{c.component}.yaml"] = env.get_template("k8s/workload.yaml.j2").render(
                component=c, labels=labels, selector=selector, **common
            )
            if c.port:
                files[f"{base}/{c.component}-service.yaml"] = env.get_template("k8s/service.yaml.j2").render(
                    name=c.name, port=c.port, labels=labels, selector=selector, **common
                )
        files.update(cloud.database_files(env, s, settings, base))
    else:
        files.update(cloud.vm_files(env, s, settings, base))
    files.update(cloud.filesync_files(env, s, settings, base))
    files.update(cloud.route_files(env, s, settings, base))
    budgets = [c for c in s.components if c.replicas > 1] if s.kind == "container" else []
    gateway = settings.gateways[s.zone]
    files[f"{base}/system.yaml"] = env.get_template("k8s/system.yaml.j2").render(
        labels=s.labels,
        budgets=budgets,
        selector_of=selector_of,
        policy_name=naming.k8s_name(s.system, "traffic"),
        sharing_platform=f"{settings.sharing_namespace}.svc",
        shared_storage_class=settings.shared_storage_class,
        gateway_namespace=gateway.namespace if s.front else None,
        monitoring_namespace=settings.monitoring_namespace,
        sharing_namespace=settings.sharing_namespace,
        operators=sorted(
            {
                settings.operator_namespaces[d.engine]
                for d in s.databases
                if d.engine in settings.operator_namespaces
            }
        )
        if s.kind == "container"
        else [],
        api_cidrs=settings.api_server_cidrs
        if s.kind == "container" and any(d.engine == "postgresql" for d in s.databases)
        else [],
        **common,
    )
    files[f"{base}/kustomization.yaml"] = _kustomization(sorted(p.rsplit("/", 1)[1] for p in files))
    return files


def overlay_files(
    views: Sequence[SystemView], namespaces: Sequence[NamespaceView], settings: RenderSettings
) -> Files:
    """One overlay per zone (the DR site's: render/dr.py)."""
    files: Files = {}
    zones = sorted({ns.zone.value for ns in namespaces})
    for zone in zones:
        network = next(ns.network.value for ns in namespaces if ns.zone.value == zone)
        resources = [layout.from_overlay(layout.platform_base(network))] + [
            layout.from_overlay(layout.namespace_base(ns.department, zone))
            for ns in namespaces
            if ns.zone.value == zone
        ]
        resources += [
            layout.from_overlay(layout.system_base(v.department, v.system))
            for v in views
            if v.on_kubernetes and v.zone.value == zone
        ]
        files[layout.overlay(zone)] = _kustomization(
            resources, {"labels": [{"pairs": {"govmig.gov.cn/overlay": zone}, "includeSelectors": False}]}
        )
    return files
