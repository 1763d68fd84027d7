"""When a rollout is done: kubectl's rollout-status rules, as pure functions of an object's status."""

from __future__ import annotations

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


class RolloutFailed(Exception):
    pass


WATCHED = {"Deployment": deployment, "StatefulSet": statefulset, "VirtualMachine": virtualmachine}
