"""P6: bureau-owned systems fold into the department's one system; near-duplicates are proposed for merging.

Similarity is the Jaccard index of the character bigrams of two function descriptions: Chinese has no spaces to
split words on, and bigrams are what overlapping descriptions ("价格监测分析" / "价格监测与分析") share.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

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


LISTED = 20
"""At most this many others are named for one system; past it the note gives how many there are in all."""


@dataclass
class Proposal:
    """The others of a system's department whose function overlaps its own: the first LISTED by plan order, each
    with its similarity, and how many there are in all."""

    listed: list[tuple[str, float]] = field(default_factory=list)
    total: int = 0


def merge_proposals(subjects: Iterable[Subject], threshold: float) -> dict[str, Proposal]:
    """For each system, the others of its own department (never across the classified line: their data stay on
    separate networks) whose function is at least `threshold` similar.

    Identical descriptions are grouped first and distinct ones joined by prefix filtering (a pair at or over the
    threshold must share one of the rarest bigrams of each), so a department of 3,000 systems with the same
    function costs 3,000 steps, not 4.5 million comparisons."""
    parts: dict[tuple[str, bool], list[Subject]] = defaultdict(list)
    for s in subjects:
        parts[(s.department, s.classified)].append(s)
    out: dict[str, Proposal] = {}
    for members in parts.values():
        _propose(members, threshold, out)
    return out


def _propose(members: Sequence[Subject], threshold: float, out: dict[str, Proposal]) -> None:
    groups: dict[frozenset[str], list[int]] = defaultdict(list)  # the same description: members in plan order
    for n, s in enumerate(members):
        groups[bigrams(s.system.function)].append(n)
    keys = list(groups)
    linked: dict[int, list[tuple[int, float]]] = {g: [(g, 1.0)] for g in range(len(keys))}
    for a, b, score in _similar_pairs(keys, threshold):
        linked[a].append((b, score))
        linked[b].append((a, score))
    for g, gram in enumerate(keys):
        related = [(n, score) for other, score in linked[g] for n in groups[keys[other]]]
        total = len(related) - 1
        if total <= 0:
            continue
        related.sort()  # plan order, as a clerk reads the plan
        head = related[: LISTED + 1]  # one of them may be the system itself: enough to name LISTED others
        for n in groups[gram]:
            listed = [(members[m].key, score) for m, score in head if m != n][:LISTED]
            out[members[n].key] = Proposal(listed, total)


def _similar_pairs(sets: Sequence[frozenset[str]], threshold: float) -> Iterator[tuple[int, int, float]]:
    """Each pair of distinct sets whose Jaccard index is at least `threshold` (an all-pairs join with prefix
    and length filters: only pairs sharing a token among the rarest of both are compared)."""
    rarity: Counter[str] = Counter(t for s in sets for t in s)
    ordered = [sorted(s, key=lambda t: (rarity[t], t)) for s in sets]
    index: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(len(sets)), key=lambda i: len(sets[i])):  # shorter first: the length filter holds
        tokens = ordered[i]
        prefix = len(tokens) - math.ceil(threshold * len(tokens)) + 1
        seen: set[int] = set()
        for t in tokens[:prefix]:
            for j in index[t]:
                if j in seen or len(sets[j]) < threshold * len(tokens):
                    continue
                seen.add(j)
                score = similarity(sets[i], sets[j])
                if score >= threshold:
                    yield (j, i, score) if j < i else (i, j, score)
            index[t].append(i)
