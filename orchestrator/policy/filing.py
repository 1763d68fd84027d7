"""P8, the filing gate (002 三(六)): what a system's filing lacks, each with what to do about it."""

from __future__ import annotations

from .decision import Reason
from .subject import Subject, reason


def missing_filing(s: Subject) -> list[tuple[str, str]]:
    """The filing items a system lacks, as (zh, en)."""
    f, sec, dep = s.system.filing, s.system.security, s.system.deployment
    checks: list[tuple[bool, str, str]] = [
        (bool(f.project_name), "项目名称", "project name"),
        (bool(f.constructing_unit), "建设单位", "constructing unit"),
        (f.investment_wan is not None, "投资额度", "investment"),
        (f.annual_om_wan is not None, "运维费用", "O&M cost"),
        (f.funding_channel is not None, "经费渠道", "funding channel"),
        (bool(s.system.data_resources), "数据资源", "data resources"),
        (bool(dep.components), "应用系统（组件）", "application systems (components)"),
        (sec.mlps_filed, "等级保护备案", "MLPS filing"),
    ]
    if s.classified:
        checks.append((sec.classified_filed, "分级保护备案", "classified-protection filing"))
    return [(zh, en) for ok, zh, en in checks if not ok]


def filing_gate(s: Subject) -> tuple[Reason, Reason] | None:
    """(the reason, the fix) when the filing is incomplete; None when it is complete."""
    missing = missing_filing(s)
    if not missing:
        return None
    zh = "、".join(m[0] for m in missing)
    en = ", ".join(m[1] for m in missing)
    why = reason(
        "P8",
        f"备案信息不全（缺{zh}）：不予审批，不安排迁移，不拨付运维经费",
        f"incomplete filing (missing {en}): not approved, not scheduled, no O&M funds",
    )
    fix = reason(
        "P8",
        f"向同级政务信息共享主管部门补齐备案：{zh}",
        f"complete the filing with the sharing authority: {en}",
    )
    return why, fix
