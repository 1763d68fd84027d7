"""Names and labels of rendered objects: DNS-safe, stable, and the same in manifests, rules and queries."""

from __future__ import annotations

import hashlib
import re

from ..plan import Zone

DOMAIN = "govmig.gov.cn"
DEPARTMENT, SYSTEM, ZONE, NETWORK = (
    f"{DOMAIN}/department",
    f"{DOMAIN}/system",
    f"{DOMAIN}/zone",
    f"{DOMAIN}/network",
)
CLASSIFIED, MLPS, ROLE = f"{DOMAIN}/classified", f"{DOMAIN}/mlps-level", f"{DOMAIN}/role"
PART_OF, NAME = "app.kubernetes.io/part-of", "app.kubernetes.io/name"


def k8s_name(*parts: str, limit: int = 63) -> str:
    """Parts joined by '-', lower-cased, at most `limit` characters (63, a DNS label; some operators allow
    fewer: the MySQL Operator's InnoDBCluster 40); a hash keeps long names unique."""
    name = re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('-')}-{digest}"


def namespace(department: str, zone: Zone) -> str:
    return k8s_name(department, zone.value)


def host(system: str, department: str, domain: str) -> str:
    """A system's host name under a domain (its zone's, or the sources'): the route, the inventory, the
    cutover and the probes all use it."""
    return f"{system}.{department.lower()}.{domain}"
