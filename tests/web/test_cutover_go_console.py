# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""A cutover's go/no-go from the console and the API (issue 40: approvable per system, with a change ticket): W01's
run holds its systems verified before cutover, each with its `cutover_go` ask by ops. `POST /api/approvals/{id}`
refuses a go without a ticket and a ticket that is no reference (400, `field: ticket`, both languages) and the asker
(403), keeps the ticket another person gives (listed, audited), and the cutover's line in the wave's log names it.
In Chromium the approvals page groups the wave's asks, each system by name beside its code and ready (verified);
a supervisor gives one system its go with a ticket while the other keeps waiting; ops, the asker, find both buttons
disabled with the reason. axe-core clean, photographed at 1280 and 1920 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrator.app.cutover_go import CutoverGo
from orchestrator.execute import STEPS
from orchestrator.policy import PolicySettings
from orchestrator.store import Approvals
from tests.render.conftest import Rendered
from tests.web.conftest import Web, audit_entries, build
from tests.web.console import axe, drawn, shots
from tests.web.test_browser import CHROMIUM, browser, server, sign_in, until  # noqa: F401

TICKET = "CHG-2026-0412"


@pytest.fixture(scope="module")
def web(rendered: Rendered, province_settings: PolicySettings) -> Iterator[Web]:
    """The web service whose worker is stopped (a go's resume stays queued: no wave runs here), and W01's run
    recorded with its systems verified, held before cutover."""
    w = build(rendered.out, province_settings, site=False)
    w.stop.set()
    assert w.worker is not None
    w.worker.join(30)
    keys = [s["system"] for s in w.client("ops").get("/api/waves/W01/matrix").json()["systems"]]
    assert len(keys) >= 3, keys
    store = w.app.state.ctx.store
    store.open_wave("W01", keys, str(w.root / "render"), False, len(keys), "ops")
    for key in keys:
        for step in STEPS[: [s.name for s in STEPS].index("verify") + 1]:
            store.begin_step("W01", key, step.name, "ops")
            store.end_step("W01", key, step.name, step.after, True, "ops")
    yield w
    w.close()


def _ask(web: Web, key: str) -> int:
    """The run's ask before `key`'s cutover, as the executor makes it (app/cutover_go.py), by ops."""
    go = CutoverGo(web.app.state.ctx.config.engine, web.root / "render")
    assert go.waiting("W01", key, "ops")
    asked = [a for a in Approvals(go.approvals.engine).list("pending") if a.system == key]
    return asked[0].id


def _keys(web: Web) -> list[str]:
    return [s["system"] for s in web.client("ops").get("/api/waves/W01/matrix").json()["systems"]]


def test_the_api_needs_a_ticket_refuses_the_asker_and_keeps_the_ticket(web: Web) -> None:
    key = _keys(web)[2]
    id_ = _ask(web, key)
    sup = web.client("supervisor")
    for ticket, status in ((None, 400), ("", 400), ("CHG 0412", 400), ("x" * 65, 400), ("x" * 201, 422)):
        body = {"decision": "approve", "comment": "值班长"} | (
            {"ticket": ticket} if ticket is not None else {}
        )
        r = sup.post(f"/api/approvals/{id_}", json=body)
        assert r.status_code == status, (ticket, r.text)
        if status == 400:
            assert (
                r.json()["field"] == "ticket" and "变更单号" in r.json()["zh"] and "ticket" in r.json()["en"]
            )
    own = web.client("ops").post(f"/api/approvals/{id_}", json={"decision": "approve", "ticket": TICKET})
    assert own.status_code == 403 and "second person" in own.json()["en"], own.text

    go = sup.post(
        f"/api/approvals/{id_}", json={"decision": "approve", "ticket": TICKET, "comment": "值班长"}
    )
    assert go.status_code == 200, go.text
    assert (go.json()["ticket"], go.json()["record"], go.json()["status"]) == (TICKET, "W01", "approved")
    assert go.json()["job"]  # the wave's resume, queued (no worker runs here)
    listed = {a["id"]: a for a in sup.get("/api/approvals").json()}
    assert (listed[id_]["ticket"], listed[id_]["decided_by"]) == (TICKET, "supervisor")
    said = [e for e in audit_entries(web) if e["action"] == "approval.approve" and e["target"] == key]
    assert [e["detail"] for e in said] == [f"#{id_} ticket {TICKET}: 值班长"]

    gate = CutoverGo(web.app.state.ctx.config.engine, web.root / "render")  # where the cutover goes
    assert not gate.waiting("W01", key, "ops")
    verdict = gate(key)
    assert verdict.ok and TICKET in verdict.reason
    lines = web.client("ops").get("/api/waves/W01/log", params={"system": key}).json()["lines"]
    cutover = [ln for ln in lines if ln["step"] == "cutover"]
    assert [(ln["task"], ln["result"]) for ln in cutover] == [("切换放行 go/no-go", "ok")]
    assert f"go #{id_} by supervisor, ticket {TICKET}" == cutover[0]["message"]

    no_go = Approvals(web.app.state.ctx.config.engine).ask("cutover_go", key, "W01", "ops").id  # asked anew
    rejected = sup.post(f"/api/approvals/{no_go}", json={"decision": "reject", "comment": "源库未就绪"})
    assert rejected.status_code == 200 and rejected.json()["ticket"] is None, (
        rejected.text
    )  # no ticket needed


pytestmark_browser = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")


@pytestmark_browser
def test_a_supervisor_gives_one_system_its_go_with_a_ticket_and_the_other_waits(
    server: str, browser: object, web: Web
) -> None:
    first, second = _keys(web)[:2]
    ids = {first: _ask(web, first), second: _ask(web, second)}
    names = {s["system"]: s["name"] for s in web.client("ops").get("/api/waves/W01/matrix").json()["systems"]}

    page = sign_in(browser, server, web, "ops")  # the asker: both disabled, with the reason
    page.goto(server + "/app/approvals")  # type: ignore[attr-defined]
    drawn(page, "#cutover-go table tbody")
    for id_ in ids.values():
        assert page.is_disabled(f"#go-approve-{id_}") and page.is_disabled(f"#go-pick-{id_}")  # type: ignore[attr-defined]
        assert "须由另一人决定" in page.inner_text(f"#go-{id_}")  # type: ignore[attr-defined]
    _clean(page, "sup-cutover-go-asker")
    page.close()  # type: ignore[attr-defined]

    page = sign_in(browser, server, web, "supervisor")
    page.goto(server + "/app/approvals")  # type: ignore[attr-defined]
    drawn(page, "#cutover-go table tbody")
    until(page, "document.querySelectorAll('#cutover-go .go-state').length >= 2")
    until(
        page,
        "[...document.querySelectorAll('#cutover-go .go-state')].every(e => e.innerText.includes('就绪'))",
    )
    panel = page.inner_text("#go-wave-W01")  # type: ignore[attr-defined]
    for key in ids:
        assert key in panel and names[key] and names[key] in panel, panel
    _clean(page, "sup-cutover-go")

    page.click(f"#go-approve-{ids[first]}")  # type: ignore[attr-defined]
    page.fill("#go-ticket", "CHG 0412")  # type: ignore[attr-defined]  # caught in the page first
    page.click("#go-submit")  # type: ignore[attr-defined]
    until(page, "!!document.querySelector('#go-problem')")
    assert "变更单号" in page.inner_text("#go-problem")  # type: ignore[attr-defined]
    page.fill("#go-ticket", TICKET)  # type: ignore[attr-defined]
    page.fill("#go-comment", "值班长 on duty")  # type: ignore[attr-defined]
    page.click("#go-submit")  # type: ignore[attr-defined]
    until(page, f"!document.querySelector('#go-{ids[first]}')")
    assert page.query_selector(f"#go-{ids[second]}") is not None  # type: ignore[attr-defined]  # still waiting
    until(page, f"document.querySelector('#main').innerText.includes('{TICKET}')")  # in what was decided
    _clean(page, "sup-cutover-go-one")
    page.click("#lang")  # type: ignore[attr-defined]  # English: what the page drew at run time too
    until(page, "document.querySelector('#go-title').innerText.startsWith('Cutover go')")
    assert "Ready (verified)" in page.inner_text("#cutover-go")  # type: ignore[attr-defined]
    _clean(page, "sup-cutover-go-en")
    page.click("#lang")  # type: ignore[attr-defined]
    until(page, "document.querySelector('#go-title').innerText.startsWith('切换放行')")
    by_id = {a["id"]: a for a in web.client("supervisor").get("/api/approvals").json()}
    assert (by_id[ids[first]]["status"], by_id[ids[first]]["ticket"]) == ("approved", TICKET)
    assert (by_id[ids[second]]["status"], by_id[ids[second]]["ticket"]) == ("pending", None)

    third = _keys(web)[2]  # another system's go asked: the two waiting go together, with one ticket
    ids[third] = Approvals(web.app.state.ctx.config.engine).ask("cutover_go", third, "W01", "ops").id
    page.reload()  # type: ignore[attr-defined]
    until(page, "document.querySelectorAll('#cutover-go tbody tr').length === 2")
    assert page.is_disabled("#go-approve-selected-W01")  # type: ignore[attr-defined]
    page.check(f"#go-pick-{ids[second]}")  # type: ignore[attr-defined]
    page.check(f"#go-pick-{ids[third]}")  # type: ignore[attr-defined]
    page.click("#go-approve-selected-W01")  # type: ignore[attr-defined]
    until(page, "document.querySelectorAll('#go-which li').length === 2")
    page.fill("#go-ticket", "CHG-2026-0413")  # type: ignore[attr-defined]
    page.click("#go-submit")  # type: ignore[attr-defined]
    until(page, "!document.querySelector('#cutover-go')")  # nothing waits for its go any more
    page.close()  # type: ignore[attr-defined]
    by_id = {a["id"]: a for a in web.client("supervisor").get("/api/approvals").json()}
    for key in (second, third):  # the wave's resume was queued by the first go: these are not refused for it
        assert (by_id[ids[key]]["status"], by_id[ids[key]]["ticket"]) == ("approved", "CHG-2026-0413")


def _clean(page: object, name: str) -> None:
    found = axe(page)
    assert found == [], found
    shots(page, name)
