"""The data move's window against the engine's floor, on the rehearsal site's real PostgreSQL and MariaDB.

A replica is filled while the source serves; then a delta of rows is written on the source.
- floor: the time the engine's own replication needs to apply that delta (the replica catching up, writes on);
- window: for the same delta, what the move's window does: stop writes (read-only, probe refused), catch up to
  equal positions, promote (sequences, detach), verify every table on both sides (counts, checksums), open the
  target: the module the roles call, driven directly;
- the run's window: the same through `govmig run`'s steps (final_sync → verify → cutover, three playbooks over
  SSH), from the step log.
Each is printed as a ratio to the floor measured in the same run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report
from orchestrator.app import summarize
from orchestrator.execute import AnsibleRunner, Ports, RunConfig, WaveExecutor
from orchestrator.lab import netns
from orchestrator.store import Store, open_store
from tests.datamove.rehearsal import CASES, TRADE, rehearsal, rows, write_rows
from tests.datamove.test_faults import _module, _params

DELTA = 2000


def _count(dsn: str) -> int:
    return int(rows(dsn, "SELECT count(*) FROM writes")[0][0])


def window_against_floor() -> list[tuple[str, float, float, str]]:
    module, out = _module(), []
    with tempfile.TemporaryDirectory() as where, rehearsal(Path(where)) as (_, site):
        for key in (TRADE, CASES):
            p, db = _params(site, key), site.systems[key]["databases"][0]

            def op(name: str, p: dict[str, Any] = p) -> dict[str, Any]:
                return dict(module.run({**p, "op": name}))

            op("prepare")
            # the floor: the engine applying a delta of DELTA rows while writes go on
            write_rows(db["source"], [f"floor-{n}" for n in range(DELTA)], "source")
            start, want = time.perf_counter(), _count(db["source"])
            while _count(db["target"]) < want and time.perf_counter() - start < 120:
                time.sleep(0.005)
            floor = time.perf_counter() - start
            # the window for the same delta
            write_rows(db["source"], [f"window-{n}" for n in range(DELTA)], "source")
            start = time.perf_counter()
            for name in ("quiesce", "catchup", "promote", "verify", "open"):
                op(name)
            window = time.perf_counter() - start
            engine = db["server"]
            out.append(
                (
                    f"{engine}: window, module (stop → verified → open)",
                    window,
                    floor,
                    f"{window:.2f} s for {DELTA:,} rows",
                )
            )
            op("reverse")
    return out


def run_window() -> list[tuple[str, float, float, str]]:
    """The whole run's window (three playbooks) against the engine's catch-up in the same run."""
    if netns.missing():
        return []
    with tempfile.TemporaryDirectory() as where, rehearsal(Path(where)) as (tree, _):
        store = Store(open_store(f"sqlite:///{Path(where) / 'g.db'}"))
        WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree)).run("W01")
        out = []
        for key, m in sorted(summarize(store, "W01").items()):
            if m.write_downtime_seconds and m.catchup_seconds:
                out.append(
                    (
                        f"{key}: window, govmig run (3 steps)",
                        m.write_downtime_seconds,
                        m.catchup_seconds,
                        f"{m.write_downtime_seconds:.1f} s of write downtime",
                    )
                )
        return out


def main() -> None:
    if netns.missing():
        print(f"\ndata moves: skipped ({netns.missing()})")
        return
    report(
        "Data moves: the window against the engine's own catch-up for the same delta",
        window_against_floor() + run_window(),
    )


if __name__ == "__main__":
    main()
