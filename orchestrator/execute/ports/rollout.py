"""When a rollout is done: kubectl's rollout-status rules, as pure functions of an object's status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def deployment(obj: dict[str, Any]) -> tuple[bool, str]:
    """(done, why not): kubectl's DeploymentStatusViewer."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    generation = (obj.get("metadata") or {}).get("generation", 0)
    if generation > status.get("observedGeneration", -1):
        return False, "waiting for the rollout to be observed"
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
            raise RolloutFailed(f"deployment exceeded its progress deadline: {condition.get('message', '')}")
    replicas = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    if updated < replicas:
        return False, f"{updated} of {replicas} new replicas updated"
    if status.get("replicas", 0) > updated:
        return False, f"{status.get('replicas', 0) - updated} old replicas pending termination"
    if status.get("availableReplicas", 0) < updated:
        return False, f"{status.get('availableReplicas', 0)} of {updated} updated replicas available"
    return True, "rolled out"


def statefulset(obj: dict[str, Any]) -> tuple[bool, str]:
    """kubectl's StatefulSetStatusViewer for the RollingUpdate strategy."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    generation = (obj.get("metadata") or {}).get("generation", 0)
    if status.get("observedGeneration", -1) < generation:
        return False, "waiting for the statefulset spec update to be observed"
    replicas = spec.get("replicas", 1)
    if status.get("readyReplicas", 0) < replicas:
        return False, f"{status.get('readyReplicas', 0)} of {replicas} pods ready"
    if status.get("updateRevision") != status.get("currentRevision"):
        return False, "waiting for the rolling update to complete"
    return True, "rolled out"


def virtualmachine(obj: dict[str, Any]) -> tuple[bool, str]:
    status = obj.get("status") or {}
    return (
        (True, "ready") if status.get("ready") else (False, f"VM {status.get('printableStatus', 'starting')}")
    )


def _condition(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The condition of that type, if the controller has seen the current generation (a condition that carries
    `observedGeneration` and lags the object's is stale: the spec just changed)."""
    generation = (obj.get("metadata") or {}).get("generation", 0)
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == kind:
            return None if c.get("observedGeneration", generation) < generation else c
    return None


def _true(obj: dict[str, Any], kind: str) -> bool:
    c = _condition(obj, kind)
    return c is not None and c.get("status") == "True"


def _failed(obj: dict[str, Any], what: str) -> None:
    c = _condition(obj, "Failed")
    if c is not None and c.get("status") == "True":
        raise RolloutFailed(f"{what} failed: {c.get('message') or c.get('reason') or ''}")


def job(obj: dict[str, Any]) -> tuple[bool, str]:
    """A Job is done when it succeeded (the file sync copied everything); a Failed condition fails it."""
    _failed(obj, "job")
    if (obj.get("status") or {}).get("succeeded", 0) >= 1 or _true(obj, "Complete"):
        return True, "completed"
    return False, "running"


def cnpg_cluster(obj: dict[str, Any]) -> tuple[bool, str]:
    """CloudNativePG: every instance ready and the cluster healthy; a replica cluster streaming from its source,
    a promoted one with its primary elected."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if not _true(obj, "Ready"):
        return False, f"cluster {status.get('phase', 'starting')}"
    if status.get("readyInstances", 0) < spec.get("instances", 1):
        return False, f"{status.get('readyInstances', 0)} of {spec.get('instances', 1)} instances ready"
    replica = (spec.get("replica") or {}).get("enabled", False)
    if not replica and status.get("currentPrimary") != status.get("targetPrimary"):
        return False, "electing the primary"
    return True, "replica streaming from the source" if replica else f"primary {status.get('currentPrimary')}"


def ready(obj: dict[str, Any]) -> tuple[bool, str]:
    """Operators that say Ready (mariadb-operator's MariaDB) or Complete (its Backup)."""
    _failed(obj, str(obj.get("kind")))
    if _true(obj, "Ready") or _true(obj, "Complete"):
        return True, "ready"
    return False, "not ready"


def innodbcluster(obj: dict[str, Any]) -> tuple[bool, str]:
    state = ((obj.get("status") or {}).get("cluster") or {}).get("status", "PENDING")
    return (True, "ONLINE") if state == "ONLINE" else (False, f"cluster {state}")


def migration(obj: dict[str, Any]) -> tuple[bool, str]:
    """Forklift: before its cutover time a warm migration is ready once a precopy has completed (the warm copy
    runs while the source serves); at or past it, only when it Succeeded (the VM cut over)."""
    _failed(obj, "migration")
    cutover = (obj.get("spec") or {}).get("cutover")
    due = cutover is not None and datetime.fromisoformat(str(cutover).replace("Z", "+00:00")) <= datetime.now(
        UTC
    )
    if _true(obj, "Succeeded"):
        return True, "cut over"
    if due:
        return False, "cutting over"
    vms = (obj.get("status") or {}).get("vms") or [{}]
    precopies = [p for vm in vms for p in ((vm.get("warm") or {}).get("precopies") or []) if p.get("end")]
    return (True, f"warm: {len(precopies)} precopies") if precopies else (False, "first precopy running")


class RolloutFailed(Exception):
    pass


WATCHED = {
    "Deployment": deployment,
    "StatefulSet": statefulset,
    "VirtualMachine": virtualmachine,
    "Job": job,
    "Cluster": cnpg_cluster,
    "InnoDBCluster": innodbcluster,
    "MariaDB": ready,
    "Backup": ready,
    "Migration": migration,
}
