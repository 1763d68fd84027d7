"""The store under faults while a worker runs a wave: the full matrix the suite samples (tests/execute/
test_store_blips.py). PostgreSQL restarted fast and immediate once both systems began each step, and stopped for
60 s in the window and at a step boundary, with the run's bound above and below the stop. For each trial: the
window (first final sync begun to last cutover finished, the sources' write downtime), the outage, what the window
cost beyond it, and the job's claims (1: waited out; 2: paused and claimed back). Run as root (PostgreSQL runs as
its own user): `python bench/bench_store_blips.py`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orchestrator.contracts.steps import WAVE_STEPS
from tests.execute.test_store_blips import Trial, fresh, trial
from tests.store import postgres
from tests.store.postgres import Server


def stop_for(server: Server, seconds: float) -> Callable[[], None]:
    def fault() -> None:
        server.stop()
        time.sleep(seconds)
        server.start()

    return fault


def main() -> None:
    why = postgres.missing()
    if why is not None:
        print(f"skipped: {why}")
        return
    root = Path(tempfile.mkdtemp(prefix="govmig-pg-bench-"))
    work = Path(tempfile.mkdtemp(prefix="govmig-blips-"))
    rows: list[tuple[str, Trial]] = []
    try:
        with postgres.server(root) as url:
            server = Server(root, url)
            n = 0

            def run(name: str, fault: Callable[[], None] | None, at: str, bound: float = 60.0) -> None:
                nonlocal n
                n += 1
                got = trial(*fresh(server, work, f"t{n}"), fault, at, outage_bound=bound)
                rows.append((name, got))
                print(
                    f"{name:<40} window {got.window:6.1f} s  outage {got.outage:5.1f} s  "
                    f"beyond it {got.window - got.outage:6.1f} s  claims {got.claims}",
                    flush=True,
                )

            run("no fault", None, "final_sync")
            for step in WAVE_STEPS:
                for mode in ("fast", "immediate"):
                    run(f"restart {mode} at {step}", lambda m=mode: server.restart(m), step)  # type: ignore[misc]
            run("stop 60 s at final_sync (bound 90 s)", stop_for(server, 60), "final_sync", 90.0)
            run("stop 60 s at deploy (bound 90 s)", stop_for(server, 60), "deploy", 90.0)
            run("stop 60 s at final_sync (bound 30 s)", stop_for(server, 60), "final_sync", 30.0)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    clean = rows[0][1].window
    inside = [t.window - t.outage for name, t in rows if "final_sync" in name or "verify" in name]
    print(
        f"\nfault-free window {clean:.1f} s; a fault inside the window cost at most {max(inside):.1f} s beyond its "
        "outage (a fault outside it: nothing, the window is its own length)"
    )


if __name__ == "__main__":
    main()
