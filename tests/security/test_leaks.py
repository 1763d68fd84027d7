"""Small leaks, looked for from outside against a real `govmig serve` over HTTP: one error shape on every route
family (a 404, a 422 of each kind, a 401, a 403, a 405, a 409: `{"zh", "en"}` with `field` or `errors`, never
Pydantic's English-only text, never a server path); `no-store` on every authenticated answer and on the sign-in
page; /docs and /redoc served from the package with no outside URL; the store created owner-only whatever the
umask.

Before this change the bodies were `{"detail": …}` (Pydantic's own list for a 422), a wave without a playbook
named the server's tree in its 409, nothing said `no-store`, /docs loaded Swagger UI from a CDN, and the store
was created 0644."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.execute.harness import site
from tests.web.server import govmig_serve

PASSWORD = "Gov-Mig-2026-x"
PYDANTIC = ("Input should", "Field required", "String should", "value is not", "type=", "url=")


@dataclass
class Served:
    base: str
    root: Path
    db: Path
    ops: dict[str, str]
    supervisor: dict[str, str]
    auditor: dict[str, str]


def _user(db: str, name: str, role: str) -> dict[str, str]:
    made = subprocess.run(
        [sys.executable, "-m", "orchestrator", "user", "add", name, "--role", role, "--password-stdin",
         "--token", "--db", db, "--format", "json"],
        input=f"{PASSWORD}\n{PASSWORD}\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return {"Authorization": f"Bearer {json.loads(made.stdout)['token']}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("leaks")
    where = site(root, ["alpha"])
    (root / "render").symlink_to(where.tree)
    path = root / "govmig.db"
    db = f"sqlite:///{path}"
    before = os.umask(0o022)  # the usual umask: a file made without care would be world-readable
    try:
        with govmig_serve(db, root) as base:  # the service creates the store
            yield Served(
                base,
                root,
                path,
                _user(db, "wang", "ops"),
                _user(db, "zhao", "supervisor"),
                _user(db, "shen", "auditor"),
            )
    finally:
        os.umask(before)


def _one_shape(answer: httpx.Response, status: int, root: Path) -> dict[str, Any]:
    assert answer.status_code == status, (answer.request.url, answer.text)
    body: dict[str, Any] = answer.json()
    assert set(body) <= {"zh", "en", "field", "errors"} and body["zh"] and body["en"], body
    assert re.search(r"[\u4e00-\u9fff]", body["zh"]), body  # Chinese first
    for e in body.get("errors", []):
        assert set(e) == {"zh", "en", "location"} and e["zh"] and e["en"] and e["location"], e
    text = answer.text
    assert str(root) not in text and "/tmp/" not in text and "site-packages" not in text, text
    assert not any(p in text for p in PYDANTIC), text
    return body


def test_every_route_family_answers_errors_in_one_shape_without_paths(served: Served) -> None:
    web, root, ops, sup = (
        httpx.Client(base_url=served.base, timeout=30),
        served.root,
        served.ops,
        served.supervisor,
    )
    _one_shape(web.get("/api/no-such-thing", headers=ops), 404, root)  # no route
    _one_shape(web.get("/api/waves/W98/status", headers=ops), 404, root)  # operations
    _one_shape(web.get("/api/plans/630000-NONE/versions/7", headers=ops), 404, root)  # plans
    _one_shape(web.get("/api/me"), 401, root)  # identity
    _one_shape(web.post("/api/render", headers=sup), 403, root)  # a role's limit
    _one_shape(web.delete("/api/me", headers=ops), 405, root)
    # the tree has no wave W99: refused, without naming where the server keeps its tree
    no_wave = _one_shape(web.post("/api/waves/W99/run", headers=ops), 409, root)
    assert "W99" in no_wave["en"]

    # validation: a query, a path, a body field (one: "field"), and several at once ("errors")
    auditor = served.auditor  # the audit log is the auditor's alone
    assert _one_shape(web.get("/api/audit?limit=many", headers=auditor), 422, root)["field"] == "limit"
    assert _one_shape(web.get("/api/waves/X1/status", headers=ops), 422, root)["field"] == "wave"
    one = _one_shape(web.post("/api/approvals/1", headers=ops, json={"comment": "?"}), 422, root)
    assert one["field"] == "decision" and "required" in one["en"] and "必填" in one["zh"]
    several = web.post("/api/approvals/1", headers=ops, json={"decision": "maybe", "comment": 5})
    listed = _one_shape(several, 422, root)["errors"]
    assert sorted(e["location"] for e in listed) == ["body.comment", "body.decision"]
    assert any("approve" in e["en"] for e in listed)
    broken = web.post("/api/approvals/1", headers={**ops, "Content-Type": "application/json"}, content=b"{")
    _one_shape(broken, 422, root)
    wrong_key = web.post("/api/waves/W01/decommission/630000-T/alpha", headers=ops, json={"confirm": "x"})
    assert _one_shape(wrong_key, 422, root)["field"] == "confirm"


def test_authenticated_answers_and_the_sign_in_page_are_not_stored(served: Served) -> None:
    web = httpx.Client(base_url=served.base, timeout=30)
    for path in ("/api/me", "/api/waves", "/api/decisions", "/api/approvals", "/app/", "/account"):
        answer = web.get(path, headers=served.ops)
        assert answer.status_code == 200, path
        assert answer.headers.get("cache-control") == "no-store", path
    assert web.get("/login").headers.get("cache-control") == "no-store"
    assert web.get("/api/me").headers.get("cache-control") == "no-store"  # the refusal too
    assert web.get("/static/app.css").headers.get("cache-control") != "no-store"  # the style may be cached


def test_the_api_documents_load_nothing_from_outside(served: Served) -> None:
    web = httpx.Client(base_url=served.base, timeout=30)
    stranger = web.get("/openapi.json")  # the API's shape is for signed-in users only
    assert stranger.status_code == 401 and stranger.json()["en"] == "sign in first"
    assert web.get("/docs").status_code == 303 and web.get("/redoc").headers["location"].startswith("/login")
    assert web.get("/openapi.json", headers=served.ops).json()["paths"]
    for path in ("/docs", "/redoc"):
        page = web.get(path, headers=served.ops)
        assert page.status_code == 200
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page.text), page.text
        policy = page.headers["content-security-policy"]
        assert "http" not in policy and "cdn" not in policy, policy
        for asset in re.findall(r"""(?:src|href|url)\s*[=:]\s*['"](/[^'"]+)['"]""", page.text):
            assert web.get(asset, headers=served.ops).status_code == 200, asset
        assert "/static-docs/" in page.text


def test_the_store_is_created_owner_only(served: Served) -> None:
    made = [served.db, *(Path(f"{served.db}{end}") for end in ("-wal", "-shm"))]
    for path in made:
        assert path.exists(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path.name, oct(path.stat().st_mode))
