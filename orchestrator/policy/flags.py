"""The decision's flags: facts about a system that reports, the ledger and render act on, beside the action.

Typed and labelled here, beside the rules that raise them, so a report counting `no_om_funds` and the rule that
withholds the funds spell the flag the same way, and every adapter shows the same words for it.
"""

from __future__ import annotations

from enum import StrEnum


class Flag(StrEnum):
    target_overridden = "target_overridden"
    no_om_funds = "no_om_funds"
    duplicate_collection = "duplicate_collection"
    not_shared_without_basis = "not_shared_without_basis"
    sharing_unclassified = "sharing_unclassified"
    depends_on_retired = "depends_on_retired"
    depends_on_blocked = "depends_on_blocked"
    cross_network_dependency = "cross_network_dependency"
    replacement_unavailable = "replacement_unavailable"
    dr_required = "dr_required"
    zombie_candidate = "zombie_candidate"
    merge_candidate = "merge_candidate"
    public_service_ends = "public_service_ends"
    exemption_incomplete = "exemption_incomplete"

    @property
    def zh(self) -> str:
        return LABELS[self][0]

    @property
    def en(self) -> str:
        return LABELS[self][1]

    @property
    def violation(self) -> bool:
        """Something the department must put right (shown beside the decision), not a plain fact."""
        return self in VIOLATIONS


LABELS: dict[Flag, tuple[str, str]] = {
    Flag.target_overridden: ("申请的目标被否决", "requested target overridden"),
    Flag.no_om_funds: ("不拨付运维经费", "no O&M funds"),
    Flag.duplicate_collection: ("重复采集基础信息", "duplicate base-data collection"),
    Flag.not_shared_without_basis: ("不予共享无依据", "not shared without legal basis"),
    Flag.sharing_unclassified: ("未标明共享类型", "no sharing class"),
    Flag.depends_on_retired: ("依赖将清理的系统", "depends on a retired system"),
    Flag.depends_on_blocked: ("依赖未获批的系统", "depends on a blocked system"),
    Flag.cross_network_dependency: ("外网系统依赖内网系统", "external system depends on an internal one"),
    Flag.replacement_unavailable: ("替代系统不可用", "replacement not available"),
    Flag.dr_required: ("需要异地灾备", "disaster recovery required"),
    Flag.zombie_candidate: ("疑似僵尸系统", "zombie candidate"),
    Flag.merge_candidate: ("建议整合", "merge candidate"),
    Flag.public_service_ends: ("面向公众的服务终止", "public service ends"),
    Flag.exemption_incomplete: ("豁免不完整", "incomplete exemption"),
}
VIOLATIONS = frozenset(set(Flag) - {Flag.dr_required, Flag.zombie_candidate, Flag.merge_candidate})
