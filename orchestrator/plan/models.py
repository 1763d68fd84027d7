"""The migration plan contract v1 (shared/DOMAIN.md) as pydantic models: the one source of truth for input.

Unknown keys are kept (`extra="allow"`) rather than rejected, because the contract promises that optional fields
may be added; intake reports them as warnings so a typo does not pass unnoticed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .values import (
    CalendarDate,
    Count,
    DeptCode,
    DnsLabel,
    Gigabytes,
    ImageRef,
    Percent,
    Prose,
    Quantity,
    Reference,
    Text,
    UrlPath,
    Wan,
    Whole,
)
from .vocab import (
    BaseData,
    Classified,
    DatabaseEngine,
    DeploymentKind,
    Frequency,
    FundingChannel,
    Level,
    MaintenanceStatus,
    Network,
    Scope,
    Sharing,
    SourcePlatform,
    Zone,
)


class Model(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
        populate_by_name=True,
        use_enum_values=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        """The contract (v1.1): an optional field given as `""`, whitespace or null is absent, as if not written.

        A required field left blank is then reported as missing, which is what the clerk has to fix."""
        if not isinstance(data, dict):
            return data
        return {k: v for k, v in data.items() if v is not None and not (isinstance(v, str) and not v.strip())}


class Contact(Model):
    name: Text | None = None
    phone: Text | None = None


class Department(Model):
    code: DeptCode
    name: Text
    level: Level
    contact: Contact | None = None


class Usage(Model):
    scope: Scope = Scope.department
    users: Annotated[Whole, Field(ge=0, le=2_000_000_000)] | None = None
    frequency: Frequency | None = None
    last_business_use: CalendarDate | None = None
    requests_per_day: Count | None = None
    """Declared load, for Z3 (idle resources) where no measurement exists yet; a measurement overrides it."""
    cpu_percent: Percent | None = None


class Approval(Model):
    authority: Text | None = None
    date: CalendarDate | None = None


class Filing(Model):
    project_name: Text | None = None
    constructing_unit: Text | None = None
    investment_wan: Wan | None = None
    annual_om_wan: Wan | None = None
    funding_channel: FundingChannel | None = None


class Security(Model):
    mlps_level: Annotated[Whole, Field(ge=1, le=5)]
    mlps_filed: bool = False
    classified: Classified = Classified.none
    classified_filed: bool = False

    @property
    def is_classified(self) -> bool:
        return self.classified is not Classified.none


class NetworkInfo(Model):
    current: Text
    internet_facing: bool = False


class Maintenance(Model):
    status: MaintenanceStatus = MaintenanceStatus.active
    last_update: CalendarDate | None = None


class Component(Model):
    name: DnsLabel
    image: ImageRef | None = None
    port: Annotated[Whole, Field(ge=1, le=65535)] | None = None
    replicas: Annotated[Whole, Field(ge=1, le=1000)] = 1
    cpu: Quantity = "500m"
    memory: Quantity = "512Mi"
    health_path: UrlPath | None = None
    stateful: bool = False
    """Keeps state on its own disk (rendered as a StatefulSet); an optional field beyond DOMAIN.md's list."""


class Database(Model):
    engine: DatabaseEngine
    size_gb: Gigabytes = 0


class VmSource(Model):
    """The source VM's identity (contract v1.1), for Forklift: its platform and its name there."""

    platform: SourcePlatform
    vm: Text


class Deployment(Model):
    kind: DeploymentKind
    special_hardware: bool = False
    source: VmSource | None = None
    components: list[Component] = Field(default_factory=list)
    databases: list[Database] = Field(default_factory=list)
    data_gb: Gigabytes = 0


class DataResource(Model):
    name: Text
    sharing: Sharing | None = None
    legal_basis: Prose | None = None
    base_data: list[BaseData] = Field(default_factory=list)


class Target(Model):
    network: Network | None = None
    cloud: bool | None = None
    zone: Zone | None = None


class Exemption(Model):
    """P4's exemption. A part left out or blank is not an input error (DOMAIN.md v1.2): an incomplete exemption
    is refused by P4 in the decision, as an incomplete filing is by P8, and the plan's other systems stand."""

    reason: Prose | None = None
    authority: Text | None = None
    document: Text | None = None

    def missing(self) -> list[tuple[str, str]]:
        """The parts it lacks, as (zh, en)."""
        parts = [(self.reason, "豁免理由", "reason"), (self.authority, "批准机关", "approving authority")]
        parts.append((self.document, "批准文件", "document"))
        return [(zh, en) for value, zh, en in parts if not value]


class System(Model):
    id: DnsLabel
    name: Text
    owner_unit: Text | None = None
    function: Prose
    usage: Usage = Field(default_factory=Usage)
    approval: Approval = Field(default_factory=Approval)
    filing: Filing = Field(default_factory=Filing)
    security: Security
    network: NetworkInfo
    maintenance: Maintenance = Field(default_factory=Maintenance)
    replaced_by: Reference | None = None
    deployment: Deployment
    data_resources: list[DataResource] = Field(default_factory=list)
    depends_on: list[Reference] = Field(default_factory=list)
    target: Target | None = None
    exemption: Exemption | None = None


class MigrationPlan(Model):
    api_version: Literal["govmig/v1"] = Field(alias="apiVersion")
    kind: Literal["MigrationPlan"]
    department: Department
    deadline: CalendarDate
    systems: list[System] = Field(default_factory=list)

    def key(self, system: System) -> str:
        """The portfolio-wide name of one of this plan's systems: "DEPT/id"."""
        return f"{self.department.code}/{system.id}"
