"""Two `govmig serve` replicas behind nginx and a `govmig worker`, on one PostgreSQL, behave as one service:
wrong passwords on one replica count on the other, a sign-out on one ends the session on the other, and a wave
asked for through one replica finishes though that replica is killed."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pyotp
import pytest

from orchestrator.store import Accounts, SecondFactors, open_store
from orchestrator.web import hash_password, new_token, token_digest
from tests.conftest import new_database
from tests.execute.harness import site
from tests.monitor import lab
from tests.web.server import SERVING, govmig_serve, govmig_worker

PASSWORD = "Gov-Mig-2026"


@pytest.fixture
def shared_db(postgres_url: str) -> str:
    """An empty database of its own on the test's PostgreSQL server."""
    return new_database(postgres_url)


@contextlib.contextmanager
def proxy(root: Path, upstreams: list[str]) -> Iterator[str]:
    """nginx from Debian in front of the replicas, round robin, on to the next one when one fails."""
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (root / sub).mkdir(exist_ok=True)
    port = lab.free_port()
    servers = "".join(f"server {u.removeprefix('http://')} max_fails=1 fail_timeout=30s; " for u in upstreams)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = root / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi; uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
  upstream govmig {{ {servers} }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://govmig;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 1s; proxy_read_timeout 30s;
    }}
  }}
}}
""",
        encoding="utf-8",
    )
    subprocess.run(["nginx", "-c", str(conf)], check=True, capture_output=True, timeout=30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int((root / "nginx.pid").read_text().split()[0]), signal.SIGTERM)


def _form_token(client: httpx.Client) -> str:
    page = client.get("/login").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _sign_in(
    base: str,
    password: str,
    source: str | None = None,
    cookies: httpx.Cookies | None = None,
    otp: str = "",
) -> httpx.Response:
    headers = {"X-Forwarded-For": source} if source else {}
    with httpx.Client(base_url=base, headers=headers, cookies=cookies, timeout=30) as c:
        data = {"username": "wang", "password": password, "otp": otp, "csrf": _form_token(c)}
        r = c.post("/login", data=data, follow_redirects=False)
        r.extensions["cookies"] = httpx.Cookies(c.cookies)
        return r


def test_two_replicas_and_a_worker_on_one_postgresql_behave_as_one_service(
    tmp_path: Path, shared_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    (tmp_path / "render").symlink_to(where.tree)
    monkeypatch.setenv("GOVMIG_KEY_FILE", str(tmp_path / "govmig.key"))  # the site's key, for both replicas
    engine = open_store(shared_db)
    accounts = Accounts(engine)
    user = accounts.add_user("wang", "ops", None, hash_password(PASSWORD), "test")
    seed = pyotp.parse_uri(SecondFactors(engine).replace("wang", "test")).secret
    token = new_token()
    accounts.add_token(user, token_digest(token), "test", "test")
    trust = ("--trusted-proxy", "127.0.0.1", "--hold", "0")
    with ExitStack() as stack:
        a = stack.enter_context(govmig_serve(shared_db, tmp_path, *trust))
        b = stack.enter_context(govmig_serve(shared_db, tmp_path, *trust))
        front = stack.enter_context(proxy(tmp_path / "nginx", [a, b]))

        # wrong passwords: three on one replica, two on the other; the sixth is refused on either
        assert [_sign_in(r, "wrong-Pass-1").status_code for r in (a, b, a, b, a)] == [401] * 5
        assert _sign_in(b, PASSWORD).status_code == 429 and _sign_in(a, PASSWORD).status_code == 429
        # the real user elsewhere, through the proxy (its X-Forwarded-For names the source), signs in
        signed = _sign_in(front, PASSWORD, source="198.18.0.20", otp=pyotp.TOTP(seed).now())
        assert signed.status_code == 303
        cookies = signed.extensions["cookies"]

        # the session lives in the store: it works on both replicas; a sign-out on one ends it on the other
        for replica in (a, b):
            with httpx.Client(base_url=replica, cookies=cookies, timeout=30) as c:
                assert c.get("/api/me").json()["username"] == "wang"
        with httpx.Client(base_url=b, cookies=cookies, timeout=30) as c:
            csrf = c.get("/app/").text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
            assert c.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
        with httpx.Client(base_url=a, cookies=cookies, timeout=30) as c:
            assert c.get("/api/me").status_code == 401

        # a wave asked for through replica A, which is then killed: the worker finishes it; B reports it
        auth = {"Authorization": f"Bearer {token}"}
        stack.enter_context(govmig_worker(shared_db, tmp_path, "--hold", "0"))
        refused = httpx.post(a + "/api/waves/W01/run", headers=auth, timeout=30)
        assert refused.status_code == 409 and "preflight" in refused.json()["en"]  # the night's gate
        checked = httpx.post(a + "/api/waves/W01/preflight", headers=auth, timeout=300)  # as the console asks
        assert checked.status_code == 200 and checked.json()["ready"] is True, checked.text
        asked = httpx.post(a + "/api/waves/W01/run", headers=auth, timeout=30)
        assert asked.status_code == 200, asked.text
        os.killpg(SERVING[a].pid, signal.SIGKILL)
        SERVING[a].wait(10)
        with contextlib.suppress(httpx.TransportError):
            httpx.get(a + "/login", timeout=2)
            raise AssertionError("replica A still answers")
        state: dict[str, object] = {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            state = httpx.get(front + "/api/waves/W01/status", headers=auth, timeout=30).json()
            if not state["running"] and state["status"] != "running":
                break
            time.sleep(0.5)
        assert state["status"] == "done", state
        assert all(where.moved(k.split("/")[1]) for k in where.systems)
