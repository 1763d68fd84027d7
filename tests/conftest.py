"""Fixtures shared by every test group: where things are, and a minimal valid plan to mutate."""

from __future__ import annotations

import copy
import shutil
import signal
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.plan import MigrationPlan, load_paths
from orchestrator.policy import Decision, PolicySettings, assess
from tests.store import postgres

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "province"
DATA = Path(__file__).resolve().parent / "data"

MINIMAL: dict[str, Any] = {
    "apiVersion": "govmig/v1",
    "kind": "MigrationPlan",
    "department": {"code": "630000-TEST", "name": "测试厅", "level": "province"},
    "deadline": "2027-06-30",
    "systems": [
        {
            "id": "alpha",
            "name": "甲系统",
            "function": "测试",
            "security": {"mlps_level": 2},
            "network": {"current": "测试专网"},
            "deployment": {"kind": "container", "components": [{"name": "web", "port": 8080}]},
            "depends_on": ["beta"],
        },
        {
            "id": "beta",
            "name": "乙系统",
            "function": "测试",
            "security": {"mlps_level": 3},
            "network": {"current": "测试专网"},
            "deployment": {"kind": "vm"},
        },
    ],
}


@pytest.fixture
def minimal() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL)


def dump(doc: Any) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()


@pytest.fixture
def hang_guard() -> Iterator[None]:
    """Fails a test that runs past 60 s instead of letting it hang CI; asserts nothing about speed."""

    def _expired(signum: int, frame: object) -> None:
        raise TimeoutError("input was not rejected: the loader hung")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


AS_OF = date(2026, 11, 22)
"""The date the example province's plans were written for; every test of them assesses on it."""


@pytest.fixture(scope="session")
def province_settings() -> PolicySettings:
    return PolicySettings.model_validate(yaml.safe_load((ROOT / "examples" / "policy.yaml").read_text()))


@pytest.fixture(scope="session")
def province_plans() -> list[MigrationPlan]:
    return load_paths([EXAMPLES]).plans


@pytest.fixture(scope="session")
def province(province_plans: list[MigrationPlan], province_settings: PolicySettings) -> dict[str, Decision]:
    return {d.key: d for d in assess(province_plans, AS_OF, province_settings)}


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL server (Debian's), one per test worker, on a loopback port; removed afterwards."""
    why = postgres.missing()
    if why is not None:
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    # not under pytest's own temp folder: it is private to root, and the server runs as the postgres user
    root = Path(tempfile.mkdtemp(prefix="govmig-pg-"))
    try:
        with postgres.server(root) as url:
            yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'govmig.db'}"
    monkeypatch.setenv("GOVMIG_KEY_FILE", str(tmp_path / "govmig.key"))  # not ./govmig.key, the default
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_store_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Like store_url, but an empty database each time: for tests that run whole waves by name."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'govmig.db'}"
    monkeypatch.setenv("GOVMIG_KEY_FILE", str(tmp_path / "govmig.key"))  # a PostgreSQL store's key file
    return new_database(request.getfixturevalue("postgres_url"))


def new_database(server: str) -> str:
    """An empty database of its own on the test worker's PostgreSQL server: its URL."""
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"
