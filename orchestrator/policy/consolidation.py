"""P6: bureau-owned systems fold into the department's one system; near-duplicates are proposed for merging.

Similarity is the Jaccard index of the character bigrams of two function descriptions: Chinese has no spaces to
split words on, and bigrams are what overlapping descriptions ("价格监测分析" / "价格监测与分析") share.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .decision import Reason
from .subject import Subject, reason

PUNCTUATION = re.compile(r"[\s,，、;；:：.。()（）“”\"'《》/\-]+")


def consolidation_target(s: Subject) -> tuple[str, Reason] | None:
    unit = s.system.owner_unit
    if not unit:
        return None
    suffix = "-internal" if s.classified else ""
    into = f"{s.department}/{s.settings.consolidated_system}{suffix}"
    net_zh = "内网" if s.classified else "外网"
    return into, reason(
        "P6",
        f"以「{unit}」名义运行的独立系统，整合进部门{net_zh}“大系统”「{into}」：统一命名空间、统一身份认证、统一数据交换",
        f"run in the name of '{unit}': consolidated into the department's one system '{into}' "
        "(one namespace, shared identity and data exchange)",
    )


def bigrams(text: str) -> frozenset[str]:
    text = PUNCTUATION.sub("", text)
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def merge_proposals(subjects: Iterable[Subject], threshold: float) -> dict[str, list[tuple[str, float]]]:
    """For each system, the others of its own department whose function is at least `threshold` similar."""
    by_department: dict[str, list[Subject]] = defaultdict(list)
    for s in subjects:
        by_department[s.department].append(s)
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for members in by_department.values():
        _pairs(members, threshold, out)
    return out


def _pairs(members: Sequence[Subject], threshold: float, out: dict[str, list[tuple[str, float]]]) -> None:
    grams = [bigrams(s.system.function) for s in members]
    for i, a in enumerate(members):
        for j in range(i + 1, len(members)):
            b = members[j]
            if a.classified != b.classified:
                continue  # classified and non-classified systems never merge: their data stay on separate networks
            score = similarity(grams[i], grams[j])
            if score >= threshold:
                out[a.key].append((b.key, score))
                out[b.key].append((a.key, score))
