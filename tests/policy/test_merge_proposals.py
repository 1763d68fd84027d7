"""P6's merge proposals: the grouped, prefix-filtered join proposes exactly what comparing every pair would,
in plan order and never across the classified line; a department of thousands of identical descriptions is
named in part and counted in full."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.plan import MigrationPlan
from orchestrator.policy import Action, Decision, assess
from orchestrator.policy.consolidation import LISTED, bigrams, similarity
from tests.conftest import AS_OF, MINIMAL

THRESHOLD = 0.75  # the default merge_similarity


def _plan(functions: list[str], classified: list[bool] | None = None) -> MigrationPlan:
    doc: dict[str, Any] = copy.deepcopy(MINIMAL)
    base = doc["systems"][1]
    doc["systems"] = []
    for n, text in enumerate(functions):
        s = copy.deepcopy(base)
        s.update(id=f"s{n:04d}", name=f"系统{n}", function=text)
        s["security"] = {"mlps_level": 2, "classified": "secret" if classified and classified[n] else "none"}
        doc["systems"].append(s)
    return MigrationPlan.model_validate(doc)


def _pairwise(plan: MigrationPlan, decisions: list[Decision]) -> dict[str, list[str]]:
    """The oracle: every pair of live systems compared, as the rule reads (same side of the classified line)."""
    live = [
        (d.key, s)
        for d, s in zip(decisions, plan.systems, strict=True)
        if d.action in (Action.migrate, Action.blocked)
    ]
    out: dict[str, list[str]] = {k: [] for k, _ in live}
    for k, s in live:
        for other, t in live:
            same_side = s.security.is_classified == t.security.is_classified
            near = similarity(bigrams(s.function), bigrams(t.function)) >= THRESHOLD
            if other != k and same_side and near:
                out[k].append(other)
    return out


ALPHABET = "价格监测与分析统计报表审批执法"


@st.composite
def descriptions(draw: st.DrawFn) -> str:
    """A description near one of a few others: the same, or one character dropped, changed or added."""
    base = draw(st.sampled_from(["价格监测分析报表", "统计数据审批执法", "监测统计分析", "审批"]))
    edit, at = draw(st.sampled_from(["same", "drop", "change", "add"])), draw(st.integers(0, len(base) - 1))
    char = draw(st.sampled_from(ALPHABET))
    if edit == "drop" and len(base) > 1:
        return base[:at] + base[at + 1 :]
    if edit == "change":
        return base[:at] + char + base[at + 1 :]
    if edit == "add":
        return base[:at] + char + base[at:]
    return base


@settings(max_examples=80, deadline=None)
@given(texts=st.lists(descriptions(), min_size=2, max_size=LISTED + 1), data=st.data())
def test_the_join_proposes_what_comparing_every_pair_would(texts: list[str], data: st.DataObject) -> None:
    classified = data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
    plan = _plan(texts, classified)
    decisions = assess([plan], AS_OF)
    want = _pairwise(plan, decisions)
    for d in decisions:
        assert d.merge_with == want.get(d.key, []), (d.key, texts)


def test_thousands_of_identical_descriptions_are_named_in_part_and_counted() -> None:
    size = 3000
    plan = _plan(["价格监测分析"] * (size - 1) + ["人事档案管理"])
    decisions = assess([plan], AS_OF)
    alike = [d for d in decisions if d.merge_with]
    assert len(alike) == size - 1  # the odd one out is proposed with nobody
    first, last = alike[0], alike[-1]
    assert first.merge_with == [f"{plan.department.code}/s{n:04d}" for n in range(1, LISTED + 1)]
    assert last.merge_with == [f"{plan.department.code}/s{n:04d}" for n in range(LISTED)]
    note = next(n for n in last.notes if n.code == "merge_candidate")
    assert f"等共 {size - 2} 个系统" in note.zh and f"and {size - 2 - LISTED} more" in note.en
