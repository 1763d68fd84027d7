"""Faults at seeded random moments while a database moves, and a client writes all along.

The migration link between a source and its target is cut in the namespaces, during the initial copy and during
the final catch-up, and restored seconds later; alternately on PostgreSQL and MariaDB. Each trial runs the data
move's operations (the module the roles call, driven here directly so 16 trials fit in the suite) from prepare to
open: afterwards every write the client got an acknowledgement for is on the target exactly once, nothing is
doubled, verification compared every table equal before the target took a write, and the way back carries it all
to the source for the next trial. Last, the target's disk is filled before a fresh initial copy: the move fails,
the source is given back, and every acknowledged write is on it exactly once. A kill -9 of the whole run is
tried in test_kill_and_resume.py.
"""

from __future__ import annotations

import importlib.util
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from orchestrator.lab import Site, fill, netns
from tests.conftest import ROOT
from tests.datamove.rehearsal import CASES, TRADE, Writer, rehearsal, tokens

WHY = netns.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"the rehearsal site needs namespaces: {WHY}")
SEED, TRIALS = 20261201, 16
FAULTS = ("presync", "final_sync")


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "govmig_db", ROOT / "playbooks" / "library" / "govmig_db.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def side(s: Any) -> dict[str, Any]:
    """One server as the module's `source` or `target` parameter (credentials included, as the role passes)."""
    return {
        "host": s.host,
        "port": s.port,
        "dbname": s.dbname,
        "admin_user": s.admin_user,
        "admin_password": s.admin_password,
        "app_user": s.app_user,
        "app_password": s.app_password,
    }


def _params(site: Site, key: str) -> dict[str, Any]:
    """What the db_move role passes the module for the system's database (the target host's view)."""
    db = site.systems[key]["databases"][0]
    source, target = (next(s for s in site.servers if s.dsn() == db[side]) for side in ("source", "target"))
    assert site.namespaces is not None
    peer = site.namespaces.hosts[f"{key}#source"].peers[f"{key}#target"]

    return {
        "engine": source.engine,
        "name": source.dbname,
        "source": side(source),
        "target": side(target),
        "replica_host": peer,
        "backup_file": None,
        "timeout": 40.0,
    }


@contextmanager
def link_cut(site: Site, key: str, after: float, hold: float) -> Iterator[list[float]]:
    """Cuts the system's migration link `after` seconds from now, for `hold` seconds, in a thread."""
    done = threading.Event()
    when: list[float] = []

    def cut() -> None:
        if done.wait(after):
            return  # the operation finished first: the fault never struck
        site.cut(key)
        when.append(time.monotonic())
        time.sleep(hold)
        site.cut(key, up=True)

    thread = threading.Thread(target=cut, daemon=True)
    thread.start()
    try:
        yield when
    finally:
        done.set()
        thread.join(timeout=hold + 5)
        site.cut(key, up=True)


def test_a_cut_link_loses_and_doubles_nothing(tmp_path: Path) -> None:
    module, rng = _module(), random.Random(SEED)
    with rehearsal(tmp_path, target_disk_mb=512) as (_, site):
        params = {key: _params(site, key) for key in (TRADE, CASES)}
        struck = 0
        for n in range(TRIALS):
            key, fault = (TRADE, CASES)[n % 2], FAULTS[(n // 2) % 2]
            p, db = params[key], site.systems[key]["databases"][0]

            def op(name: str, p: dict[str, Any] = p) -> dict[str, Any]:
                return dict(module.run({**p, "op": name}))

            writer = Writer(db, limit=120)
            writer.start()
            time.sleep(rng.uniform(0.1, 0.4))
            # in every other round of four the link is already down when the operation starts (it must wait
            # for it, bounded); in the others it goes down at a random moment, which may be after the end
            at_start = (n // 4) % 2 == 0
            after, hold = (0.0 if at_start else rng.uniform(0.0, 0.8)), rng.uniform(1.0, 3.0)
            try:
                if fault == "presync":
                    with link_cut(site, key, after, hold) as when:
                        op("prepare")
                else:
                    op("prepare")
                    with link_cut(site, key, after / 4, hold) as when:
                        op("quiesce")
                        op("catchup")
                if fault == "presync":
                    op("quiesce")
                    op("catchup")
                struck += bool(when)
                op("promote")
                verified = op("verify")  # raises when any table differs: then nothing would open
                assert verified["differ"] == [] and verified["source"] == verified["target"]
                op("open")
                for _ in range(100):  # the client finds the target open
                    if any(s == "target" for s, _, _ in writer.acked):
                        break
                    time.sleep(0.1)
            finally:
                writer.stop()
            acked = [t for _, t, _ in writer.acked]
            on_target = tokens(db["target"])
            trial = f"trial {n}: {key} {fault}, cut after {after:.2f}s for {hold:.1f}s ({'struck' if when else 'missed'})"
            assert acked and any(s == "target" for s, _, _ in writer.acked), (trial, writer.errors[:3])
            assert all(on_target.get(t) == 1 for t in acked), trial
            assert all(c == 1 for c in on_target.values()), trial
            back = op("reverse")  # the way back for the next trial: the target's writes go to the source
            assert back["differ"] == []
            on_source = tokens(db["source"])
            assert all(on_source.get(t) == 1 for t in acked) and all(c == 1 for c in on_source.values()), (
                trial
            )
        # the cuts at a start always strike; the random ones must strike at least once or the trials said
        # nothing about a link lost in the middle of an operation
        at_starts = sum((n // 4) % 2 == 0 for n in range(TRIALS))
        assert struck > at_starts, f"only {struck} of {TRIALS} cuts struck while an operation ran"
        for key in (TRADE, CASES):  # the target's disk full: refused, and nothing acknowledged lost
            _disk_full(site, key, lambda name, p=params[key]: dict(module.run({**p, "op": name})))


def _disk_full(site: Site, key: str, op: Any) -> None:
    db = site.systems[key]["databases"][0]
    target = next(s for s in site.servers if s.dsn() == db["target"])
    filler = fill(target)
    writer = Writer(db, limit=120)
    writer.start()
    try:
        with pytest.raises(Exception) as failed:
            op(
                "prepare"
            )  # the initial copy cannot land (the engine's error, or the bounded wait running out)
        op("release")  # the way back before cutover: the source keeps serving
        time.sleep(0.5)
    finally:
        writer.stop()
        filler.unlink()
    acked = [t for s, t, _ in writer.acked]
    on_source = tokens(db["source"])
    assert acked and {s for s, _, _ in writer.acked} == {"source"}, (key, failed.value)
    assert all(on_source.get(t) == 1 for t in acked) and all(c == 1 for c in on_source.values()), key
    print(f"\n{key}: target disk full → {type(failed.value).__name__}: {str(failed.value)[:160]}")
