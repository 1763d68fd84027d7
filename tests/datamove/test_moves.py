"""A wave moves a PostgreSQL and a MariaDB system on the rehearsal site while a client keeps writing.

Real servers in network namespaces, the rendered playbook through ansible-runner over SSH: every write the client
got an acknowledgement for is on the target exactly once, verification compared every table on both sides, and
the write downtime the client saw is printed. Afterwards the source refuses the application's writes, its
backup restores, and once decommissioned the way back is gone.
"""

from __future__ import annotations

import subprocess
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from orchestrator.app import summarize
from orchestrator.app.moves import QUIESCE_TASK
from orchestrator.execute import AnsibleRunner, ExecuteError, Ports, RunConfig, WaveExecutor, accept
from orchestrator.lab import netns
from orchestrator.store import Store, aware, moved, open_store
from tests.datamove.rehearsal import CASES, TRADE, Writer, backend, connect, refused, rehearsal, rows, tokens

WHY = netns.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"the rehearsal site needs namespaces: {WHY}")


def _store(tmp_path: Path) -> Store:
    return Store(open_store(f"sqlite:///{tmp_path / 'govmig.db'}"))


def test_every_acknowledged_write_is_on_the_target_exactly_once(tmp_path: Path) -> None:
    with rehearsal(tmp_path, local=True) as (tree, site):  # over SSH in namespaces: test_kill_and_resume
        writers = {key: Writer(site.systems[key]["databases"][0]) for key in (TRADE, CASES)}
        for w in writers.values():
            w.start()
        store = _store(tmp_path)
        try:
            outcome = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree, failure_budget=2)).run(
                "W01"
            )
            deadline_writes = 40
            for w in writers.values():  # a few more writes once the target took over, then stop
                for _ in range(deadline_writes * 10):
                    if sum(s == "target" for s, _, _ in w.acked) >= 20:
                        break
                    w.join(timeout=0.1)
        finally:
            for w in writers.values():
                w.stop()
        assert outcome.status == "done", [
            (e.system, e.step, e.status, e.detail) for e in store.step_log("W01")
        ]

        for key, w in writers.items():
            db = site.systems[key]["databases"][0]
            on_target = tokens(db["target"])
            acked = [t for _, t, _ in w.acked]
            sides = {s for s, _, _ in w.acked}
            assert sides == {"source", "target"} and w.refusals > 0, (key, sides, w.errors[:5])
            assert all(on_target.get(t) == 1 for t in acked), key  # every acknowledged write, exactly once
            assert all(n == 1 for n in on_target.values()), key  # nothing doubled, acknowledged or not
            with pytest.raises(Exception) as refusal:  # the source stays read-only after the move
                conn = connect(db["source"])
                try:
                    conn.cursor().execute("INSERT INTO writes (token) VALUES ('late')")
                finally:
                    conn.close()
            assert refused(refusal.value), refusal.value
            print(
                f"\n{key} ({db['server']}): {len(acked)} writes acknowledged "
                f"({sum(s == 'source' for s, _, _ in w.acked)} on the source, "
                f"{sum(s == 'target' for s, _, _ in w.acked)} on the target); "
                f"write downtime seen by the client: {w.downtime():.2f} s"
            )
            assert w.downtime() > 0
            # govmig's own figure counts from the source's quiesce (the final sync's first play reaches the hosts
            # while the source still serves) to the cutover's end: no less than the client saw
            told = summarize(store, "W01")[key].write_downtime_seconds
            log = {(e.step, e.status): aware(e.at) for e in store.step_log("W01", key)}
            quiesced = store.task_started("W01", "final_sync", QUIESCE_TASK)[key]
            assert log[("final_sync", "started")] < quiesced < log[("cutover", "finished")]
            assert told == round((log[("cutover", "finished")] - quiesced).total_seconds(), 1)
            assert w.downtime() - 0.1 <= told, (told, w.downtime())

            figures = [f.data for f in store.figures("W01", key) if f.step == "verify"]
            tables = next(f for f in figures if f.get("op") == "verify")
            assert tables["differ"] == [] and tables["rows"] >= 10_100
            assert tables["source"] == tables["target"]
            assert next(f for f in figures if f.get("op") == "files")["equal"] is True
            assert backend(site, key) == site.systems[key]["backends"]["target"]  # traffic goes to the target
            with urllib.request.urlopen(site.systems[key]["frontend"] + "healthz", timeout=5) as answer:
                assert answer.read().decode().strip() == "target"  # through the site's nginx

        # the MySQL/MariaDB dump carried the routines, triggers and events; PostgreSQL's sequences moved past
        # their tables' maximum (the client's inserts on the target above would have collided otherwise)
        cases = site.systems[CASES]["databases"][0]["target"]
        assert rows(
            cases, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()"
        ) == [("records_audit",)]
        assert ("record_count",) in rows(
            cases, "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()"
        )
        assert rows(
            cases, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()"
        ) == [("nightly_tidy",)]

        # no credential reached the store, the tree (with ansible-runner's artifacts) or the step log
        secrets = {s.admin_password for s in site.servers} | {s.app_password for s in site.servers}
        inventory_dir = tree / "inventories" / "W01"
        for path in [tmp_path / "govmig.db", *tree.rglob("*")]:
            if path.is_file() and inventory_dir / "host_vars" not in path.parents:
                data = path.read_bytes()
                assert not any(secret.encode() in data for secret in secrets), path

        # the backups are the engines' own dumps, with their checksums, and they restore
        trade = next(f.data for f in store.figures("W01", TRADE) if f.step == "backup")
        digest = subprocess.run(["sha256sum", trade["backup"]], capture_output=True, text=True, check=True)
        assert digest.stdout.split()[0] == trade["sha256"]
        restored = _restore_postgresql(site, trade["backup"])
        assert restored >= 10_000

        # decommissioning is a later, separate step, refused until the department accepted the move (and, where
        # the site sets one, its observation period passed); afterwards there is no way back
        executor = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree))
        with pytest.raises(ExecuteError) as unaccepted:
            executor.decommission("W01", CASES)
        assert "not been accepted" in unaccepted.value.en and "验收" in unaccepted.value.zh
        accept(store, CASES, "W01", "业务核对无误 checked by the business", "case-clerk")
        observed = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree, observation=timedelta(days=7)))
        with pytest.raises(ExecuteError) as observing:
            observed.decommission("W01", CASES)
        assert "observation period" in observing.value.en
        assert executor.decommission("W01", CASES).states == {CASES: "decommissioned"}
        assert CASES in moved(store.engine)  # still counted as moved in the reports
        assert [a.actor for a in store.audit_log(CASES) if a.action == "system.accept"] == ["case-clerk"]
        with pytest.raises(ExecuteError) as gone:
            executor.rollback("W01", CASES)
        assert "no way back" in gone.value.en


def _restore_postgresql(site: object, dump: str) -> int:
    """Restores the dump into a fresh database on the source's server; returns its record count."""
    server = next(s for s in site.servers if s.engine == "postgresql")  # type: ignore[attr-defined]
    env = {"PGPASSWORD": server.admin_password, "PATH": "/usr/bin:/bin"}
    base = ["-h", server.host, "-p", str(server.port), "-U", server.admin_user]
    subprocess.run(["createdb", *base, "restored"], env=env, check=True, capture_output=True)
    subprocess.run(
        ["pg_restore", *base, "-d", "restored", "--no-owner", dump], env=env, check=True, capture_output=True
    )
    dsn = f"postgresql://{server.admin_user}:{server.admin_password}@{server.host}:{server.port}/restored"
    return int(rows(dsn, "SELECT count(*) FROM records")[0][0])
