"""The department template's layout: which sheet holds which field, under which Chinese header.

The writer and the reader both follow this table, so the template, its drop-down lists and what is read back can
never drift apart. A column's `key` is the field's dotted path inside the department or the system.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from . import vocab
from .messages import LABELS


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "text"  # text | int | number | bool | date | enum | list
    choices: type[StrEnum] | None = None
    required: bool = False
    example: object = None
    zh: str = ""
    between: tuple[int, int] | None = None
    """Whole numbers only, within these bounds: the template's cell refuses anything else as it is typed."""

    @property
    def header(self) -> str:
        return (self.zh or LABELS.get(self.key.rsplit(".", 1)[-1], self.key)) + ("*" if self.required else "")

    def options(self) -> list[str]:
        """The drop-down entries: Chinese label first, the contract value after it."""
        if self.kind == "bool":
            return ["是 true", "否 false"]
        assert self.choices is not None
        return [f"{vocab.zh(v.value)} {v.value}" for v in self.choices]


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    child: str | None = None  # the list inside a system that this sheet's rows fill (dotted path)

    @property
    def is_child(self) -> bool:
        return self.child is not None


EXAMPLE_KEY = "示例 example"
"""The example row's key cell: not a valid id, so no real row can ever be mistaken for the example."""

SYSTEM_REF = Column("system", required=True, example=EXAMPLE_KEY, zh="所属系统标识")

DEPARTMENT = Sheet(
    "部门 Department",
    (
        Column("department.code", required=True, example=EXAMPLE_KEY, zh="部门统一编码"),
        Column("department.name", required=True, example="青海省发展和改革委员会", zh="部门名称"),
        Column("department.level", "enum", vocab.Level, True, "province", zh="部门层级"),
        Column("department.contact.name", example="王工", zh="联系人"),
        Column("department.contact.phone", example="0971-0000000", zh="联系电话"),
        Column("deadline", "date", required=True, example="2027-06-30"),
    ),
)

SYSTEMS = Sheet(
    "系统 Systems",
    (
        Column("id", required=True, example=EXAMPLE_KEY),
        Column("name", required=True, example="投资项目在线审批监管平台", zh="系统名称"),
        Column("owner_unit", example="投资处"),
        Column("function", required=True, example="投资项目审批与监管"),
        Column("usage.scope", "enum", vocab.Scope, example="province"),
        Column("usage.users", "int", example=1200),
        Column("usage.frequency", "enum", vocab.Frequency, example="daily"),
        Column("usage.last_business_use", "date", example="2026-10-01"),
        Column("usage.requests_per_day", "number", example=5000),
        Column("usage.cpu_percent", "number", example=35),
        Column("approval.authority", example="省发展改革委"),
        Column("approval.date", "date", example="2015-03-01"),
        Column("filing.project_name", example="投资项目在线审批监管平台建设项目"),
        Column("filing.constructing_unit", example="省发展改革委信息中心"),
        Column("filing.investment_wan", "number", example=320),
        Column("filing.annual_om_wan", "number", example=45),
        Column("filing.funding_channel", "enum", vocab.FundingChannel, example="fiscal"),
        Column("security.mlps_level", "int", required=True, example=3, between=(1, 5)),
        Column("security.mlps_filed", "bool", example=True),
        Column("security.classified", "enum", vocab.Classified, example="none"),
        Column("security.classified_filed", "bool", example=False),
        Column("network.current", required=True, example="发改业务专网"),
        Column("network.internet_facing", "bool", example=True),
        Column("maintenance.status", "enum", vocab.MaintenanceStatus, example="active"),
        Column("maintenance.last_update", "date", example="2026-09-01"),
        Column("replaced_by"),
        Column("deployment.kind", "enum", vocab.DeploymentKind, True, "vm", zh="部署方式"),
        Column("deployment.special_hardware", "bool", example=False),
        Column("deployment.data_gb", "number", example=200),
        Column("deployment.source.platform", "enum", vocab.SourcePlatform, example="vsphere", zh="源平台"),
        Column("deployment.source.vm", example="fgw-invest-01", zh="源虚拟机"),
        Column("target.network", "enum", vocab.Network, zh="申请目标网络"),
        Column("target.cloud", "bool", zh="申请上云"),
        Column("target.zone", "enum", vocab.Zone, zh="申请区域"),
        Column("exemption.reason", zh="豁免理由"),
        Column("exemption.authority", zh="豁免批准机关"),
        Column("exemption.document", zh="豁免批准文件"),
    ),
)

COMPONENTS = Sheet(
    "组件 Components",
    (
        SYSTEM_REF,
        Column("name", required=True, example="web", zh="组件名称"),
        Column("image", example="registry.example.gov.cn/fgw/invest-web:2.3"),
        Column("port", "int", example=8080),
        Column("replicas", "int", example=2),
        Column("cpu", example="2"),
        Column("memory", example="4Gi"),
        Column("health_path", example="/healthz"),
    ),
    child="deployment.components",
)

DATABASES = Sheet(
    "数据库 Databases",
    (
        SYSTEM_REF,
        Column("engine", "enum", vocab.DatabaseEngine, required=True, example="mysql"),
        Column("size_gb", "number", example=120),
    ),
    child="deployment.databases",
)

DATA_RESOURCES = Sheet(
    "数据资源 DataResources",
    (
        SYSTEM_REF,
        Column("name", required=True, example="投资项目基本信息", zh="数据资源名称"),
        Column("sharing", "enum", vocab.Sharing, example="conditional"),
        Column("legal_basis"),
        Column("base_data", "list", vocab.BaseData, zh="基础信息资源（多个用逗号分隔）"),
    ),
    child="data_resources",
)

DEPENDENCIES = Sheet(
    "依赖 Dependencies",
    (
        SYSTEM_REF,
        Column(
            "depends_on",
            required=True,
            example="credit-platform",
            zh="依赖的系统（本部门标识或 部门编码/标识）",
        ),
    ),
    child="depends_on",
)

SHEETS: tuple[Sheet, ...] = (DEPARTMENT, SYSTEMS, COMPONENTS, DATABASES, DATA_RESOURCES, DEPENDENCIES)
INSTRUCTIONS = "说明 Instructions"
HEADER_ROWS = 2  # row 1: Chinese header; row 2: the contract's field name
EXAMPLE_ROW = 3  # the filled example; the reader skips rows whose key cell is EXAMPLE_KEY
FIRST_DATA_ROW = 3
