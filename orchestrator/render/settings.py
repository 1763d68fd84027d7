"""What a site decides about the rendered artifacts: labels, objectives, storage, images, addresses."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class RenderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    release_label: str = "kube-prometheus-stack"
    """The `release` label kube-prometheus selects ServiceMonitors, Probes and PrometheusRules by."""
    blackbox_url: str = "blackbox-exporter.monitoring.svc:9115"
    objective_low: Annotated[float, Field(gt=0, lt=100)] = 99.5
    """Availability objective (%) for MLPS 1-2 systems..."""
    objective_high: Annotated[float, Field(gt=0, lt=100)] = 99.9
    """...and for MLPS 3 and up."""
    storage_class: str = "gov-ssd"
    shared_storage_class: str = "gov-nas"
    """ReadWriteMany class for a system's shared data directory."""
    dr_storage_class: str = "dr-ssd"
    vm_image_url: str = "https://images.govcloud.example.gov.cn/rehost"
    """Where converted source-VM disks are served for CDI to import: URL/DEPT/SYSTEM/root.qcow2."""
    vm_root_disk_gb: Annotated[int, Field(ge=1)] = 50
    database_images: dict[str, str] = Field(
        default_factory=lambda: {
            "mysql": "registry.example.gov.cn/base/mysql:8.0",
            "postgresql": "registry.example.gov.cn/base/postgres:16",
            "dameng": "registry.example.gov.cn/base/dameng:8",
            "kingbase": "registry.example.gov.cn/base/kingbase:v9",
            "oracle": "registry.example.gov.cn/base/oracle:19c",
        }
    )
    quota_headroom: Annotated[float, Field(ge=1)] = 1.2
    host_domain: str = "gov.example.cn"
    """Off-cloud hosts are SYSTEM.DEPT.ZONE.host_domain; source hosts SYSTEM.DEPT.src.host_domain."""
    data_dir: str = "/srv/govmig"
    """Where a system's data lives on its hosts (the playbooks sync DATA_DIR/SYSTEM)."""
    approved_internal_link: bool = False
    """The site has an approved link into the internal network (涉密网络的批准通道): classified systems' data then
    moves over it like any other; without one it moves by an offline transfer the operator confirms."""
    backup_dir: str = "/var/backups/govmig"


DEFAULT_RENDER = RenderSettings()
