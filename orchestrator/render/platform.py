"""The platform side of each zone's cluster: what the systems' NetworkPolicies and routes point at.

The policies admit the monitoring namespace, the zone's Gateway and the sharing platform by name and by label;
rendering those namespaces with exactly those labels is what makes every selector resolve out of the box. A
site whose platform already exists applies its own: the render checks nothing against it, the labels to carry
are the ones written here.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from ..contracts import tree as layout
from ..plan import Zone
from . import naming
from .kubernetes import _kustomization
from .settings import RenderSettings
from .views import Files, NamespaceView


def platform_files(env: Environment, spaces: Sequence[NamespaceView], settings: RenderSettings) -> Files:
    files: Files = {}
    for zone in sorted({ns.zone for ns in spaces}):
        network = next(ns.network for ns in spaces if ns.zone is zone).value
        gateway = settings.gateways[Zone(zone)]
        roles = {
            settings.monitoring_namespace: "monitoring",
            settings.sharing_namespace: "sharing-platform",
            gateway.namespace: "gateway",
        }
        platform = [
            {
                "name": name,
                "labels": {
                    "kubernetes.io/metadata.name": name,
                    naming.ROLE: role,
                    naming.ZONE: zone.value,
                    naming.NETWORK: network,
                    naming.CLASSIFIED: "false",
                    "pod-security.kubernetes.io/enforce": "baseline",
                },
            }
            for name, role in roles.items()
        ]
        base = layout.platform_base(zone.value)
        files[f"{base}/platform.yaml"] = env.get_template("k8s/platform.yaml.j2").render(
            zone=zone.value, spaces=platform, gateway=gateway, domain=settings.domain(zone.value)
        )
        files[f"{base}/kustomization.yaml"] = _kustomization(["platform.yaml"])
    return files
