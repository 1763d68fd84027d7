"""What a cluster does with a built overlay, as the documentation describes it, independent of render's sums.

- LimitRange defaulting (kubernetes.io/docs/concepts/policy/limit-range): a container without a limit gets the
  `default`; without a request, `defaultRequest`, else its limit; then a request above its limit, or a limit
  above `max`, is refused.
- ResourceQuota (…/policy/resource-quotas): the sum over every non-terminal pod of requests and limits, the
  claims' storage and counts, may not pass `hard`; a pod that names no limit for a tracked resource is refused.
- The pods that custom resources become: KubeVirt's virt-launcher (the VM's requests and limits plus its
  overhead; a live migration runs a second one), CDI's importer, CloudNativePG's instances and the pod that
  bootstraps the first, the MySQL Operator's servers with their sidecar and its routers, mariadb-operator's
  servers and backup Job, Forklift's VM (the source's size, no limits) and conversion pod.
- KubeVirt refuses to drain a node under a VM with `evictionStrategy: LiveMigrate` whose disks are not RWX.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestrator.render.quantities import mebibytes, millicores

Obj = dict[str, Any]
CDI_IMPORTER = {"requests": {"cpu": "100m", "memory": "60M"}, "limits": {"cpu": "750m", "memory": "600M"}}
OVERHEAD_MIB = 300  # virt-launcher's fixed part; KubeVirt adds page tables and per-vCPU memory on top


def build(overlay: Path) -> list[Obj]:
    out = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [d for d in yaml.safe_load_all(out.stdout) if d]


@dataclass
class Pod:
    namespace: str
    labels: dict[str, str]
    containers: list[Obj]
    origin: str
    volumes: list[Obj] = field(default_factory=list)


def _template(ns: str, t: Obj, origin: str) -> Pod:
    spec = t.get("spec") or {}
    return Pod(
        ns,
        (t.get("metadata") or {}).get("labels") or {},
        spec.get("containers") or [],
        origin,
        spec.get("volumes") or [],
    )


def _vm_container(domain: Obj, extra_mib: int) -> Obj:
    r = domain.get("resources") or {}
    out: Obj = {}
    for kind in ("requests", "limits"):
        if kind in r:
            out[kind] = dict(r[kind])
            if "memory" in r[kind]:
                out[kind]["memory"] = f"{mebibytes(r[kind]['memory']) + extra_mib}Mi"
    return {"name": "compute", "resources": out}


def pods(docs: Iterable[Obj]) -> Iterator[Pod]:
    """Every pod the objects become at the namespace's peak."""
    for d in docs:
        kind, meta, spec = d["kind"], d["metadata"], d.get("spec") or {}
        ns, origin = meta.get("namespace", ""), f"{d['kind']}/{meta['name']}"
        if kind == "Deployment":
            for _ in range(spec.get("replicas", 1) + 1):  # maxSurge 1 during a rollout
                yield _template(ns, spec["template"], origin)
        elif kind == "StatefulSet":
            for _ in range(spec.get("replicas", 1)):
                yield _template(ns, spec["template"], origin)
        elif kind == "Job":
            yield _template(ns, spec["template"], origin)
        elif kind == "DataVolume":
            yield Pod(ns, {}, [{"name": "importer", "resources": CDI_IMPORTER}], origin)
        elif kind == "VirtualMachine":
            t = spec["template"]
            domain = t["spec"]["domain"]
            guest = mebibytes(
                (domain.get("resources") or {}).get("limits", {}).get("memory") or domain["memory"]["guest"]
            )
            container = _vm_container(
                domain, OVERHEAD_MIB + guest // 100 + 8 * domain.get("cpu", {}).get("cores", 1)
            )
            copies = 2 if t["spec"].get("evictionStrategy") == "LiveMigrate" else 1
            for _ in range(copies):
                yield Pod(
                    ns, t["metadata"].get("labels") or {}, [container], origin, t["spec"].get("volumes") or []
                )
        elif kind == "Cluster":
            labels = (spec.get("inheritedMetadata") or {}).get("labels") or {}
            for _ in range(spec["instances"] + 1):
                yield Pod(
                    ns, labels, [{"name": "postgres", "resources": spec.get("resources") or {}}], origin
                )
        elif kind == "InnoDBCluster":
            server = ((spec.get("podSpec") or {}).get("containers") or [{}])[0]
            for _ in range(spec.get("instances", 3)):
                yield Pod(ns, spec.get("podLabels") or {}, [server, {"name": "sidecar"}], origin)
            for _ in range((spec.get("router") or {}).get("instances", 1)):
                yield Pod(ns, {}, [{"name": "router"}], origin)
        elif kind in ("MariaDB", "Backup"):
            labels = (spec.get("podMetadata") or {}).get("labels") or {}
            for _ in range(spec.get("replicas", 1) if kind == "MariaDB" else 1):
                yield Pod(
                    ns, labels, [{"name": kind.lower(), "resources": spec.get("resources") or {}}], origin
                )
        elif kind == "Plan":  # Forklift creates the VM in the target namespace, as large as the source
            target, notes = spec["targetNamespace"], meta.get("annotations") or {}
            memory = mebibytes(notes["govmig.gov.cn/vm-memory"])
            cores = int(notes["govmig.gov.cn/vm-cores"])
            extra = OVERHEAD_MIB + memory // 100 + 8 * cores
            vm = {
                "name": "compute",
                "resources": {"requests": {"cpu": f"{100 * cores}m", "memory": f"{memory + extra}Mi"}},
            }
            yield Pod(target, spec.get("targetLabels") or {}, [vm], origin)
            yield Pod(target, {}, [{"name": "virt-v2v"}], origin)


def claims(docs: Iterable[Obj]) -> Iterator[tuple[str, str, int, str]]:
    """(namespace, name, MiB, origin) of every claim the objects make."""
    for d in docs:
        kind, meta, spec = d["kind"], d["metadata"], d.get("spec") or {}
        ns, name = meta.get("namespace", ""), meta["name"]
        if kind == "PersistentVolumeClaim":
            yield ns, name, mebibytes(spec["resources"]["requests"]["storage"]), kind
        elif kind == "DataVolume":
            yield ns, name, mebibytes(spec["storage"]["resources"]["requests"]["storage"]), kind
        elif kind == "StatefulSet":
            for t in spec.get("volumeClaimTemplates") or []:
                for n in range(spec.get("replicas", 1)):
                    yield (
                        ns,
                        f"{t['metadata']['name']}-{name}-{n}",
                        mebibytes(t["spec"]["resources"]["requests"]["storage"]),
                        kind,
                    )
        elif kind == "Cluster":
            for n in range(spec["instances"]):
                yield ns, f"{name}-{n + 1}", mebibytes(spec["storage"]["size"]), kind
        elif kind == "InnoDBCluster":
            for n in range(spec.get("instances", 3)):
                yield (
                    ns,
                    f"datadir-{name}-{n}",
                    mebibytes(spec["datadirVolumeClaimTemplate"]["resources"]["requests"]["storage"]),
                    kind,
                )
        elif kind == "MariaDB":
            yield ns, f"storage-{name}-0", mebibytes(spec["storage"]["size"]), kind
        elif kind == "Backup" and "persistentVolumeClaim" in spec["storage"]:
            yield (
                ns,
                name,
                mebibytes(spec["storage"]["persistentVolumeClaim"]["resources"]["requests"]["storage"]),
                kind,
            )
        elif kind == "Plan":
            for n, size in enumerate(meta["annotations"]["govmig.gov.cn/vm-disks"].split(",")):
                yield spec["targetNamespace"], f"{name}-disk-{n}", mebibytes(size), kind


def _default(container: Obj, limit_range: Obj | None) -> tuple[Obj, list[str]]:
    """The container's resources after LimitRange defaulting, and why the API server would refuse it."""
    r = container.get("resources") or {}
    requests, limits = dict(r.get("requests") or {}), dict(r.get("limits") or {})
    problems = []
    item = next(
        (i for i in (limit_range or {}).get("spec", {}).get("limits", []) if i["type"] == "Container"), {}
    )
    for res in ("cpu", "memory"):
        if res not in limits and res in (item.get("default") or {}):
            limits[res] = item["default"][res]
        if res not in requests:
            if res in (item.get("defaultRequest") or {}):
                requests[res] = item["defaultRequest"][res]
            elif res in limits:
                requests[res] = limits[res]
        value = millicores if res == "cpu" else mebibytes
        if res in requests and res in limits and value(str(requests[res])) > value(str(limits[res])):
            problems.append(f"{container.get('name')}: {res} request {requests[res]} > limit {limits[res]}")
        if (
            res in limits
            and res in (item.get("max") or {})
            and value(str(limits[res])) > value(item["max"][res])
        ):
            problems.append(f"{container.get('name')}: {res} limit {limits[res]} > max {item['max'][res]}")
    return {"requests": requests, "limits": limits}, problems


def admit(docs: list[Obj]) -> list[str]:
    """Every reason the cluster would refuse or strand something in the built overlay."""
    problems: list[str] = []
    ranges = {d["metadata"]["namespace"]: d for d in docs if d["kind"] == "LimitRange"}
    quotas = {d["metadata"]["namespace"]: d["spec"]["hard"] for d in docs if d["kind"] == "ResourceQuota"}
    used: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for pod in pods(docs):
        for c in pod.containers:
            resources, why = _default(c, ranges.get(pod.namespace))
            problems += [f"{pod.namespace} {pod.origin}: {w}" for w in why]
            for kind in ("requests", "limits"):
                for res, value in resources[kind].items():
                    used[pod.namespace][f"{kind}.{res}"] += (millicores if res == "cpu" else mebibytes)(
                        str(value)
                    )
                if pod.namespace in quotas:
                    for res in ("cpu", "memory"):
                        if f"{kind}.{res}" in quotas[pod.namespace] and res not in resources[kind]:
                            problems.append(f"{pod.namespace} {pod.origin}: no {kind}.{res} under a quota")
        used[pod.namespace]["pods"] += 1
    for ns, _, mib, _ in claims(docs):
        used[ns]["requests.storage"] += mib
        used[ns]["persistentvolumeclaims"] += 1
    for ns, hard in quotas.items():
        for res, limit in hard.items():
            if res in used[ns]:
                have = (
                    float(limit)
                    if res in ("pods", "persistentvolumeclaims")
                    else (millicores(limit) if res.endswith("cpu") else mebibytes(limit))
                )
                if used[ns][res] > have:
                    problems.append(f"{ns}: {res} {used[ns][res]:.0f} > quota {limit}")
    for d in docs:
        if (
            d["kind"] == "VirtualMachine"
            and d["spec"]["template"]["spec"].get("evictionStrategy") == "LiveMigrate"
        ):
            names = {
                v["dataVolume"]["name"] for v in d["spec"]["template"]["spec"]["volumes"] if "dataVolume" in v
            }
            for dv in docs:
                shared = "ReadWriteMany" in (dv.get("spec", {}).get("storage") or {}).get("accessModes", [])
                if dv["kind"] == "DataVolume" and dv["metadata"]["name"] in names and not shared:
                    problems.append(
                        f"{d['metadata']['name']}: LiveMigrate on a ReadWriteOnce disk blocks drains"
                    )
    return problems
