"""The plan as a form: the plan model's JSON Schema with every field's label in Chinese and English (and the
enumerations' values by their Chinese names), and each intake problem's place in parts a page can pin it to.

The schema is pydantic's own (`MigrationPlan.model_json_schema(by_alias=True)`); this module only adds
annotations beside its keys: `x-label` and `x-help` (`{"zh", "en"}`) on each property, `x-options` (`[{"value",
"zh", "en"}]`) on each enumeration, and a bilingual `title`. A field without a label here fails its test, so the
form cannot silently show a bare field name.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from pydantic_core import to_jsonable_python

from ..plan import IntakeError, LoadedPlan, MigrationPlan, zh

Said = tuple[str, str]

MODELS: dict[str, Said] = {
    "MigrationPlan": ("迁移计划", "Migration plan"),
    "Department": ("部门", "Department"),
    "Contact": ("联系人", "Contact"),
    "System": ("系统", "System"),
    "Usage": ("使用情况", "Usage"),
    "Approval": ("立项审批", "Approval"),
    "Filing": ("项目备案", "Filing"),
    "Security": ("安全保护", "Security"),
    "NetworkInfo": ("当前网络", "Current network"),
    "Maintenance": ("运维", "Maintenance"),
    "Deployment": ("部署", "Deployment"),
    "VmSource": ("源虚拟机", "Source VM"),
    "Component": ("组件", "Component"),
    "Database": ("数据库", "Database"),
    "DataResource": ("数据资源", "Data resource"),
    "Target": ("申请的迁移目标", "Requested target"),
    "Exemption": ("保留专网豁免", "Exemption"),
}

LABELS: dict[str, dict[str, Said]] = {
    "MigrationPlan": {
        "apiVersion": ("契约版本", "Contract version"),
        "kind": ("文档类型", "Document kind"),
        "department": ("部门", "Department"),
        "deadline": ("迁移截止日期", "Migration deadline"),
        "systems": ("系统清单", "Systems"),
    },
    "Department": {
        "code": ("部门统一编码", "Department code"),
        "name": ("部门名称", "Department name"),
        "level": ("部门层级", "Level"),
        "contact": ("联系人", "Contact"),
    },
    "Contact": {"name": ("联系人姓名", "Contact name"), "phone": ("联系电话", "Phone")},
    "System": {
        "id": ("系统标识", "System id"),
        "name": ("系统名称", "System name"),
        "owner_unit": ("所属司局/处室", "Owning unit"),
        "function": ("主要功能", "Function"),
        "usage": ("使用情况", "Usage"),
        "approval": ("立项审批", "Approval"),
        "filing": ("项目备案", "Filing"),
        "security": ("安全保护", "Security"),
        "network": ("当前网络", "Current network"),
        "maintenance": ("运维", "Maintenance"),
        "replaced_by": ("可被替代的系统", "Replaced by"),
        "deployment": ("部署", "Deployment"),
        "data_resources": ("数据资源", "Data resources"),
        "depends_on": ("依赖系统", "Depends on"),
        "target": ("申请的迁移目标", "Requested target"),
        "exemption": ("保留专网豁免", "Exemption"),
    },
    "Usage": {
        "scope": ("使用范围", "Scope of use"),
        "users": ("用户数", "Users"),
        "frequency": ("使用频度", "Frequency of use"),
        "last_business_use": ("最近业务使用日期", "Last business use"),
        "requests_per_day": ("日均请求数", "Requests per day"),
        "cpu_percent": ("CPU 平均使用率（%）", "Average CPU use (%)"),
    },
    "Approval": {"authority": ("审批部门", "Approving authority"), "date": ("审批日期", "Approval date")},
    "Filing": {
        "project_name": ("项目名称", "Project name"),
        "constructing_unit": ("建设单位", "Constructing unit"),
        "investment_wan": ("投资额（万元）", "Investment (10k CNY)"),
        "annual_om_wan": ("年运维费（万元）", "Annual O&M (10k CNY)"),
        "funding_channel": ("资金渠道", "Funding channel"),
    },
    "Security": {
        "mlps_level": ("等保级别", "MLPS level"),
        "mlps_filed": ("等保已备案", "MLPS filed"),
        "classified": ("涉密等级", "Classification"),
        "classified_filed": ("分保已备案", "Classified filing done"),
    },
    "NetworkInfo": {
        "current": ("当前所在专网", "Current private network"),
        "internet_facing": ("面向社会公众", "Serves the public"),
    },
    "Maintenance": {
        "status": ("运维状态", "Maintenance status"),
        "last_update": ("最近更新日期", "Last update"),
    },
    "Deployment": {
        "kind": ("部署方式", "Deployment kind"),
        "special_hardware": ("依赖专用硬件", "Special hardware"),
        "source": ("源虚拟机", "Source VM"),
        "components": ("组件", "Components"),
        "databases": ("数据库", "Databases"),
        "data_gb": ("文件数据量（GB）", "File data (GB)"),
    },
    "VmSource": {"platform": ("源平台", "Source platform"), "vm": ("虚拟机名称", "VM name")},
    "Component": {
        "name": ("组件名称", "Component name"),
        "image": ("镜像", "Image"),
        "port": ("端口", "Port"),
        "replicas": ("副本数", "Replicas"),
        "cpu": ("CPU", "CPU"),
        "memory": ("内存", "Memory"),
        "health_path": ("健康检查路径", "Health check path"),
        "stateful": ("有状态", "Stateful"),
    },
    "Database": {"engine": ("数据库类型", "Database engine"), "size_gb": ("容量（GB）", "Size (GB)")},
    "DataResource": {
        "name": ("数据资源名称", "Data resource name"),
        "sharing": ("共享类型", "Sharing"),
        "legal_basis": ("不予共享依据", "Legal basis for not sharing"),
        "base_data": ("基础信息资源", "Base data"),
    },
    "Target": {
        "network": ("申请目标网络", "Requested network"),
        "cloud": ("申请上政务云", "Requested on the cloud"),
        "zone": ("申请区域", "Requested zone"),
    },
    "Exemption": {
        "reason": ("豁免理由", "Reason"),
        "authority": ("批准机关", "Approving authority"),
        "document": ("批准文件", "Document"),
    },
}

HELP: dict[str, dict[str, Said]] = {
    "MigrationPlan": {
        "deadline": ("本部门系统须在此日期前完成迁移", "every system of the department moves by this date"),
    },
    "Department": {
        "code": ("统一社会信用代码或省定部门编码", "the department's code as the province assigns it")
    },
    "System": {
        "id": (
            "小写字母、数字和“-”，如 social-insurance；提交后不要再改",
            "lower-case letters, digits and '-', such as social-insurance; keep it once submitted",
        ),
        "replaced_by": (
            "本部门系统标识，或“部门编码/系统标识”",
            "a system id of this department, or 'DEPT/id'",
        ),
        "depends_on": (
            "本部门系统标识，或“部门编码/系统标识”",
            "a system id of this department, or 'DEPT/id'",
        ),
        "exemption": (
            "保留在专网须写明理由、批准机关和批准文件",
            "to stay on the private network: the reason, the approving authority and the document",
        ),
    },
    "Security": {
        "mlps_level": ("网络安全等级保护级别，1 至 5", "the MLPS (等保) level, 1 to 5"),
        "classified": (
            "涉密系统只能迁往电子政务内网",
            "a classified system moves to the internal network only",
        ),
    },
    "Component": {
        "cpu": ("如 500m、2", "such as 500m or 2"),
        "memory": ("如 512Mi、4Gi", "such as 512Mi or 4Gi"),
        "health_path": ("以“/”开头，如 /healthz", "starts with '/', such as /healthz"),
    },
}

ENGLISH: dict[str, str] = {
    "national": "national",
    "province": "provincial",
    "city": "city",
    "county": "county",
    "department": "within the department",
    "public": "the public",
    "self": "self-funded",
    "co-built": "co-built",
    "service-purchase": "service purchase",
    "none": "not classified",
    "top_secret": "top secret",
    "stopped": "no longer maintained",
    "vm": "virtual machine",
    "physical": "physical machine",
    "not_shared": "not shared",
    "legal_person": "legal persons",
    "geospatial": "natural resources and geospatial",
    "macro_economy": "macro economy",
    "e_license": "e-licences",
    "private": "private business network",
    "egov_internal": "e-government internal network",
    "egov_external": "e-government external network",
    "internet": "internet zone",
    "extranet": "e-gov external zone",
    "internal": "e-gov internal zone",
    "postgresql": "PostgreSQL",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "oracle": "Oracle",
    "dameng": "Dameng (DM)",
    "kingbase": "KingbaseES",
    "sqlserver": "SQL Server",
    "db2": "Db2",
    "mongodb": "MongoDB",
    "oceanbase": "OceanBase",
    "ova": "OVA export",
}


def option(value: str) -> dict[str, str]:
    """One enumeration value as a select shows it: its Chinese name, its English words, the value sent."""
    return {"value": value, "zh": zh(value), "en": ENGLISH.get(value, value.replace("_", " "))}


def _label(model: str, name: str, prop: dict[str, Any]) -> None:
    zh_label, en_label = LABELS[model][name]
    prop["title"] = f"{zh_label} {en_label}"
    prop["x-label"] = {"zh": zh_label, "en": en_label}
    helped = HELP.get(model, {}).get(name)
    if helped is not None:
        prop["x-help"] = {"zh": helped[0], "en": helped[1]}
        prop["description"] = f"{helped[0]} {helped[1]}"


def _annotate(model: str, node: dict[str, Any]) -> None:
    if "enum" in node:
        node["x-options"] = [option(str(v)) for v in node["enum"]]
        return
    if model in MODELS:
        node["x-label"] = {"zh": MODELS[model][0], "en": MODELS[model][1]}
        node["title"] = " ".join(MODELS[model])
        node.pop("description", None)  # the model's docstring is for developers
    for name, prop in node.get("properties", {}).items():
        _label(model, name, prop)


@cache
def _schema() -> dict[str, Any]:
    schema = MigrationPlan.model_json_schema(by_alias=True)
    for name, node in schema.get("$defs", {}).items():
        _annotate(name, node)
    _annotate("MigrationPlan", schema)
    return schema


def plan_schema() -> dict[str, Any]:
    """The plan model's JSON Schema with bilingual labels, helps and options (a copy: callers may change it)."""
    return copy.deepcopy(_schema())


LINE = re.compile(r"^line (?P<line>\d+), column (?P<column>\d+)")
SHEET = re.compile(
    r"^sheet '(?P<sheet>[^']*)', row (?P<row>\d+)(?:, column (?P<column>[A-Z]+) '(?P<header>[^']*)')?"
)


def dotted(path: list[str | int] | tuple[str | int, ...]) -> str:
    """`systems[0].security.mlps_level`: the field path as a form names its fields."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def place(problem: IntakeError) -> dict[str, object]:
    """Where a problem is, in parts: `field` (the dotted path a form pins it to), and `line` and `column` for
    YAML and JSON, or `sheet`, `row`, `column` (its letter) and `header` for the Excel template. Read back from
    the intake's location text, whose two forms the intake writes (plan/errors.py, plan/excel_read.py)."""
    parts: dict[str, object] = {"field": dotted(problem.path)}
    if found := LINE.match(problem.location):
        parts |= {"line": int(found["line"]), "column": int(found["column"])}
    elif found := SHEET.match(problem.location):
        parts |= {"sheet": found["sheet"], "row": int(found["row"])}
        if found["column"]:
            parts |= {"column": found["column"], "header": found["header"]}
    return parts


def located(problem: IntakeError) -> dict[str, object]:
    """A problem as the API answers it: the contract's `file`, `location`, `zh`, `en` (and `code`, `severity`,
    `path`), with its `place` in parts."""
    return {**problem.as_json(), "place": place(problem)}


def form_document(loaded: LoadedPlan) -> dict[str, Any] | None:
    """The plain document an upload held, as JSON (dates as YYYY-MM-DD), valid or not: what the form shows so the
    clerk can fix an Excel or YAML plan's errors field by field. None when the file could not be read as a
    mapping at all."""
    if not isinstance(loaded.document, dict):
        return None
    document: dict[str, Any] = to_jsonable_python(loaded.document, fallback=str)
    return document
