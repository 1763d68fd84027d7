"""The DR site's overlays (001 二(五); MLPS >= 3): the same systems, fed from the primary, not started empty.

A CloudNativePG database becomes a replica cluster of the primary's (streaming over the primary's `-rw`
service, with the replication user's certificates); the MySQL and MariaDB copies start from the scheduled
backups the primary writes to the DR cloud's object storage (rendered with the primary's objects); what moves
data from the department's source (Forklift, the file-sync Jobs, the window's clone and backup, the way to the
source) is deleted from the DR copy, so the source is never migrated twice. Workloads stay scaled down and VMs
halted until the DR site takes over.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from ..contracts import tree as layout
from ..plan import engine_profile
from . import naming
from .settings import RenderSettings
from .targets import DEFAULT_TARGET, Target
from .views import Files, SystemView


def _json(target: dict[str, str], ops: list[dict[str, Any]]) -> dict[str, Any]:
    return {"target": target, "patch": yaml.safe_dump(ops)}


def _delete(api: str, kind: str, name: str, namespace: str) -> dict[str, Any]:
    doc = {
        "$patch": "delete",
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
    }
    return {"patch": yaml.safe_dump(doc)}


def _storage(settings: RenderSettings) -> list[dict[str, Any]]:
    dr = settings.dr_storage_class
    return [
        _json({"kind": "Deployment"}, [{"op": "replace", "path": "/spec/replicas", "value": 1}]),
        _json(
            {"kind": "VirtualMachine"}, [{"op": "replace", "path": "/spec/runStrategy", "value": "Halted"}]
        ),
        _json(
            {"kind": "PersistentVolumeClaim"},
            [{"op": "replace", "path": "/spec/storageClassName", "value": dr}],
        ),
        _json(
            {"kind": "DataVolume"}, [{"op": "replace", "path": "/spec/storage/storageClassName", "value": dr}]
        ),
        _json(
            {"kind": "StatefulSet"},
            [{"op": "replace", "path": "/spec/volumeClaimTemplates/0/spec/storageClassName", "value": dr}],
        ),
    ]


def _system(v: SystemView, settings: RenderSettings) -> list[dict[str, Any]]:
    ns, patches = v.namespace, []
    for db in v.databases if v.kind == "container" else []:
        target = {"kind": db_kind(db.engine), "name": db.name, "namespace": ns}
        dr = engine_profile(db.engine).dr
        if dr == "replica-cluster":
            primary = {
                "name": "primary",
                "connectionParameters": {
                    "host": f"{db.name}-rw.{ns}.{settings.dr_primary_domain}",
                    "user": "streaming_replica",
                    "dbname": "postgres",
                    "sslmode": "verify-full",
                },
                "sslKey": {"name": f"{db.name}-replication", "key": "tls.key"},
                "sslCert": {"name": f"{db.name}-replication", "key": "tls.crt"},
                "sslRootCert": {"name": f"{db.name}-ca", "key": "ca.crt"},
            }
            patches.append(
                _json(
                    target,
                    [
                        {
                            "op": "replace",
                            "path": "/spec/bootstrap",
                            "value": {"pg_basebackup": {"source": "primary"}},
                        },
                        {
                            "op": "replace",
                            "path": "/spec/replica",
                            "value": {"enabled": True, "source": "primary"},
                        },
                        {"op": "replace", "path": "/spec/externalClusters", "value": [primary]},
                        {
                            "op": "replace",
                            "path": "/spec/storage/storageClass",
                            "value": settings.dr_storage_class,
                        },
                    ],
                )
            )
        elif dr == "dump-restore":  # restored from the primary's scheduled dumps; it schedules none itself
            b = settings.dr_backup
            s3 = {
                "bucketName": b.bucket,
                "config": b.secret,
                "endpoint": b.endpoint,
                "prefix": f"{ns}/{db.name}",
            }
            ops = [
                {
                    "op": "add",
                    "path": "/spec/initDB",
                    "value": {"dump": {"name": "dr", "storage": {"s3": s3}}},
                }
            ]
            ops += [{"op": "remove", "path": f"/spec/{k}"} for k in ("backupProfiles", "backupSchedules")]
            patches.append(_json(target, ops))
        elif dr == "s3-bootstrap":
            b = settings.dr_backup
            bucket: dict[str, object] = {
                "bucket": b.bucket,
                "endpoint": b.endpoint,
                "prefix": f"{ns}/{db.name}",
                "accessKeyIdSecretKeyRef": {"name": b.secret, "key": "access-key-id"},
                "secretAccessKeySecretKeyRef": {"name": b.secret, "key": "secret-access-key"},
            }
            patches.append(
                _json(target, [{"op": "add", "path": "/spec/bootstrapFrom", "value": {"s3": bucket}}])
            )
            gone = [("Backup", f"{db.name}-dr")]
            if db.how in ("logical", "binlog"):
                gone += [("Backup", f"{db.name}-window"), ("ExternalMariaDB", f"{db.name}-source")]
            patches += [_delete("k8s.mariadb.com/v1alpha1", kind, name, ns) for kind, name in gone]
    if v.forklift:
        name = naming.k8s_name(v.department, v.system)
        for kind in ("NetworkMap", "StorageMap", "Plan", "Migration"):
            patches.append(_delete("forklift.konveyor.io/v1beta1", kind, name, settings.forklift_namespace))
    if v.claims_data:
        job = naming.k8s_name(v.system, "files")
        for phase in ("presync", "final-sync"):
            patches.append(_delete("batch/v1", "Job", f"{job}-{phase}", ns))
    if v.kind == "container" and (v.claims_data or any(d.how in ("logical", "binlog") for d in v.databases)):
        way = naming.k8s_name(v.system, "migration-path")
        patches.append(_delete("networking.k8s.io/v1", "NetworkPolicy", way, ns))
    return patches


def db_kind(engine: str) -> str:
    operator = engine_profile(engine).operator
    return operator.kind if operator else "StatefulSet"


def dr_overlays(
    views: Sequence[SystemView], settings: RenderSettings, target: Target = DEFAULT_TARGET
) -> Files:
    files: Files = {}
    for side, classified in (("dr-external", False), ("dr-internal", True)):
        dr = [v for v in views if v.on_kubernetes and v.dr and v.classified == classified]
        if not dr:
            continue
        spaces = sorted({(v.department, v.zone.value) for v in dr})
        bases = (
            [layout.platform_base(n) for n in sorted({v.network.value for v in dr})]
            + [layout.namespace_base(d, z) for d, z in spaces]
            + [layout.system_base(v.department, v.system) for v in dr]
        )
        patches = _storage(settings) + [p for v in dr for p in _system(v, settings)]
        labels = {"govmig.gov.cn/site": "dr", "govmig.gov.cn/overlay": side}
        files.update(target.overlay(side, bases, labels, patches))
    return files
