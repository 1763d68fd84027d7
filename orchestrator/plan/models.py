"""The migration plan contract v1 (shared/DOMAIN.md) as pydantic models: the one source of truth for input.

Unknown keys are kept (`extra="allow"`) rather than rejected, because the contract promises that optional fields
may be added; intake reports them as warnings so a typo does not pass unnoticed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from .vocab import (
    BaseData,
    Classified,
    DeploymentKind,
    Frequency,
    FundingChannel,
    Level,
    MaintenanceStatus,
    Network,
    Scope,
    Sharing,
    Zone,
)

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DEPT_CODE = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")


def _dns_label(value: str) -> str:
    if len(value) > 63 or not DNS_LABEL.match(value):
        raise PydanticCustomError("dns_label", "not a DNS-1123 label: {value}", {"value": value})
    return value


def _dept_code(value: str) -> str:
    if len(value) > 64 or not DEPT_CODE.match(value):
        raise PydanticCustomError("dept_code", "not a department code: {value}", {"value": value})
    return value


def _reference(value: str) -> str:
    dept, _, local = value.rpartition("/")
    if dept:
        _dept_code(dept)
    try:
        _dns_label(local)
    except PydanticCustomError:
        raise PydanticCustomError("reference", "not a system reference: {value}", {"value": value}) from None
    return value


def _quantity(value: str) -> str:
    if not QUANTITY.match(value):
        raise PydanticCustomError("quantity", "not a Kubernetes quantity: {value}", {"value": value})
    return value


def _calendar_date(value: Any) -> Any:
    """Dates come as ISO strings or YAML/Excel dates; a bare number is never silently read as a Unix time."""
    if isinstance(value, bool | int | float):
        raise PydanticCustomError("date_type", "not a date: {value}", {"value": value})
    if isinstance(value, datetime):
        return value.date()
    return value


DnsLabel = Annotated[str, AfterValidator(_dns_label)]
DeptCode = Annotated[str, AfterValidator(_dept_code)]
Reference = Annotated[str, AfterValidator(_reference)]
Quantity = Annotated[str, AfterValidator(_quantity)]
CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]
Text = Annotated[str, Field(min_length=1, max_length=500)]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
        populate_by_name=True,
        use_enum_values=False,
    )


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
    users: Annotated[int, Field(ge=0)] | None = None
    frequency: Frequency | None = None
    last_business_use: CalendarDate | None = None
    requests_per_day: Annotated[float, Field(ge=0)] | None = None
    """Declared load, for Z3 (idle resources) where no measurement exists yet; a measurement overrides it."""
    cpu_percent: Annotated[float, Field(ge=0, le=100)] | None = None


class Approval(Model):
    authority: Text | None = None
    date: CalendarDate | None = None


class Filing(Model):
    project_name: Text | None = None
    constructing_unit: Text | None = None
    investment_wan: Annotated[float, Field(ge=0)] | None = None
    annual_om_wan: Annotated[float, Field(ge=0)] | None = None
    funding_channel: FundingChannel | None = None


class Security(Model):
    mlps_level: Annotated[int, Field(ge=1, le=5)]
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
    image: Text | None = None
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    replicas: Annotated[int, Field(ge=1, le=1000)] = 1
    cpu: Quantity = "500m"
    memory: Quantity = "512Mi"
    health_path: Annotated[str, Field(pattern=r"^/")] | None = None
    stateful: bool = False
    """Keeps state on its own disk (rendered as a StatefulSet); an optional field beyond DOMAIN.md's list."""


class Database(Model):
    engine: Text
    size_gb: Annotated[float, Field(ge=0)] = 0


class Deployment(Model):
    kind: DeploymentKind
    special_hardware: bool = False
    components: list[Component] = Field(default_factory=list)
    databases: list[Database] = Field(default_factory=list)
    data_gb: Annotated[float, Field(ge=0)] = 0


class DataResource(Model):
    name: Text
    sharing: Sharing | None = None
    legal_basis: Text | None = None
    base_data: list[BaseData] = Field(default_factory=list)


class Target(Model):
    network: Network | None = None
    cloud: bool | None = None
    zone: Zone | None = None


class Exemption(Model):
    reason: Text
    authority: Text
    document: Text


class System(Model):
    id: DnsLabel
    name: Text
    owner_unit: Text | None = None
    function: Text
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
