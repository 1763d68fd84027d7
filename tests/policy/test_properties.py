"""Invariants of every decision, over hypothesis-generated plans."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from orchestrator.plan import MigrationPlan
from orchestrator.plan.vocab import Network, Zone
from orchestrator.policy import Action, PolicySettings, assess
from tests.policy.strategies import plans

AS_OF = date(2026, 11, 22)
SETTINGS = PolicySettings.model_validate({"base_data_providers": {"population": "630000-X/pop"}})
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(plan=plans())
def test_classified_never_leaves_the_internal_network(plan: MigrationPlan) -> None:
    classified = {s.id for s in plan.systems if s.security.is_classified}
    for d in assess([plan], AS_OF, SETTINGS):
        if d.system in classified:
            assert d.target_network is not Network.egov_external
            assert d.zone not in (Zone.internet, Zone.extranet)
            assert d.cloud is False
            if d.action in (Action.migrate, Action.blocked):
                assert d.target_network is Network.egov_internal and d.zone is Zone.internal


@FAST
@given(plan=plans())
def test_every_decision_explains_itself_in_both_languages(plan: MigrationPlan) -> None:
    for d in assess([plan], AS_OF, SETTINGS):
        assert d.rules and d.reasons
        assert d.rules == sorted(set(d.rules), key=d.rules.index)
        assert {r.rule for r in d.reasons} == set(d.rules)
        for r in d.reasons + d.fixes:
            assert r.zh.strip() and r.en.strip() and r.zh != r.en
            assert any("\u4e00" <= ch <= "\u9fff" for ch in r.zh)


@FAST
@given(plan=plans())
def test_every_blocked_decision_says_what_to_fix(plan: MigrationPlan) -> None:
    for d in assess([plan], AS_OF, SETTINGS):
        if d.action is Action.blocked:
            assert "P8" in d.rules and any(f.rule == "P8" for f in d.fixes)
            assert "no_om_funds" in d.flags


@FAST
@given(plan=plans())
def test_action_and_placement_agree(plan: MigrationPlan) -> None:
    for d in assess([plan], AS_OF, SETTINGS):
        if d.action is Action.retire:
            assert d.target_network is None and d.zone is None and not d.cloud and "P5" in d.rules
        elif d.action is Action.stay:
            assert d.target_network is Network.private and "P4" in d.rules
        else:
            assert d.target_network in (Network.egov_internal, Network.egov_external)
            assert d.cloud == (d.zone in (Zone.internet, Zone.extranet) and "P2" in d.rules)


@FAST
@given(plan=plans())
def test_a_request_against_the_rules_is_never_silently_obeyed(plan: MigrationPlan) -> None:
    systems = {s.id: s for s in plan.systems}
    for d in assess([plan], AS_OF, SETTINGS):
        target = systems[d.system].target
        if target is None or d.action not in (Action.migrate, Action.blocked):
            continue
        broken = (
            (target.network is not None and target.network != d.target_network)
            or (target.cloud is not None and target.cloud != d.cloud)
            or (target.zone is not None and target.zone != d.zone)
        )
        assert broken == (
            "target_overridden" in d.flags or (target.network is Network.private and "P4" in d.rules)
        )


@FAST
@given(plan=plans())
def test_same_input_same_decisions(plan: MigrationPlan) -> None:
    assert assess([plan], AS_OF, SETTINGS) == assess([plan], AS_OF, SETTINGS)
