"""How a cloud system's data gets in, by the engines built for it, and how its users reach it.

- A VM with a known source (`deployment.source`) moves warm with Forklift: the maps, the Plan and a Migration
  whose cutover is the wave's window; Forklift creates the VM. Without one (or from a physical machine) each
  disk is imported by CDI from the source's exported image.
- PostgreSQL is a CloudNativePG replica cluster of the source (pg_basebackup), promoted in the window; MySQL an
  InnoDBCluster cloned from the source, and MariaDB a mariadb-operator server restored from a backup of the
  source: both created in the window, while the source's writes are stopped (`govmig.gov.cn/apply-at`). Other
  engines, and a classified system's databases without an approved link, start empty and are filled at the
  checkpoint of the data move.
- Files come by two rsync Jobs (while the source serves, then in the window) into the claim the workloads mount;
  a NetworkPolicy opens the way to the source for exactly these movers, until cutover.
- Every system with a front end gets an HTTPRoute on its zone's Gateway under its host name.

Every object that holds data names where it comes from in `govmig.gov.cn/data-from`.
"""

from __future__ import annotations

import math

from jinja2 import Environment

from ..plan import engine_profile
from . import naming
from .quantities import cpu, gib, memory
from .settings import RenderSettings
from .views import DatabaseView, Files, SystemView

DB_CPU, DB_MEMORY = (1000, 2000), (2048, 4096)
"""What each database instance asks for and may use (millicores, MiB)."""


def _driven(db: DatabaseView) -> bool:
    return db.how in ("logical", "binlog")


def data_from(s: SystemView, db: DatabaseView) -> str:
    if _driven(db):
        p = engine_profile(db.engine)
        scheme = p.replication.url_scheme if p.replication else "mysql"
        return f"{scheme}://{s.source_host}:{p.port or 0}/{db.dbname}"
    return f"checkpoint:{db.how}"


def database_files(env: Environment, s: SystemView, settings: RenderSettings, base: str) -> Files:
    files: Files = {}
    instances = 2 if s.mlps >= 3 else 1
    for db in s.databases:
        p = engine_profile(db.engine)
        common = {
            "s": s,
            "db": db,
            "labels": {**s.labels, naming.NAME: db.name},
            "pod_labels": {**s.labels, naming.NAME: db.name},
            "selector": {naming.PART_OF: s.system, naming.NAME: db.name},
            "secret": naming.k8s_name(db.name, "credentials"),
            "storage_class": settings.storage_class,
            "port": p.port or 5432,
            "data_from": data_from(s, db),
            "driven": _driven(db),
            "source_host": s.source_host,
            "source_user": settings.source_user,
            "cpu": (cpu(DB_CPU[0]), cpu(DB_CPU[1])),
            "memory": (memory(DB_MEMORY[0]), memory(DB_MEMORY[1])),
            "image": db.image,
            "image_repository": db.image.rsplit("/", 1)[0],
            "instances": instances if p.operator is None or p.operator.instances_follow_level else 1,
            "layout": p.image_layout,
            "dr": settings.dr_backup,
        }
        template = p.operator.template if p.operator else "k8s/database.yaml.j2"
        files[f"{base}/{db.name}.yaml"] = env.get_template(template).render(**common)
    return files


def vm_files(env: Environment, s: SystemView, settings: RenderSettings, base: str) -> Files:
    vm = naming.k8s_name(s.system, "vm")
    labels, pod_labels = s.labels, {**s.labels, naming.NAME: vm}
    common = {
        "s": s,
        "vm": vm,
        "labels": labels,
        "pod_labels": pod_labels,
        "pod_selector": {naming.PART_OF: s.system, naming.NAME: vm},
        "ports": sorted({c.port for c in s.components if c.port}),
        "storage_class": settings.storage_class,
        "access_mode": "ReadWriteMany" if settings.storage_rwx else "ReadWriteOnce",
    }
    if s.forklift:
        assert s.vm_source is not None
        platform, source_vm = s.vm_source
        where = settings.source_platforms[platform]
        text = env.get_template("k8s/forklift.yaml.j2").render(
            name=naming.k8s_name(s.department, s.system),
            platform=platform,
            provider=naming.k8s_name(platform, "source"),
            destination=settings.destination_provider,
            forklift_namespace=settings.forklift_namespace,
            source_network=where.network,
            source_datastore=where.datastore,
            source_vm=source_vm,
            cutover=s.window_start,
            disks=",".join(f"{gb}Gi" for gb in disks_gb(s, settings)),
            **common,
        )
        return {f"{base}/forklift.yaml": text}
    image = f"{settings.vm_image_url}/{s.department}/{s.system}"
    disks = [_disk(naming.k8s_name(s.system, "root"), f"{image}/root.qcow2", f"{settings.vm_root_disk_gb}Gi")]
    if s.data_gb:
        disks.append(_disk(naming.k8s_name(s.system, "disk-data"), f"{image}/data.qcow2", gib(s.data_gb)))
    text = env.get_template("k8s/virtualmachine.yaml.j2").render(
        disks=disks,
        eviction="LiveMigrate" if settings.storage_rwx else "LiveMigrateIfPossible",
        vm_cpu_request=cpu(100 * s.vm_cores),  # KubeVirt's default CPU allocation ratio: 1 in 10
        **common,
    )
    return {f"{base}/virtualmachine.yaml": text}


def disks_gb(s: SystemView, settings: RenderSettings) -> list[int]:
    """The sizes of a VM's disks: its root disk, and one for its data (`disks_gb` is what the quota counts)."""
    return [settings.vm_root_disk_gb, *([math.ceil(s.data_gb)] if s.data_gb else [])]


def _disk(name: str, url: str, size: str) -> dict[str, str]:
    return {"name": name, "url": url, "size": size}


def movers(s: SystemView) -> list[str]:
    """The pods that pull data from the source: the databases' and the file sync's."""
    names = [db.name for db in s.databases if _driven(db)] if s.kind == "container" else []
    return names + ([naming.k8s_name(s.system, "files")] if s.claims_data else [])


def filesync_files(env: Environment, s: SystemView, settings: RenderSettings, base: str) -> Files:
    files: Files = {}
    job = naming.k8s_name(s.system, "files")
    if s.claims_data:
        source = f"{settings.source_user}@{s.source_host}:{settings.data_dir}/{s.system}"
        files[f"{base}/files.yaml"] = env.get_template("k8s/filesync.yaml.j2").render(
            s=s,
            job=job,
            labels={**s.labels, naming.NAME: job},
            pod_labels={**s.labels, naming.NAME: job},
            image=settings.image(settings.file_sync_image),
            source=source,
            data_from=f"rsync://{s.source_host}{settings.data_dir}/{s.system}",
            data_claim=naming.k8s_name(s.system, "data"),
            ssh_secret=settings.source_ssh_secret,
        )
    out = movers(s)
    if out:
        ports = {engine_profile(db.engine).port or 5432 for db in s.databases if db.name in out}
        ports |= {22} if s.claims_data else set()
        files[f"{base}/migration-path.yaml"] = env.get_template("k8s/migration_path.yaml.j2").render(
            s=s,
            name=naming.k8s_name(s.system, "migration-path"),
            labels=s.labels,
            movers=out,
            cidrs=settings.source_cidrs,
            ports=sorted(ports),
        )
    return files


def route_files(env: Environment, s: SystemView, settings: RenderSettings, base: str) -> Files:
    if s.front is None:
        return {}
    service, port = s.front
    return {
        f"{base}/route.yaml": env.get_template("k8s/route.yaml.j2").render(
            s=s,
            name=naming.k8s_name(s.system, "route"),
            labels=s.labels,
            gateway=settings.gateways[s.zone],
            service=service,
            port=port,
        )
    }
