"""Where a system goes (P1-P4): internal network, gov cloud and its zone, external network off-cloud, or staying.

A department's requested `target` is compared with what the rules decide; a request the rules do not allow is
overridden and the reason says so, never obeyed silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..plan import DeploymentKind, Network, Zone, zh
from .decision import Action, Reason
from .flags import Flag
from .subject import Subject, reason


@dataclass
class Placement:
    action: Action
    network: Network
    cloud: bool
    zone: Zone | None
    reasons: list[Reason]
    flags: list[Flag] = field(default_factory=list)


def _requested_mismatch(s: Subject, network: Network, cloud: bool, zone: Zone | None) -> list[str]:
    target = s.system.target
    if target is None:
        return []
    wrong = []
    if target.network is not None and target.network != network:
        wrong.append(f"network={target.network.value}")
    if target.cloud is not None and target.cloud != cloud:
        wrong.append(f"cloud={str(target.cloud).lower()}")
    if target.zone is not None and target.zone != zone:
        wrong.append(f"zone={target.zone.value}")
    return wrong


def _decided(
    s: Subject,
    rule: str,
    zh_text: str,
    en_text: str,
    network: Network,
    cloud: bool,
    zone: Zone | None,
    placement_reasons: list[Reason],
) -> Placement:
    wrong = _requested_mismatch(s, network, cloud, zone)
    flags = []
    if wrong:
        asked = ", ".join(wrong)
        zh_text += f"；申请的目标（{asked}）违反本规则，未予采纳"
        en_text += f"; the requested target ({asked}) breaks this rule and was overridden"
        flags.append(Flag.target_overridden)
    reasons = [*placement_reasons, reason(rule, zh_text, en_text)]
    return Placement(Action.migrate, network, cloud, zone, reasons, flags)


def _exemption(s: Subject) -> tuple[Placement | None, list[Reason]]:
    """P4: a complete exemption keeps the system where it is; an incomplete one (DOMAIN.md v1.2) is refused, says
    what it lacks, and the other rules place the system; a request to stay with none is refused likewise."""
    system, target = s.system, s.system.target
    wants_private = target is not None and target.network is Network.private
    asks_to_stay = target is None or target.network in (None, Network.private)
    e = system.exemption
    missing = e.missing() if e is not None else []
    if e is not None and len(missing) == 3:
        e, missing = None, []  # every part blank: no exemption was asked for
    if e is not None and not missing and asks_to_stay:
        return (
            Placement(
                Action.stay,
                Network.private,
                False,
                None,
                [
                    reason(
                        "P4",
                        f"经{e.authority}批准豁免（{e.document}）：{e.reason}；保留在「{system.network.current}」",
                        f"exempted by {e.authority} ({e.document}): {e.reason}; stays on '{system.network.current}'",
                    )
                ],
            ),
            [],
        )
    if e is not None and missing and asks_to_stay:
        lacks_zh = "、".join(m[0] for m in missing)
        lacks_en = ", ".join(m[1] for m in missing)
        return None, [
            reason(
                "P4",
                f"保留专网的豁免不完整（缺{lacks_zh}）：不允许保留，按规则迁移",
                f"the exemption to stay is incomplete (missing {lacks_en}): not allowed to stay, so it migrates "
                "by the rules",
            )
        ]
    if wants_private:
        return None, [
            reason(
                "P4",
                "申请保留在业务专网，但没有经批准的豁免（理由、批准机关、文件）：不允许保留，按规则迁移",
                "asks to stay on its private network without an approved exemption (reason, authority, document): "
                "not allowed, so it migrates by the rules",
            )
        ]
    return None, []


def exemption_fix(s: Subject) -> Reason | None:
    """What to do about an incomplete exemption, when the system asks to stay with one."""
    e, target = s.system.exemption, s.system.target
    missing = e.missing() if e is not None else []
    if (
        not missing
        or len(missing) == 3
        or (target is not None and target.network not in (None, Network.private))
    ):
        return None
    return reason(
        "P4",
        "如确需保留在业务专网，补齐豁免的" + "、".join(m[0] for m in missing) + "后重新提交",
        "to stay on the private network, complete the exemption's "
        + ", ".join(m[1] for m in missing)
        + " and submit again",
    )


def place(s: Subject) -> Placement:
    system = s.system
    stays, before = _exemption(s)
    if stays is not None:
        return stays
    sec = system.security
    if s.classified:
        level = sec.classified.value
        zh_text = f"涉密（{zh(level)}）：迁入电子政务内网，不上外网政务云"
        en_text = f"classified ({level}): goes to the e-gov internal network, not to the external gov cloud"
        if system.network.internet_facing:
            zh_text += "；其面向公众的服务在内网上终止，须另行提供（如经脱密处理的外网系统）"
            en_text += (
                "; its public service ends there and must be offered another way (e.g. a declassified "
                "system on the external network)"
            )
        return _decided(
            s,
            "P1",
            zh_text,
            en_text,
            Network.egov_internal,
            False,
            Zone.internal,
            before,
        )
    deployable = system.deployment.kind in (DeploymentKind.vm, DeploymentKind.container)
    limit = s.settings.cloud_max_mlps
    if sec.mlps_level <= limit and deployable and not system.deployment.special_hardware:
        kind = system.deployment.kind.value
        zh_text = (
            f"非涉密，等保{sec.mlps_level}级（不高于{limit}级），以{zh(kind)}部署，无专用硬件：部署到政务云"
        )
        en_text = f"non-classified, MLPS {sec.mlps_level} (at most {limit}), deployable as {kind}, no special hardware: onto the gov cloud"
        if system.network.internet_facing:
            zh_text += "；面向公众，进入互联网区"
            en_text += "; serves the public, so in its internet zone"
        zone = Zone.internet if system.network.internet_facing else Zone.extranet
        return _decided(s, "P2", zh_text, en_text, Network.egov_external, True, zone, before)
    why_zh, why_en = [], []
    if sec.mlps_level > limit:
        why_zh.append(f"等保{sec.mlps_level}级，高于上云上限{limit}级")
        why_en.append(f"MLPS {sec.mlps_level} is above the cloud limit of {limit}")
    if system.deployment.special_hardware:
        why_zh.append("依赖专用硬件")
        why_en.append("needs special hardware")
    if system.deployment.kind is DeploymentKind.physical and not system.deployment.special_hardware:
        why_zh.append("物理机部署，需先完成虚拟化改造")
        why_en.append("runs on physical servers and must be virtualised first")
    return _decided(
        s,
        "P3",
        "、".join(why_zh) + "：迁入电子政务外网（云下）",
        "; ".join(why_en) + ": moves to the e-gov external network off-cloud",
        Network.egov_external,
        False,
        Zone.extranet,
        before,
    )
