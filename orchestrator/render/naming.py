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


def k8s_name(*parts: str) -> str:
    """Parts joined by '-', lower-cased, at most 63 characters (a hash keeps long names unique)."""
    name = re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
    if len(name) <= 63:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:54].rstrip('-')}-{digest}"


def namespace(department: str, zone: Zone) -> str:
    return k8s_name(department, zone.value)


def host(system: str, department: str, where: str, domain: str) -> str:
    return f"{system}.{department.lower()}.{where}.{domain}"
