"""The govmig store (PostgreSQL) goes away while a worker moves the rehearsal department's databases, and a client
keeps writing to them throughout: every acknowledged write is on the target exactly once.

The rehearsal's W01 (PostgreSQL TRADE and MariaDB CASES in network namespaces, moved over SSH) runs through a
`govmig worker` whose store is a PostgreSQL server of the test's own: without a fault; and in one run restarted
fast once both systems began the presync, immediate once both began the deploy, and stopped for 10 s once both
began the final sync (inside the window: the sources take no writes). Each run finishes by itself, every step
once per system, verification finds no table differing, and the write downtime (from the step log: the first final sync begun to the last cutover
finished) is the outage and a fault-free window's worth more, not `--stale-after`.

The moments are found from the step log (both systems began the step), each loop bounded in time.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestrator.execute import STEPS
from orchestrator.lab import netns
from orchestrator.store import Store, open_store
from orchestrator.store.patience import MOST
from tests.conftest import new_database
from tests.datamove.rehearsal import CASES, TRADE, Writer, rehearsal, tokens
from tests.execute.harness import govmig
from tests.store import postgres
from tests.store.postgres import Server

WHY = netns.missing() or postgres.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"the rehearsal and its store need: {WHY}")
STALE = 30.0
"""The worker's --stale-after: an outage must cost far less than this."""
STOPPED = 10.0
"""How long the store is stopped inside the window (seconds)."""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Server]:
    monkeypatch.setenv("GOVMIG_KEY_FILE", str(tmp_path / "govmig.key"))
    with postgres.restartable("govmig-pg-faults-") as restartable:
        yield restartable


WINDOW = ("final_sync", "verify", "cutover")
"""The steps of the window (the sources quiesced)."""


@dataclass
class Trial:
    name: str
    window: float
    """Seconds from the first final sync begun to the last cutover finished (the step log)."""
    outages: dict[str, float]
    """Seconds the store was away, by the step both systems had begun when it went."""
    acked: dict[str, int]
    """Acknowledged writes per system."""
    claims: int

    @property
    def in_window(self) -> float:
        return sum(s for step, s in self.outages.items() if step in WINDOW)


def lost_and_doubled(acked: list[str], on_target: dict[str, int]) -> tuple[list[str], list[str]]:
    """The acknowledged writes not on the target, and the tokens on the target more than once."""
    return [t for t in acked if t not in on_target], [t for t, n in on_target.items() if n != 1]


def _begun(store: Store, step: str) -> bool:
    try:
        return all(any(e.step == step for e in store.step_log("W01", k)) for k in (TRADE, CASES))
    except Exception:  # the store is created by the queueing run, or is away
        return False


def trial(root: Path, url: str, name: str, faults: list[tuple[str, Callable[[], None]]]) -> Trial:
    """W01 through a worker on the store at `url`, writers on both databases from before the run to after it,
    each `(step, fault)` once both systems began the step (in the steps' order); checks what every move must
    hold and returns what it cost."""
    with rehearsal(root / name) as (tree, site):
        writers = {k: Writer(site.systems[k]["databases"][0], limit=300) for k in (TRADE, CASES)}
        for w in writers.values():
            w.start()
        common = ["--tree", str(tree), "--db", url, "--hold", "0", "--format", "json"]
        options = ["--heartbeat", "0.2", "--stale-after", str(STALE), "--store-outage", "60", "--jobs", "1"]
        store = Store(open_store(url))
        outages: dict[str, float] = {}
        worker = None
        try:
            queued = govmig("run", "W01", "--queue", *common, cwd=root)
            assert queued.wait(120) == 0, queued.communicate()
            worker = govmig("worker", *common, *options, cwd=root)
            for at, fault in faults:
                deadline = time.monotonic() + 300
                while not _begun(store, at) and worker.poll() is None:
                    assert time.monotonic() < deadline, f"the run never reached {at}"
                    time.sleep(0.02)
                assert worker.poll() is None, f"the run ended before its fault at {at}"
                began = time.monotonic()
                fault()
                outages[at] = time.monotonic() - began
            out, err = worker.communicate(timeout=400)
            for w in writers.values():  # a few writes on the target after the cutover
                for _ in range(100):
                    if sum(s == "target" for s, _, _ in w.acked) >= 3:
                        break
                    time.sleep(0.1)
        finally:
            for w in writers.values():
                w.stop()
            if worker is not None and worker.poll() is None:
                worker.kill()
        assert worker.returncode == 0, (out[-3000:], err[-3000:])
        assert "Traceback" not in err, err[-3000:]
        ended = json.loads(out.strip().splitlines()[-1])
        assert (ended["status"], ended["detail"]) == ("done", "done"), ended
        wave = store.wave("W01")
        assert wave is not None and wave.status == "done", wave
        assert {s.system: s.state for s in store.systems("W01")} == {TRADE: "done", CASES: "done"}
        acked: dict[str, int] = {}
        for key, w in writers.items():
            log = store.step_log("W01", key)
            finished = Counter(e.step for e in log if e.status == "finished")
            assert finished == Counter(s.name for s in STEPS), (key, [(e.step, e.status) for e in log])
            assert not [e for e in log if e.status == "failed"], key
            mine = [t for _, t, _ in w.acked]
            lost, doubled = lost_and_doubled(mine, tokens(site.systems[key]["databases"][0]["target"]))
            assert mine and not lost and not doubled, (key, lost[:5], doubled[:5])
            verified = [f.data for f in store.figures("W01", key) if f.data.get("op") == "verify"]
            assert verified and verified[-1]["differ"] == [], (key, verified[-1:])
            acked[key] = len(mine)
        entries = [e for k in (TRADE, CASES) for e in store.step_log("W01", k)]
        quiesced = min(e.at for e in entries if e.step == "final_sync")
        switched = max(e.at for e in entries if e.step == "cutover" and e.status == "finished")
        done = Trial(name, (switched - quiesced).total_seconds(), outages, acked, ended["claims"])
        said = ", ".join(f"{s:.1f} s once both began {step}" for step, s in outages.items()) or "none"
        print(
            f"\n{name}: store away {said}; write downtime {done.window:.1f} s; acknowledged "
            f"{TRADE} {acked[TRADE]}, {CASES} {acked[CASES]}: 0 lost, 0 doubled; claims {done.claims}"
        )
        return done


def test_store_restarts_and_a_stop_lose_and_double_no_acknowledged_write(
    server: Server, tmp_path: Path
) -> None:
    """Two runs (about a minute each on a busy machine): without a fault, and with every fault in turn: restarted
    fast in the presync, immediate at the deploy, stopped for 10 s in the window (the final sync)."""

    def stop() -> None:
        server.stop()
        time.sleep(STOPPED)
        server.start()

    clean = trial(tmp_path, new_database(server.url), "clean", [])
    faults = [
        ("presync", lambda: server.restart("fast")),
        ("deploy", lambda: server.restart("immediate")),
        ("final_sync", stop),
    ]
    faulted = trial(tmp_path, new_database(server.url), "faulted", faults)
    print(f"\nwithout a fault the write downtime was {clean.window:.1f} s")
    assert set(faulted.outages) == {"presync", "deploy", "final_sync"}, faulted
    assert faulted.in_window >= STOPPED, faulted
    assert faulted.claims == 1, faulted  # waited for: neither taken over nor put back
    # the outage in the window and no more than twice a fault-free window and the longest wait between two tries on
    # top: less than waiting for --stale-after (31-34 s of downtime after a 1.5 s restart, before)
    assert faulted.window - faulted.in_window < 2 * clean.window + 2 * MOST, (faulted, clean)
    assert faulted.window - faulted.in_window < STALE, (faulted, clean)
