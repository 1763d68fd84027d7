"""Users, tokens and plan versions on SQLite and PostgreSQL: versions number per department, the current plan is
the latest valid one, and secrets are only ever stored as hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from orchestrator.store import Accounts, open_store
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
    current = {v.department: (v.version, v.plan) for v in accounts.current_plans()}
    assert current == {
        "630000-RST": (1, {"v": 1}),
        "630000-CZT": (1, {"v": 9}),
    }  # the invalid v2 is not current
    assert accounts.departments() == ["630000-CZT", "630000-RST"]
