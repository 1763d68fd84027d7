"""The store's tests run on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store import postgres


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
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
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'govmig.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
