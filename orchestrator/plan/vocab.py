"""The closed vocabularies of the plan contract v1, with the Chinese label each one shows in the UI.

They are str enums so that YAML, JSON and Excel all carry the plain English value, and the template's drop-down
lists, the validators and the reports are generated from this one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from . import engines


class Level(StrEnum):
    national = "national"
    province = "province"
    city = "city"
    county = "county"


class Scope(StrEnum):
    department = "department"
    city = "city"
    province = "province"
    national = "national"
    public = "public"


class Frequency(StrEnum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"
    yearly = "yearly"
    never = "never"


class FundingChannel(StrEnum):
    fiscal = "fiscal"
    self_funded = "self"
    co_built = "co-built"
    service_purchase = "service-purchase"


class Classified(StrEnum):
    none = "none"
    secret = "secret"
    confidential = "confidential"
    top_secret = "top_secret"


class MaintenanceStatus(StrEnum):
    active = "active"
    stopped = "stopped"


class DeploymentKind(StrEnum):
    vm = "vm"
    container = "container"
    physical = "physical"


class SourcePlatform(StrEnum):
    """`deployment.source.platform` (contract v1.1): where a VM runs today. Forklift moves VMs from the first
    five; a physical machine is exported to an image instead."""

    vsphere = "vsphere"
    ovirt = "ovirt"
    openstack = "openstack"
    hyperv = "hyperv"
    ova = "ova"
    physical = "physical"


if TYPE_CHECKING:

    class DatabaseEngine(StrEnum):
        """`deployment.databases[].engine` (contract v1.1): the engines a province's systems run on."""

else:  # one value per engine profile (plan/engines.py): adding an engine is adding its profile
    DatabaseEngine = StrEnum("DatabaseEngine", [(n, n) for n in engines.NAMES], module=__name__)
    DatabaseEngine.__doc__ = (
        "`deployment.databases[].engine` (contract v1.1): the engines a province's systems run on."
    )


REPLICATED_ENGINES = frozenset(DatabaseEngine(n) for n in engines.replicated())
"""Engines govmig moves warm with their own replication (a replica filled while the source serves): the window
holds only their delta. The others move at a checkpoint, with their engine's tools, in the window."""


class Sharing(StrEnum):
    unconditional = "unconditional"
    conditional = "conditional"
    not_shared = "not_shared"


class BaseData(StrEnum):
    population = "population"
    legal_person = "legal_person"
    geospatial = "geospatial"
    macro_economy = "macro_economy"
    e_license = "e_license"


class Network(StrEnum):
    """Where a system runs: its private source network, or one of the two e-government networks."""

    private = "private"
    egov_internal = "egov_internal"
    egov_external = "egov_external"


ZH: dict[str, str] = {
    # levels and scopes
    "national": "国家级",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "department": "本部门",
    "public": "社会公众",
    # frequencies
    "daily": "每天",
    "weekly": "每周",
    "monthly": "每月",
    "yearly": "每年",
    "never": "从不",
    # funding
    "fiscal": "财政资金",
    "self": "自筹资金",
    "co-built": "共建",
    "service-purchase": "购买服务",
    # confidentiality
    "none": "非涉密",
    "secret": "秘密",
    "confidential": "机密",
    "top_secret": "绝密",
    # maintenance and deployment
    "active": "运维中",
    "stopped": "已停止运维",
    "vm": "虚拟机",
    "container": "容器",
    "physical": "物理机",
    # sharing
    "unconditional": "无条件共享",
    "conditional": "有条件共享",
    "not_shared": "不予共享",
    # base data
    "population": "人口",
    "legal_person": "法人",
    "geospatial": "自然资源和空间地理",
    "macro_economy": "宏观经济",
    "e_license": "电子证照",
    # networks
    "private": "业务专网",
    "egov_internal": "电子政务内网",
    "egov_external": "电子政务外网",
}


ZH.update({p.name: p.label_zh for p in engines.PROFILES})  # the database engines, from their profiles


def zh(value: str) -> str:
    """The Chinese label of a vocabulary value, or the value itself when it has none."""
    return ZH.get(value, value)


class Zone(StrEnum):
    """The gov cloud's zones a system can land in (the decision contract's `zone`)."""

    internet = "internet"
    extranet = "extranet"
    internal = "internal"


ZH.update({"vsphere": "VMware vSphere", "ovirt": "oVirt", "openstack": "OpenStack", "hyperv": "Hyper-V"})
ZH.update({"ova": "OVA 导出", "physical": "物理机"})
ZH.update({"internet": "互联网区", "extranet": "政务外网区", "internal": "政务内网区"})
