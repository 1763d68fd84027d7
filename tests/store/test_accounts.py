"""Users, tokens and plan versions on SQLite and PostgreSQL: versions number per department, the plan in force is
the latest approved one, and secrets are only ever stored as hashes."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from orchestrator.store import Accounts, ReviewRefused, Reviews, open_store
from orchestrator.web import hash_password, new_token, token_digest, verify_password


def test_versions_users_and_tokens(store_url: str) -> None:
    engine = open_store(store_url)
    accounts = Accounts(engine)
    user = accounts.add_user("li", "department", "630000-RST", hash_password("s3cret-pass"), "test")
    with pytest.raises(KeyError):
        accounts.add_user("li", "ops", None, hash_password("x" * 8), "test")
    token = new_token()
    accounts.add_token(user, token_digest(token), "cli", "test")
    found = accounts.user_by_token(token_digest(token))
    assert (
        found is not None and found.username == "li" and accounts.user_by_token(token_digest("gm_x")) is None
    )
    assert verify_password(found.password_hash, "s3cret-pass") and not verify_password(
        found.password_hash, "nope"
    )
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("select * from users")) for v in row)
        stored += " ".join(str(v) for row in conn.execute(text("select * from api_tokens")) for v in row)
    assert "s3cret-pass" not in stored and token not in stored

    accounts.add_version("630000-RST", "a.yaml", "x: 1", {"v": 1}, [], "li")
    accounts.add_version("630000-RST", "b.yaml", "broken", None, [{"zh": "错", "en": "bad"}], "li")
    accounts.add_version("630000-CZT", "c.yaml", "y: 1", {"v": 9}, [], "ops")
    assert accounts.departments() == ["630000-RST"]  # made with its user; versions alone make none
    assert accounts.add_department("630000-CZT", "省财政厅", "ops") is True
    assert accounts.add_department("630000-CZT", "省财政厅", "ops") is False
    assert [v.version for v in accounts.versions("630000-RST")] == [1, 2]
    assert accounts.current_plans() == []  # nothing reviewed yet: nothing in force
    reviews = Reviews(engine)
    for department in ("630000-RST", "630000-CZT"):
        reviews.review(department, 1, "approve", "", "wang")
    current = {v.department: (v.version, v.plan) for v in accounts.current_plans()}
    assert current == {
        "630000-RST": (1, {"v": 1}),
        "630000-CZT": (1, {"v": 9}),
    }
    with pytest.raises(ReviewRefused) as invalid:  # the invalid v2 cannot be approved
        reviews.review("630000-RST", 2, "approve", "", "wang")
    assert invalid.value.status == 409
    assert accounts.departments() == ["630000-CZT", "630000-RST"]


def test_a_newer_version_waits_for_review_while_the_approved_one_stays_in_force(store_url: str) -> None:
    engine = open_store(store_url)
    accounts, reviews = Accounts(engine), Reviews(engine)
    DEPT = f"630000-R{uuid.uuid4().hex[:8].upper()}"

    def in_force() -> list[int]:
        return [v.version for v in accounts.current_plans() if v.department == DEPT]

    def waiting() -> list[int]:
        return [v.version for v in reviews.waiting() if v.department == DEPT]

    for n in range(3):
        accounts.add_version(DEPT, f"v{n + 1}.yaml", f"n: {n}", {"n": n}, [], "li")
    reviews.review(DEPT, 1, "approve", "可以 fine", "wang")
    assert in_force() == [1] and waiting() == [2, 3]

    with pytest.raises(ReviewRefused) as bare:  # a return says what to fix
        reviews.review(DEPT, 2, "return", "  ", "wang")
    assert bare.value.status == 422 and "comment" in bare.value.en
    returned = reviews.review(DEPT, 2, "return", "缺少备案号 the filing number is missing", "wang")
    assert returned.status == "returned" and returned.by == "wang"
    assert in_force() == [1]  # v1 stays in force
    seen = reviews.of(DEPT)
    assert seen[2].comment.startswith("缺少备案号") and 3 not in seen and reviews.in_force(DEPT) == 1

    reviews.review(DEPT, 3, "approve", "", "wang")
    assert in_force() == [3] and waiting() == []
    for late in (2, 3):  # superseded or final: no review changes what is in force behind it
        with pytest.raises(ReviewRefused) as refused:
            reviews.review(DEPT, late, "approve", "", "wang")
        assert refused.value.status == 409
    with pytest.raises(ReviewRefused) as missing:
        reviews.review(DEPT, 9, "approve", "", "wang")
    assert missing.value.status == 404
    with engine.connect() as conn:
        audited = [tuple(r) for r in conn.execute(text("select action, target, result from audit"))]
    assert [a for a in audited if a[0] == "plan.review" and a[1].startswith(DEPT)] == [
        ("plan.review", f"{DEPT}/v1", "approved"),
        ("plan.review", f"{DEPT}/v2", "returned"),
        ("plan.review", f"{DEPT}/v3", "approved"),
    ]
