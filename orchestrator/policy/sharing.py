"""P7 (catalog and sharing platform) and P9 (no second collection of base data)."""

from __future__ import annotations

from collections import Counter

from ..plan import Network, Sharing, qualify, zh
from .decision import Reason
from .flags import Flag
from .subject import Subject, reason


def catalog(s: Subject, network: Network) -> tuple[Reason | None, list[Flag], Reason | None]:
    """(the P7 reason, flags, a fix) for a system that moves to `network`."""
    resources = s.system.data_resources
    if not resources:
        return None, [], None
    counts = Counter(r.sharing for r in resources)
    parts = [(zh(c.value), c.value, counts[c]) for c in Sharing if counts[c]]
    zh_text = (
        f"{len(resources)} 项数据资源编入政务信息资源目录（"
        + "、".join(f"{z} {n}" for z, _, n in parts)
        + f"），接入{zh(network.value)}数据共享交换平台"
    )
    en_text = (
        f"{len(resources)} data resources go into the catalog ("
        + ", ".join(f"{e} {n}" for _, e, n in parts)
        + f") and connect to the sharing platform of {network.value}"
    )
    flags: list[Flag] = []
    fixes_zh, fixes_en = [], []
    unjustified = [r.name for r in resources if r.sharing is Sharing.not_shared and not r.legal_basis]
    if unjustified:
        names = "、".join(f"「{n}」" for n in unjustified)
        zh_text += f"；{names}不予共享但无法律、行政法规或政策依据"
        en_text += f"; {', '.join(unjustified)} not shared without a legal basis"
        flags += [Flag.not_shared_without_basis, Flag.no_om_funds]
        fixes_zh.append(f"为{names}提供不予共享的法律依据，或改为有条件/无条件共享")
        fixes_en.append(f"give a legal basis for not sharing {', '.join(unjustified)}, or share them")
    unclassified = [r.name for r in resources if r.sharing is None]
    if unclassified:
        names = "、".join(f"「{n}」" for n in unclassified)
        zh_text += f"；{names}未标明共享类型"
        en_text += f"; no sharing class for {', '.join(unclassified)}"
        flags.append(Flag.sharing_unclassified)
        fixes_zh.append(f"为{names}标明共享类型")
        fixes_en.append(f"set the sharing class of {', '.join(unclassified)}")
    fix = reason("P7", "；".join(fixes_zh), "; ".join(fixes_en)) if fixes_zh else None
    return reason("P7", zh_text, en_text), flags, fix


def duplicate_collection(s: Subject) -> tuple[Reason | None, Reason | None]:
    """(the P9 reason, its fix) when the system collects base data a library already provides."""
    found = []
    for resource in s.system.data_resources:
        for kind in resource.base_data:
            provider = s.settings.base_data_providers.get(kind)
            if provider and qualify(provider, s.department) != s.key:
                found.append((resource.name, kind.value, provider))
    if not found:
        return None, None
    zh_text = "；".join(f"数据资源「{n}」采集{zh(k)}基础信息，共享平台已由「{p}」提供" for n, k, p in found)
    en_text = "; ".join(
        f"data resource '{n}' collects {k} base data that '{p}' already provides" for n, k, p in found
    )
    return (
        reason(
            "P9",
            zh_text + "：重复采集，整改前不拨付运维经费",
            en_text + ": duplicate collection, no O&M funds until fixed",
        ),
        reason(
            "P9",
            "改为通过数据共享交换平台获取基础信息，停止重复采集",
            "take the base data from the sharing platform and stop collecting it",
        ),
    )
