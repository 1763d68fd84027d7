"""`govmig discover` on a rehearsal site: hosts in network namespaces with their own sshd, real PostgreSQL, and
services that really talk to each other.

The portal (alpha) holds a session open to the statistics system's (beta) PostgreSQL over a link of their own,
which no plan declares (beta declares it depends on alpha: together, a cycle); alpha also holds a connection to a
peer outside the portfolio (a listener on this machine's end of alpha's link). beta's database is declared at
1 MB and seeded with 10,000 rows. Discovery must find the dependency (and the planner move the two together),
name the database with its measured size and the window it needs, list the peer outside by its address, and leave
the hosts as they were.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from orchestrator.app import Portfolio
from orchestrator.lab import Site, down, up
from orchestrator.lab.netns import missing
from orchestrator.plan import load_paths
from orchestrator.waves import WaveSettings
from tests.conftest import AS_OF

PLAN = Path(__file__).parent / "plan.yaml"
ALPHA, BETA = "630000-OBS/alpha", "630000-OBS/beta"
GIB = 1024**3

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no network namespaces here: {missing()}")


@dataclass
class Rehearsal:
    root: Path
    tree: Path
    site: Site
    outside: str  # ADDRESS:PORT of the peer outside the portfolio
    beta_dsn: str


def _digest(root: Path) -> dict[str, str]:
    """Every file under the site's hosts (their data, applications, keys), by content; logs and pid files aside."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in (".log", ".pid"):
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _writes(dsn: str) -> tuple[Any, ...]:
    """Rows ever written to beta's tables and its size: what a write by discovery would move."""
    with psycopg.connect(dsn, connect_timeout=3) as conn:
        rows = conn.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables ORDER BY relname"
        ).fetchall()
        return tuple(rows)


def _size(dsn: str) -> int:
    with psycopg.connect(dsn, connect_timeout=3) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        assert row is not None
        return int(row[0])


def govmig(*args: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=300, env=env
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rehearsal]:
    root = tmp_path_factory.mktemp("discover")
    tree = root / "tree"
    # rendered without a pilot, so one wave holds both systems and one site stands in for both
    Portfolio(load_paths([PLAN]).plans, AS_OF, schedule=WaveSettings(pilot_size=0)).write(tree)
    site = up(tree, "W01", root / "site")
    procs: list[subprocess.Popen[bytes]] = []
    listener = None
    try:
        assert site.namespaces is not None
        ns = site.namespaces
        a, b = f"{ALPHA}#source", f"{BETA}#source"
        ns.connect(a, b)  # a link of their own, addresses no inventory knows
        alpha, beta = ns.hosts[a], ns.hosts[b]
        ns.run_in(a, "ip", "route", "add", f"{beta.address}/32", "via", beta.peers[a])
        dsn = site.systems[BETA]["databases"][0]["source"]
        procs.append(
            subprocess.Popen(
                ["ip", "netns", "exec", alpha.ns, "psql", dsn, "-c", "SELECT pg_sleep(600)"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        here = str(ipaddress.IPv4Address(alpha.address) - 1)  # this machine's end of alpha's link
        listener = socket.create_server((here, 0))
        listener.settimeout(30)
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []
        threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
        hold = f"import socket,time; s=socket.create_connection(({here!r},{port})); time.sleep(600)"
        procs.append(subprocess.Popen(["ip", "netns", "exec", alpha.ns, sys.executable, "-c", hold]))
        _wait_established(alpha.ns, f"{beta.address}:", f"{here}:{port}")
        yield Rehearsal(root, tree, site, f"{here}:{port}", dsn)
    finally:
        for p in procs:
            p.kill()
            p.wait(10)
        if listener is not None:
            listener.close()
        down(root / "site")


def _wait_established(ns: str, *peers: str) -> None:
    """Until alpha's two connections are up (bounded: 50 tries, 0.1 s apart)."""
    for _ in range(50):
        out = subprocess.run(
            ["ip", "netns", "exec", ns, "ss", "-Htn", "state", "established"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if all(p in out for p in peers):
            return
        threading.Event().wait(0.1)
    raise AssertionError(f"alpha's connections did not come up: {out}")


@pytest.fixture(scope="module")
def observed(rehearsal: Rehearsal) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """Two runs into one file, with the hosts' files and beta's writes taken before and after."""
    before = (_digest(rehearsal.site.root / "hosts"), _writes(rehearsal.beta_dsn))
    out = rehearsal.root / "observed.yaml"
    status, first, err = govmig(
        "discover", str(rehearsal.tree), "W01", "--window", "3", "-o", str(out), "--format", "json"
    )
    assert status == 0, err
    status, _, err = govmig("discover", str(rehearsal.tree), "all", "--window", "2", "-o", str(out))
    assert status == 0, err
    after = (_digest(rehearsal.site.root / "hosts"), _writes(rehearsal.beta_dsn))
    return out, json.loads(first), {"before": before, "after": after}


def test_the_undeclared_dependency_and_the_peer_outside_are_found(
    rehearsal: Rehearsal, observed: tuple[Path, dict[str, Any], dict[str, Any]]
) -> None:
    _, doc, _ = observed
    seen = {(c["from"], c["to"], c["port"]): c for c in doc["connections"]}
    assert (ALPHA, BETA, 5432) in seen
    assert seen[(ALPHA, BETA, 5432)]["samples"] >= 3  # held through the window: every sample but a late start
    assert [(c["from"], c["to"]) for c in doc["outside"]] == [(ALPHA, rehearsal.outside)]
    assert not [c for c in doc["connections"] if c["from"] == c["to"]]  # nothing inside one system
    assert doc["failed"] == []
    print(f"\nseen: {sorted(seen)}; samples {seen[(ALPHA, BETA, 5432)]['samples']}; outside {doc['outside']}")


def test_the_file_merges_the_two_runs(observed: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    import yaml

    out, first, _ = observed
    merged = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [r["wave"] for r in merged["runs"]] == ["W01", "W01"]
    once = {(c["from"], c["to"]): c["samples"] for c in first["connections"]}
    both = {(c["from"], c["to"]): c["samples"] for c in merged["connections"]}
    assert both[(ALPHA, BETA)] > once[(ALPHA, BETA)]  # the second run's samples added


def test_the_database_is_measured_by_its_engine_and_named_with_the_window_it_needs(
    rehearsal: Rehearsal, observed: tuple[Path, dict[str, Any], dict[str, Any]]
) -> None:
    out, doc, _ = observed
    [beta] = [h for h in doc["hosts"] if h["system"] == BETA]
    [db] = beta["databases"]
    assert (db["measured"], db["engine"], db["version"].split()[0]) == (True, "postgresql", "PostgreSQL")
    assert abs(db["size_bytes"] - _size(rehearsal.beta_dsn)) < 256 * 1024  # the engine's own figure
    assert db["size_bytes"] > 0.001 * GIB * 1.1  # larger than declared beyond the tolerance
    assert beta["cpus"] >= 1 and beta["memory_bytes"] > 0
    assert beta["data"][0]["used_bytes"] > 0 and beta["data"][0]["files"] == 5
    status, text, err = govmig("validate", str(PLAN), "--observed", str(out), "--format", "json")
    assert status == 1, err
    result = json.loads(text)
    [named] = [c for c in result["corrections"] if c["kind"] == "database_larger"]
    measured_gb = json.loads(json.dumps(named))["measured"]
    assert named["system"] == BETA and named["declared"] == 0.001
    assert measured_gb == pytest.approx(db["size_bytes"] / GIB, abs=1e-5)
    assert f"{measured_gb:g} GB" in named["zh"] and f"{measured_gb:g} GB" in named["en"]
    print(f"\nbeta measured {db['size_bytes']} B = {measured_gb} GB (declared 0.001); {named['en']}")
    [window] = result["windows"]
    print(f"window: {window['en']}")
    assert window["system"] == BETA and window["measured_gb"] == pytest.approx(1 + measured_gb, abs=1e-5)
    assert window["window_hours"] > 0 and window["fits"] is True


def test_the_planner_moves_the_two_systems_together(
    rehearsal: Rehearsal, observed: tuple[Path, dict[str, Any], dict[str, Any]]
) -> None:
    out, _, _ = observed
    schedule = rehearsal.root / "schedule.yaml"
    schedule.write_text("pilot_size: 1\n", encoding="utf-8")
    args = ("plan", str(PLAN), "--as-of", "2026-11-22", "--schedule", str(schedule), "--format", "json")
    status, text, err = govmig(*args, "-o", str(rehearsal.root / "before"))
    assert status == 0, err
    waves = {k: w["id"] for w in json.loads(text)["waves"] for k in w["systems"]}
    assert waves[ALPHA] != waves[BETA]
    status, text, err = govmig(*args, "-o", str(rehearsal.root / "after"), "--observed", str(out))
    assert status == 0, err
    doc = json.loads(text)
    assert doc["undeclared"] == [{"from": ALPHA, "to": BETA, "port": 5432}]
    waves = {k: w["id"] for w in doc["waves"] for k in w["systems"]}
    assert waves[ALPHA] == waves[BETA]


def test_nothing_on_the_hosts_changed(observed: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    _, _, states = observed
    files_before, writes_before = states["before"]
    files_after, writes_after = states["after"]
    assert len(files_before) > 10  # the sources' data, applications and keys are under watch
    assert files_after == files_before
    assert writes_after == writes_before
