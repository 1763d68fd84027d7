"""What each namespace's rendered objects will ask of its quota, read back from the objects themselves.

A quota sized from the plan drifts from what the templates say; one summed from the rendered documents cannot.
Each kind counts the pods the cluster will run for it at its peak (a Deployment's surge pod, a VM's
virt-launcher with KubeVirt's overhead and, where disks are shared, its migration target, an operator's
instances and its bootstrap pod, CDI's importers, Forklift's conversion pod) and the storage it claims. A pod
without resources gets the namespace's LimitRange defaults (`DEFAULTS`), as the API server would give them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import quantities

DEFAULTS = {"request": (250, 256), "limit": (1000, 1024)}
"""The LimitRange's container defaults (millicores, MiB): rendered into templates/k8s/namespace.yaml.j2 from here."""
CDI_IMPORTER = {"request": (100, 60), "limit": (750, 600)}
"""CDI's default importer pod resources (CDIConfig podResourceRequirements)."""


def vm_overhead_mib(memory_mib: int, cores: int) -> int:
    """KubeVirt's virt-launcher overhead, taken generously: a fixed part, page tables, and per vCPU."""
    return 300 + memory_mib // 100 + 8 * cores


@dataclass
class Need:
    request_mc: int = 0
    request_mib: int = 0
    limit_mc: int = 0
    limit_mib: int = 0
    storage_gib: float = 0.0
    pods: int = 0
    claims: int = 0
    default_limit: tuple[int, int] = DEFAULTS["limit"]
    """The namespace's LimitRange default limit (raised where a Forklift VM, which has no limits, needs more)."""

    def pod(self, request: tuple[int, int], limit: tuple[int, int], count: int = 1) -> None:
        self.request_mc += request[0] * count
        self.request_mib += request[1] * count
        self.limit_mc += limit[0] * count
        self.limit_mib += limit[1] * count
        self.pods += count

    def claim(self, size: str, count: int = 1) -> None:
        self.storage_gib += quantities.mebibytes(size) / 1024 * count
        self.claims += count


def _resources(
    r: Mapping[str, Any] | None, default: tuple[int, int] = DEFAULTS["limit"]
) -> tuple[tuple[int, int], tuple[int, int]]:
    r = r or {}
    req, lim = r.get("requests") or {}, r.get("limits") or {}
    limit = (
        quantities.millicores(str(lim["cpu"])) if "cpu" in lim else default[0],
        quantities.mebibytes(str(lim["memory"])) if "memory" in lim else default[1],
    )
    request = (
        quantities.millicores(str(req["cpu"])) if "cpu" in req else min(limit[0], DEFAULTS["request"][0]),
        quantities.mebibytes(str(req["memory"]))
        if "memory" in req
        else min(limit[1], DEFAULTS["request"][1]),
    )
    return request, limit


def _pod_template(need: Need, spec: Mapping[str, Any], count: int) -> None:
    containers = [_resources(c.get("resources"), need.default_limit) for c in spec.get("containers") or []]
    request = (sum(c[0][0] for c in containers), sum(c[0][1] for c in containers))
    limit = (sum(c[1][0] for c in containers), sum(c[1][1] for c in containers))
    need.pod(request, limit, count)


def _vm(need: Need, domain: Mapping[str, Any], copies: int) -> None:
    (req_mc, req_mib), (lim_mc, lim_mib) = _resources(domain.get("resources"), need.default_limit)
    cores = int((domain.get("cpu") or {}).get("cores", 1))
    extra = vm_overhead_mib(lim_mib, cores)
    need.pod((req_mc + 100, req_mib + extra), (lim_mc + 100, lim_mib + extra), copies)


COUNTED = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "Job",
        "PersistentVolumeClaim",
        "DataVolume",
        "VirtualMachine",
        "Cluster",
        "InnoDBCluster",
        "MariaDB",
        "Backup",
    }
)
"""The kinds `add` counts: a document of any other kind asks nothing of the quota, and need not be read back."""


def add(need: Need, doc: Mapping[str, Any], live_migration: bool) -> None:
    kind, spec = doc.get("kind"), doc.get("spec") or {}
    if kind in ("Deployment", "StatefulSet"):
        replicas = int(spec.get("replicas", 1))
        surge = 1 if kind == "Deployment" else 0
        _pod_template(need, spec["template"]["spec"], replicas + surge)
        for template in spec.get("volumeClaimTemplates") or []:
            need.claim(template["spec"]["resources"]["requests"]["storage"], replicas)
    elif kind == "Job":
        _pod_template(need, spec["template"]["spec"], 1)
    elif kind == "PersistentVolumeClaim":
        need.claim(spec["resources"]["requests"]["storage"])
    elif kind == "DataVolume":
        need.claim(spec["storage"]["resources"]["requests"]["storage"])
        need.pod(CDI_IMPORTER["request"], CDI_IMPORTER["limit"])
    elif kind == "VirtualMachine":
        _vm(need, spec["template"]["spec"]["domain"], 2 if live_migration else 1)
    elif kind == "Cluster":  # CloudNativePG: its instances, and the pod that bootstraps the first
        (request, limit), n = (
            _resources(spec.get("resources"), need.default_limit),
            int(spec.get("instances", 1)),
        )
        need.pod(request, limit, n + 1)
        need.claim(spec["storage"]["size"], n)
    elif kind == "InnoDBCluster":  # the MySQL Operator: server, sidecar and router pods
        n = int(spec.get("instances", 3))
        containers = (spec.get("podSpec") or {}).get("containers") or []
        server = _resources(containers[0].get("resources") if containers else None, need.default_limit)
        sidecar = _resources(None, need.default_limit)
        need.pod(
            (server[0][0] + sidecar[0][0], server[0][1] + sidecar[0][1]),
            (server[1][0] + sidecar[1][0], server[1][1] + sidecar[1][1]),
            n,
        )
        need.pod(*_resources(None, need.default_limit), int((spec.get("router") or {}).get("instances", 1)))
        need.claim(spec["datadirVolumeClaimTemplate"]["resources"]["requests"]["storage"], n)
    elif kind == "MariaDB":
        n = int(spec.get("replicas", 1))
        need.pod(*_resources(spec.get("resources"), need.default_limit), n)
        need.claim(spec["storage"]["size"], n)
    elif kind == "Backup":  # mariadb-operator's backup Job, and where it writes
        need.pod(*_resources(spec.get("resources"), need.default_limit))
        claim = (spec.get("storage") or {}).get("persistentVolumeClaim")
        if claim:
            need.claim(claim["resources"]["requests"]["storage"])


def launcher_mib(memory: str, cores: int) -> int:
    """The memory of the virt-launcher pod of a VM of this size."""
    mib = quantities.mebibytes(memory)
    return mib + vm_overhead_mib(mib, cores)


def forklift_vm(need: Need, memory: str, cores: int, disks_gb: Iterable[float]) -> None:
    """A VM Forklift creates in the namespace: it carries no limits, so the LimitRange's default applies (the
    namespace's default is raised to cover it: `launcher_mib`); and its virt-v2v conversion pod, with the
    defaults."""
    launcher = launcher_mib(memory, cores)
    need.pod((100 * cores, launcher), need.default_limit)
    need.pod(*_resources(None, need.default_limit))
    for gb in disks_gb:
        need.claim(quantities.gib(gb))


def needs(
    docs: Iterable[Mapping[str, Any]], live_migration: bool, default_limits: Mapping[str, tuple[int, int]]
) -> dict[str, Need]:
    out: dict[str, Need] = {}
    for doc in docs:
        namespace = (doc.get("metadata") or {}).get("namespace")
        if namespace:
            need = out.setdefault(
                namespace, Need(default_limit=default_limits.get(namespace, DEFAULTS["limit"]))
            )
            add(need, doc, live_migration)
    return out
