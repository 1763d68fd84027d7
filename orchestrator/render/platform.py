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
from .settings import RenderSettings
from .targets import DEFAULT_TARGET, Target
from .views import Files, NamespaceView


def platform_files(
    env: Environment,
    spaces: Sequence[NamespaceView],
    settings: RenderSettings,
    target: Target = DEFAULT_TARGET,
) -> Files:
    """One platform base per network (a DR site may hold several zones of one network in one cluster): the
    monitoring and sharing namespaces, and each of its zones' Gateway with the Gateway's namespace."""
    files: Files = {}
    for network in sorted({ns.network for ns in spaces}):
        zones = sorted({ns.zone for ns in spaces if ns.network is network})
        roles: dict[str, tuple[str, Zone | None]] = {
            settings.monitoring_namespace: ("monitoring", None),
            settings.sharing_namespace: ("sharing-platform", None),
        }
        roles.update({settings.gateways[z].namespace: ("gateway", z) for z in zones})
        platform = [
            {
                "name": name,
                "labels": {
                    "kubernetes.io/metadata.name": name,
                    naming.ROLE: role,
                    naming.NETWORK: network.value,
                    naming.CLASSIFIED: "false",
                    "pod-security.kubernetes.io/enforce": "baseline",
                    **({naming.ZONE: zone.value} if zone else {}),
                },
            }
            for name, (role, zone) in roles.items()
        ]
        gateways = [(settings.gateways[z], z.value, settings.domain(z.value)) for z in zones]
        base = layout.platform_base(network.value)
        files[f"{base}/platform.yaml"] = env.get_template("k8s/platform.yaml.j2").render(
            network=network.value, spaces=platform, gateways=gateways
        )
        files.update(target.base(base, ["platform.yaml"]))
    return files
