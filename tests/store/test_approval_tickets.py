"""A cutover's go carries a change ticket's reference (issue 40: Azure Migrate's runbook approvals carry one): it
cannot be approved without one, a ticket that is not a reference is refused as bad input at `ticket`, the asker is
refused even with one; the ticket is stored with the decision, listed and audited. Other kinds need none and keep
one given. A store made before the column existed gets it when opened, in SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from orchestrator.store import ApprovalRefused, Approvals, Store, open_store

ALPHA, BETA = "630000-T/alpha", "630000-T/beta"
BAD = [
    ("", "needs a change ticket"),
    ("   ", "needs a change ticket"),
    ("C" * 65, "too long: 65 characters"),
    ("CHG 2026 0412", "no spaces"),
    ("CHG-1;rm -rf /", "no spaces"),
    ("-CHG-1", "starts with a letter or digit"),
    ("变更-0412", "starts with a letter or digit"),
    ("CHG-1\nforged: entry", "no spaces"),
    ("<b>CHG</b>", "starts with a letter or digit"),
]


def test_a_cutover_go_is_approved_only_with_a_change_ticket(fresh_store_url: str) -> None:
    engine = open_store(fresh_store_url)
    approvals = Approvals(engine)
    go = approvals.ask("cutover_go", ALPHA, "W01", "wang", {"tree": "/srv/render"})
    for ticket, said in BAD:
        with pytest.raises(ApprovalRefused) as refused:
            approvals.settle(go.id, "approve", "li", "值班长 on duty", ticket)
        exc = refused.value
        assert (exc.status, exc.field) == (400, "ticket") and said in exc.en, (ticket, exc.en)
        assert "变更单号" in exc.zh and "\n" not in exc.zh + exc.en
    with pytest.raises(ApprovalRefused) as own:  # a ticket does not make the asker a second person
        approvals.settle(go.id, "approve", "wang", "", "CHG-2026-0412")
    assert own.value.status == 403 and own.value.field is None
    assert approvals.get(go.id).status == "pending"  # type: ignore[union-attr]

    decided = approvals.settle(go.id, "approve", "li", "值班长 on duty", "  CHG-2026-0412 ")
    assert (decided.status, decided.ticket) == ("approved", "CHG-2026-0412")
    listed = {a["id"]: a for a in (x.as_json() for x in approvals.list())}
    assert listed[go.id]["ticket"] == "CHG-2026-0412"
    audited = [
        a.detail for a in Store(engine).audit_log(ALPHA) if a.action == "approval.approve" and a.actor == "li"
    ]
    assert audited == [f"#{go.id} ticket CHG-2026-0412: 值班长 on duty"]


def test_a_no_go_and_the_other_kinds_need_no_ticket_and_keep_one_given(fresh_store_url: str) -> None:
    engine = open_store(fresh_store_url)
    approvals = Approvals(engine)
    no_go = approvals.ask("cutover_go", BETA, "W01", "wang")
    assert approvals.settle(no_go.id, "reject", "li", "源库未就绪").ticket is None
    retire = approvals.ask("retire", ALPHA, "retire", "wang")
    assert approvals.settle(retire.id, "approve", "li").ticket is None
    decommission = approvals.ask("decommission", BETA, "W01", "wang")
    kept = approvals.settle(decommission.id, "approve", "li", "", "RFC/2026/17")
    assert kept.ticket == "RFC/2026/17" and approvals.get(decommission.id).ticket == "RFC/2026/17"  # type: ignore[union-attr]
    with pytest.raises(ApprovalRefused) as bad:  # one given is checked all the same
        approvals.settle(approvals.ask("retire", BETA, "retire", "wang").id, "approve", "li", "", "a b")
    assert bad.value.status == 400


def test_a_store_made_before_tickets_gets_the_column_when_opened(fresh_store_url: str) -> None:
    engine = open_store(fresh_store_url)
    old = Approvals(engine).ask("cutover_go", ALPHA, "W01", "wang")
    with engine.begin() as conn:  # the table as an older govmig made it
        conn.execute(text("ALTER TABLE approvals DROP COLUMN ticket"))
    engine.dispose()
    engine = open_store(fresh_store_url)
    approvals = Approvals(engine)
    assert approvals.get(old.id).ticket is None  # type: ignore[union-attr]
    assert approvals.settle(old.id, "approve", "li", "", "CHG-7").ticket == "CHG-7"
    engine.dispose()
    assert Approvals(open_store(fresh_store_url)).get(old.id).ticket == "CHG-7"  # type: ignore[union-attr]
