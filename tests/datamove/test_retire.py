"""A zombie retired for real (002 二(一)): `govmig lab up TREE retire DIR` maps the retirement inventory, and the
rendered retirement playbook archives the system's files and its database's own dump with checksums, stops it,
marks it and takes it off its front end; any other decision is refused, and the record says retired."""

from __future__ import annotations

import glob
import hashlib
import subprocess
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from orchestrator.app import Portfolio, lifecycles
from orchestrator.execute import AnsibleRunner, ExecuteError, Ports, RunConfig, WaveExecutor
from orchestrator.lab import Server, Site, down, up
from orchestrator.plan import load_bytes
from orchestrator.policy import Action
from orchestrator.store import Store, open_store, retired
from tests.conftest import AS_OF, dump
from tests.datamove.rehearsal import TRADE, ZOMBIE, plan_with_zombie, rows, write_rows


def _plan() -> object:
    loaded = load_bytes(dump(plan_with_zombie()), "plan.yaml", "yaml")
    assert loaded.plan is not None, loaded.problems
    return loaded.plan


def _counts(dsn: str) -> dict[str, int]:
    """Every table of a PostgreSQL database with its row count."""
    tables = rows(dsn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return {t: int(rows(dsn, f'SELECT count(*) FROM "{t}"')[0][0]) for (t,) in tables}


def _restored(server: Server, dump_file: Path) -> str:
    """The dump restored by the engine's own tool into a new database beside the source: its DSN."""
    admin = server.dsn("admin")
    rows(admin, "CREATE DATABASE restored")
    into = admin.rsplit("/", 1)[0] + "/restored"
    tool = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_restore"))[-1]
    done = subprocess.run(
        [tool, "--no-owner", "-d", into, str(dump_file)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-600:]
    return into


def _database(site: Site, key: str) -> tuple[str, Server]:
    dsn = site.systems[key]["databases"][0]["source"]
    return dsn, next(s for s in site.servers if s.dsn() == dsn)


def test_a_zombie_is_archived_stopped_and_taken_off_its_front_end(tmp_path: Path) -> None:
    portfolio = Portfolio([_plan()], AS_OF)  # type: ignore[list-item]
    decided = {d.key: d.action for d in portfolio.decisions}
    assert decided[ZOMBIE] is Action.retire and decided[TRADE] is Action.migrate
    tree = tmp_path / "tree"
    portfolio.write(tree)
    site = up(tree, "retire", tmp_path / "site", local=True)
    try:
        engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
        store = Store(engine)
        executor = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree, actor="ops"))
        with pytest.raises(ExecuteError) as other:
            executor.retire(TRADE)  # it migrates: not retired
        assert "not decided retire" in other.value.en

        system = site.systems[ZOMBIE]
        front = system["frontend"]
        dsn, server = _database(site, ZOMBIE)
        assert server.engine == "postgresql"
        write_rows(dsn, [f"last-{i}" for i in range(7)], "source")  # its last writes before it goes
        before = _counts(dsn)
        assert before["writes"] == 7 and before["records"] > 0, before  # something to lose
        assert urllib.request.urlopen(front, timeout=5).status == 200
        outcome = executor.retire(ZOMBIE)
        assert outcome.states == {ZOMBIE: "retired"}, [
            (e.step, e.status, e.detail) for e in store.step_log("retire")
        ]

        # the archive: the files and the database's own dump, each beside its checksum
        archive = Path(system["files"]["archive"])
        files = archive / "old-stats-retire.tar.gz"
        recorded = (archive / "old-stats-retire.tar.gz.sha256").read_text().split()[0]
        assert hashlib.sha256(files.read_bytes()).hexdigest() == recorded
        with tarfile.open(files) as tar:
            assert {"./records-0.txt", "./records-4.txt"} <= set(tar.getnames())
        dumped = next(f.data for f in store.figures("retire", ZOMBIE) if f.data.get("op") == "backup")
        assert Path(dumped["backup"]).parent == archive
        assert hashlib.sha256(Path(dumped["backup"]).read_bytes()).hexdigest() == dumped["sha256"]
        assert _counts(_restored(server, Path(dumped["backup"]))) == before  # the dump gives it all back

        # stopped, marked, and off its front end
        marker = Path(system["files"]["source"]) / ".govmig-retired"
        assert "retired" in marker.read_text(encoding="utf-8") and str(archive) in marker.read_text()
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(system["backends"]["source"].join(("http://", "/")), timeout=3)
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(front, timeout=5)
        assert gone.value.code == 502  # nothing behind it any more

        with pytest.raises(ExecuteError) as again:
            executor.retire(ZOMBIE)
        assert "retired already" in again.value.en
        states = lifecycles(store, store.waves(), portfolio.decisions, portfolio.roadmap, {})
        assert states[ZOMBIE].state == "retired" and "retired" in states[ZOMBIE].dates
        assert [a.actor for a in store.audit_log(ZOMBIE) if a.action == "system.retire"] == ["ops"]
        assert set(retired(engine)) == {ZOMBIE}  # what the annual report counts as cleared
    finally:
        down(tmp_path / "site")
