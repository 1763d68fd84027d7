"""The web service over the example province: plans seeded as first versions, users of every role, a rendered
tree whose wave W01 runs on this machine (the demo's mapping), real Ansible behind the run buttons."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from orchestrator.app import Worker
from orchestrator.cli.web_cmds import seed
from orchestrator.execute import STEPS, AnsibleRunner, Ports, RunConfig, WaveExecutor
from orchestrator.lab import down as lab_down
from orchestrator.lab import up as lab_up
from orchestrator.policy import PolicySettings
from orchestrator.store import Accounts, SecondFactors, Store, open_store
from orchestrator.waves import WaveSettings
from orchestrator.web import WebConfig, create_app, hash_password, new_token, token_digest
from tests.conftest import AS_OF, EXAMPLES, ROOT
from tests.render.conftest import Rendered, rendered  # noqa: F401

PASSWORD = "correct horse battery"
MINE, OTHER = "630000-RST", "630000-CZT"
USERS = {
    "ops": ("ops", None),
    "supervisor": ("supervisor", None),
    "rst": ("department", MINE),
    "czt": ("department", OTHER),
    "sys": ("sysadmin", None),
    "sec": ("secadmin", None),
    "aud": ("auditor", None),
    "auditor": ("auditor", None),
}
TOTP_ROLES = {"ops", "supervisor", "sysadmin", "secadmin", "auditor"}


def login_csrf(client: TestClient) -> str:
    """The CSRF token the sign-in form carries (signing in needs it, like any write)."""
    page = client.get("/login").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


@dataclass
class Web:
    app: FastAPI
    root: Path
    tokens: dict[str, str] = field(default_factory=dict)
    seeds: dict[str, str] = field(default_factory=dict)
    """Each TOTP user's seed, as the authenticator app on their phone holds it."""
    offset: list[float] = field(default_factory=lambda: [0.0])
    """How far the service's TOTP clock runs ahead of the wall clock (WebConfig.totp_seconds)."""
    stop: threading.Event = field(default_factory=threading.Event)
    worker: threading.Thread | None = None

    def close(self) -> None:
        if (
            self.worker is not None and self.worker.is_alive()
        ):  # what is queued runs out; no worker: none will
            self.app.state.runs.join(120)
        self.stop.set()
        if self.worker is not None:
            self.worker.join(30)
        if (self.root / "site" / "lab.json").exists():
            lab_down(self.root / "site")
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, user: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return TestClient(self.app, headers=headers, raise_server_exceptions=False)

    def code(self, user: str) -> str:
        """The user's current TOTP code, as their phone shows it. A code is good once, so the service's clock is
        moved three steps on first (past the drift it accepts): sign-ins follow each other without waiting."""
        if user not in self.seeds:
            return ""
        self.offset[0] += 90
        return pyotp.TOTP(self.seeds[user]).at(time.time() + self.offset[0])

    def login(self, user: str) -> TestClient:
        """A browser-like client: the session cookie, and the CSRF token the pages would carry."""
        c = TestClient(self.app, raise_server_exceptions=False)
        form = login_csrf(c)
        data = {"username": user, "password": PASSWORD, "otp": self.code(user), "csrf": form}
        r = c.post("/login", data=data, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = c.get("/login").text
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        c.headers["X-CSRF-Token"] = token
        return c


def build(
    rendered_tree: Path | None,
    settings: PolicySettings,
    site: bool = True,
    plans: tuple[Path, ...] = (EXAMPLES,),
    users: dict[str, tuple[str, str | None]] = USERS,
    schedule: WaveSettings | None = None,
) -> Web:
    """The web service over a copy of the province's tree (or an empty one) and its `plans` seeded; with `site`,
    W01's hosts and databases are a rehearsal site (`govmig lab up`), so its waves run for real; `close` takes
    it down."""
    root = Path(tempfile.mkdtemp(prefix="govmig-web-"))
    tree = root / "render"
    if rendered_tree is None:
        tree.mkdir()
    else:
        shutil.copytree(rendered_tree, tree)
    if site:
        lab_up(tree, "W01", root / "site", local=True)  # the local connection: quicker, no link to cut here
    engine = open_store(f"sqlite:///{root / 'govmig.db'}")
    accounts = Accounts(engine)
    if plans:
        seed(accounts, plans, "seed")

    def executor(store: Store, path: Path, actor: str) -> WaveExecutor:
        observe = timedelta(days=config.observation_days)  # the site's setting, as `govmig serve` passes it
        return WaveExecutor(
            Ports(store, AnsibleRunner()), RunConfig(path, actor=actor, concurrency=3, observation=observe)
        )

    if schedule is None:
        schedule = WaveSettings.model_validate(
            yaml.safe_load((ROOT / "examples" / "schedule.yaml").read_text())
        )
    offset = [0.0]
    config = WebConfig(
        totp_seconds=lambda: time.time() + offset[0],
        engine=engine,
        tree=tree,
        secret="test-secret-" + "x" * 32,
        executor=executor,
        policy=settings,
        schedule=schedule,
        today=lambda: AS_OF,
        refresh_seconds=0.2,
    )
    web = Web(create_app(config), root, offset=offset)
    # the worker `govmig worker` runs, here in a thread: the web only queues, and this carries the runs out
    worker = Worker(engine, tree, executor, heartbeat=1.0, poll=0.2)
    web.worker = threading.Thread(target=worker.serve, args=(web.stop,), daemon=True)
    web.worker.start()
    for name, (role, department) in users.items():
        user = accounts.add_user(name, role, department, hash_password(PASSWORD), "test")
        web.tokens[name] = new_token()
        accounts.add_token(user, token_digest(web.tokens[name]), "test", "test")
        if role in TOTP_ROLES:
            uri = SecondFactors(engine).replace(name, "test")
            web.seeds[name] = pyotp.parse_uri(uri).secret
    return web


@pytest.fixture(scope="module")
def web(rendered: Rendered, province_settings: PolicySettings) -> Iterator[Web]:  # noqa: F811
    w = build(rendered.out, province_settings)
    yield w
    w.close()


@pytest.fixture(scope="module")
def plain_web(rendered: Rendered, province_settings: PolicySettings) -> Iterator[Web]:  # noqa: F811
    """The web service for modules that run no wave: no rehearsal site (its database servers take seconds)."""
    w = build(rendered.out, province_settings, site=False)
    yield w
    w.close()


def audit_entries(web: Web) -> list[dict[str, Any]]:
    """The whole audit log as the auditor reads it (`GET /api/audit`), page after page, oldest first."""
    client, entries, after = web.client("auditor"), [], 0
    while True:
        r = client.get("/api/audit", params={"after": after, "limit": 500})
        assert r.status_code == 200, r.text
        page = r.json()
        entries += page["entries"]
        if page["next_after"] is None:
            return entries
        after = page["next_after"]


def fill(path: str, department: str = MINE) -> str:
    values: dict[str, Any] = {
        "department": department,
        "version": 1,
        "wave": "W01",
        "system": "salary-mgmt",
        "code": "en",
        "fmt": "xlsx",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def record_cut_over(web: Web, key: str, wave: str = "W01") -> None:
    """A wave's run recorded in the store through `key`'s cutover as the executor records it (the wave still
    running): for what comes after cutover, without running the night again."""
    store = web.app.state.ctx.store
    store.open_wave(wave, [key], str(web.root / "render"), False, 1, "ops")
    for step in STEPS:
        store.begin_step(wave, key, step.name, "ops")
        store.end_step(wave, key, step.name, step.after, True, "ops")
