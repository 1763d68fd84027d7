"""The approvals of irreversible operations: one pending ask per operation and system, decided once, never by
the asker; every step audited."""

from __future__ import annotations

import pytest

from orchestrator.store import (
    Accounts,
    ApprovalRefused,
    Approvals,
    RequestRefused,
    ResourceRequests,
    Sessions,
    Store,
    open_store,
)

KEY = "630000-T/alpha"
BETA = "630000-T/beta"


def test_an_ask_is_decided_once_by_someone_else(store_url: str) -> None:
    engine = open_store(store_url)
    approvals = Approvals(engine)
    first = approvals.ask("decommission", KEY, "W01", "wang", {"tree": "/srv/render"})
    assert (first.status, first.asked_by, first.options["tree"]) == ("pending", "wang", "/srv/render")
    with pytest.raises(ApprovalRefused) as twice:
        approvals.ask("decommission", KEY, "W01", "zhang")
    assert twice.value.status == 409 and f"#{first.id}" in twice.value.en
    other = approvals.ask("rollback_discard", KEY, "W01", "zhang")  # another operation may wait beside it

    refusals = [
        (first.id, "approve", "wang", 403),  # the asker
        (first.id, "maybe", "li", 422),
        (10_000, "approve", "li", 404),
    ]
    for id_, decision, by, status in refusals:
        with pytest.raises(ApprovalRefused) as refused:
            approvals.settle(id_, decision, by)
        assert refused.value.status == status and refused.value.zh and refused.value.en
    decided = approvals.settle(first.id, "approve", "li", "  核对无误 ")
    assert (decided.status, decided.decided_by, decided.comment) == ("approved", "li", "核对无误")
    with pytest.raises(ApprovalRefused) as again:
        approvals.settle(first.id, "reject", "zhao")
    assert again.value.status == 409 and "li" in again.value.en
    assert approvals.settle(other.id, "reject", "wang").status == "rejected"
    assert [a.id for a in approvals.list("pending")] == []
    assert [a.id for a in approvals.list()] == [first.id, other.id]

    said = [(a.action, a.actor) for a in Store(engine).audit_log(KEY) if a.action.startswith("approval.")]
    assert said == [
        ("approval.ask", "wang"),
        ("approval.ask", "zhang"),
        ("approval.self", "wang"),
        ("approval.approve", "li"),
        ("approval.reject", "wang"),
    ]


def test_an_ask_whose_asker_was_disabled_since_cannot_be_approved(store_url: str) -> None:
    engine = open_store(store_url)
    sessions = Sessions(engine)
    Accounts(engine).add_user("wang", "ops", None, "argon2-hash-not-checked-here", actor="admin")
    approvals = Approvals(engine)
    asked = approvals.ask("decommission", BETA, "W01", "wang")
    sessions.disable("wang", "admin")
    with pytest.raises(ApprovalRefused) as refused:
        approvals.settle(asked.id, "approve", "li")
    assert refused.value.status == 409 and "disabled" in refused.value.en and "停用" in refused.value.zh
    assert approvals.get(asked.id) is not None and approvals.get(asked.id).status == "pending"  # type: ignore[union-attr]
    assert approvals.settle(asked.id, "reject", "li").status == "rejected"
    said = [(a.action, a.result) for a in Store(engine).audit_log(BETA) if a.action.startswith("approval.")]
    assert said == [
        ("approval.ask", "pending"),
        ("approval.disabled_asker", "refused"),
        ("approval.reject", "rejected"),
    ]


def test_a_resources_request_is_decided_by_a_second_person_in_post_once(store_url: str) -> None:
    """The same rule as an ask's (store/second_person.py): not the asker, not for a disabled asker, once."""
    store = Store(open_store(store_url))
    accounts = Accounts(store.engine)
    for name, role, dept in (("rst", "department", "630000-RST"), ("sup", "supervisor", None)):
        accounts.add_user(name, role, dept, "not-checked-here", actor="admin")
    requests = ResourceRequests(store.engine)
    asked = requests.ask("keep", "630000-RST/salary-mgmt", "rst", {}, reason="年末结算 year-end")
    with pytest.raises(RequestRefused) as own:
        requests.settle(asked.id, "approve", "rst")
    assert own.value.status == 403
    Sessions(store.engine).disable("rst", actor="admin")
    with pytest.raises(RequestRefused) as gone:
        requests.settle(asked.id, "approve", "sup")
    assert gone.value.status == 409 and "disabled" in gone.value.en
    assert requests.settle(asked.id, "return", "sup", "人已离任 left").status == "returned"
    with pytest.raises(RequestRefused) as again:
        requests.settle(asked.id, "return", "sup", "再次 again")
    assert again.value.status == 409 and "decided already" in again.value.en
    said = [a.action for a in store.audit_log("630000-RST/salary-mgmt")]
    assert {"resources.self", "resources.disabled_asker", "resources.return"} <= set(said)
