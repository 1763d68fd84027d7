"""What a site decides about the rendered artifacts: labels, objectives, storage, images, addresses."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..contracts import OBJECTIVE_HIGH, OBJECTIVE_LOW
from ..plan import ENGINE_PROFILES, Zone

EXAMPLE = "govcloud.example"
"""The defaults' domain: under `.example`, which RFC 6761 reserves, so an unconfigured name never resolves."""


class Gateway(BaseModel):
    """A zone's Gateway (Gateway API) that the systems' HTTPRoutes attach to; the site runs it."""

    model_config = ConfigDict(extra="forbid")
    name: str
    namespace: str
    section: str = "https"
    """The listener the routes attach to."""
    tls_secret: str = "wildcard-tls"
    """The certificate's Secret in the Gateway's namespace (the site's: only referenced)."""
    gateway_class: str = "gov-gateway"


class SourcePlatform(BaseModel):
    """A source virtualization platform as Forklift reaches it: the Provider's URL and credentials' Secret, and
    the source network and datastore its VMs use."""

    model_config = ConfigDict(extra="forbid")
    url: str
    secret: str
    network: str = "VM Network"
    datastore: str = "datastore1"


class DrBackup(BaseModel):
    """Where scheduled backups for the DR site go (S3-compatible object storage in the DR cloud)."""

    model_config = ConfigDict(extra="forbid")
    bucket: str = "govmig-dr"
    endpoint: str = f"https://s3.dr.{EXAMPLE}"
    secret: str = "dr-backup-s3"
    """The Secret with the credentials (keys `access-key-id`, `secret-access-key`; MySQL Shell's `config`)."""
    schedule: str = "0 2 * * *"


def _platforms() -> dict[str, SourcePlatform]:
    return {
        p: SourcePlatform(
            url=f"https://{p}.src.{EXAMPLE}/sdk" if p == "vsphere" else f"https://{p}.src.{EXAMPLE}",
            secret=f"{p}-credentials",
        )
        for p in ("vsphere", "ovirt", "openstack", "hyperv", "ova")
    }


def _gateways() -> dict[Zone, Gateway]:
    return {
        Zone.internet: Gateway(name="internet", namespace="internet-gateway"),
        Zone.extranet: Gateway(name="extranet", namespace="egov-gateway"),
        Zone.internal: Gateway(name="internal", namespace="egov-gateway"),
    }


class RenderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    release_label: str = "kube-prometheus-stack"
    """The `release` label kube-prometheus selects ServiceMonitors, Probes and PrometheusRules by."""
    blackbox_url: str = "blackbox-exporter.monitoring.svc:9115"
    objective_low: Annotated[float, Field(gt=0, lt=100)] = OBJECTIVE_LOW
    """Availability objective (%) for MLPS 1-2 systems..."""
    objective_high: Annotated[float, Field(gt=0, lt=100)] = OBJECTIVE_HIGH
    """...and for MLPS 3 and up."""
    execution_nodes: dict[
        Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")],
        Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")],
    ] = Field(default_factory=dict)
    """Which execution node runs the playbooks of each inventory zone group (egov_internal, egov_external,
    govcloud, private, frontends): written as `govmig_execution_node` in that group's group_vars; the nodes
    themselves are the site's nodes file (`govmig worker --nodes`). A zone without one runs on the control node."""
    storage_class: str = "gov-ssd"
    shared_storage_class: str = "gov-nas"
    """ReadWriteMany class for a system's shared data directory."""
    dr_storage_class: str = "dr-ssd"
    dr_primary_domain: str = f"primary.{EXAMPLE}"
    """How the DR cloud reaches the primary's database services: NAME-rw.NAMESPACE.dr_primary_domain (a
    CloudNativePG replica cluster streams from there)."""
    dr_backup: DrBackup = Field(default_factory=DrBackup)
    storage_rwx: bool = False
    """`storage_class` gives ReadWriteMany block volumes (Ceph RBD, a SAN with RWX): VM disks are then RWX and
    VMs live-migrate on a node drain; otherwise they are RWO and evicted with `LiveMigrateIfPossible`."""
    vm_image_url: str = f"https://images.{EXAMPLE}/rehost"
    """Where exported source-VM disks are served for CDI to import (a VM without `deployment.source`):
    URL/DEPT/SYSTEM/root.qcow2."""
    source_platforms: dict[str, SourcePlatform] = Field(default_factory=_platforms)
    """Forklift's view of each source platform (`deployment.source.platform`)."""
    forklift_namespace: str = "konveyor-forklift"
    destination_provider: str = "host"
    """Forklift's provider for the cluster itself (the one its operator creates)."""
    vm_root_disk_gb: Annotated[int, Field(ge=1)] = 50
    database_images: dict[str, str] = Field(
        default_factory=lambda: {p.name: p.image for p in ENGINE_PROFILES if p.image}
    )
    """Each engine's image on the cloud (the engines' profiles give the defaults)."""
    file_sync_image: str = f"registry.{EXAMPLE}/base/rsync:3.2"
    """The image of the Jobs that bring a system's files into its claim (rsync over SSH from the source)."""
    source_ssh_secret: str = "govmig-source-ssh"
    """The Secret in each namespace with the key (`id_ed25519`) and `known_hosts` the file-sync Jobs use."""
    source_cidrs: list[str] = Field(default_factory=lambda: ["198.18.0.0/15"])
    """The departments' source networks as the cloud reaches them over the migration link: the only place a
    system's movers (replication, file sync) may connect to, and only until cutover."""
    source_user: str = "govmig"
    """The administrator the cloud's engines log in to a source database as (its password: the namespace's
    `DB-credentials` Secret, key `source-password`; never rendered)."""
    operator_namespaces: dict[str, str] = Field(
        default_factory=lambda: {p.name: p.operator.namespace for p in ENGINE_PROFILES if p.operator}
    )
    """Where each database operator runs: its namespace may reach the instances it manages."""
    api_server_cidrs: list[str] = Field(default_factory=lambda: ["10.96.0.1/32"])
    """The Kubernetes API's address: CloudNativePG's instance manager talks to it from each database pod."""
    image_digests: dict[str, str] = Field(default_factory=dict)
    """Image reference -> `sha256:…`: pinned where known; an image without a digest is rendered as named and
    the render index warns about it."""
    quota_headroom: Annotated[float, Field(ge=1)] = 1.2
    host_domain: str = EXAMPLE
    """Hosts are SYSTEM.DEPT.ZONE.host_domain (or SYSTEM.DEPT.zone_domains[ZONE]); source hosts
    SYSTEM.DEPT.src.host_domain."""
    zone_domains: dict[Zone, str] = Field(default_factory=dict)
    """A zone's own domain, where it is not ZONE.host_domain."""
    gateways: dict[Zone, Gateway] = Field(default_factory=_gateways)
    """Every cloud system is routed by host name on its zone's Gateway."""
    monitoring_namespace: str = "monitoring"
    sharing_namespace: str = "sharing-platform"
    """The platform's namespaces in each zone's cluster, rendered with the labels the NetworkPolicies select."""
    data_dir: str = "/srv/govmig"
    """Where a system's data lives on its hosts (the playbooks sync DATA_DIR/SYSTEM)."""
    approved_internal_link: bool = False
    """The site has an approved link into the internal network (涉密网络的批准通道): classified systems' data then
    moves over it like any other; without one it moves by an offline transfer the operator confirms."""
    backup_dir: str = "/var/backups/govmig"
    archive_dir: str = "/var/archives/govmig"
    """Where a retired system's archive is kept (清理：数据归档): its files and each database's own dump, with
    their checksums, on its source host; the site backs this folder up as records."""

    def domain(self, where: str) -> str:
        """The domain of a zone's hosts, or of the `src` (sources) and `frontend` names."""
        zone = next((z for z in Zone if z.value == where), None)
        if zone is not None and zone in self.zone_domains:
            return self.zone_domains[zone]
        return f"{where}.{self.host_domain}"

    def image(self, ref: str) -> str:
        """The reference as rendered: pinned by digest where the site gave one."""
        digest = self.image_digests.get(ref)
        return f"{ref.split('@', 1)[0]}@{digest}" if digest else ref


DEFAULT_RENDER = RenderSettings()
