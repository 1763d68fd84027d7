"""Execution: the orchestrator's overhead over plain ansible-playbook, and the cutover window for 1 GB, 1% changed.

1. A wave of N small systems on this machine (local connection), through the executor (one playbook run for the
   wave, each system's state persisted around each step, the executor's word between steps) against one plain
   `ansible-playbook` run of the same playbook on the same engine (Mitogen's strategy; Ansible's default five
   forks; the executor's: two per system at once); the two taken in turn, the best of three each.
2. 1 GB pre-synced, then 1% of it changed: the executor's window (final delta sync + verify + cutover) against
   the floor of rsyncing that delta alone. Two figures: the run of the window's steps as a whole (Ansible's start
   and end included), and the service's downtime inside it, from the moment the source's writes stop (the
   quiesce task starts) to the moment the front end serves from the target (its reload is done), read from the
   timestamps Ansible puts on its own events.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report
from orchestrator.execute import AnsibleRunner, Ports, RunConfig, RunRequest, RunResult, WaveExecutor
from orchestrator.execute.ports.runner import ANSIBLE_ENV
from orchestrator.store import Store, open_store
from tests.execute.harness import site


def _plain(tree: Path) -> float:
    # the same engine as the executor's runs (Mitogen's strategy, pipelining): the ratio is the executor's own cost
    env = {**os.environ, **ANSIBLE_ENV, "ANSIBLE_ROLES_PATH": str(tree / "playbooks" / "roles")}
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            str(tree / "inventories" / "W01" / "hosts.yml"),
            str(tree / "playbooks" / "W01.yml"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - start


def _ours(root: Path, names: list[str]) -> float:
    where = site(root, names)
    store = Store(open_store(f"sqlite:///{root / 'g.db'}"))
    start = time.perf_counter()
    outcome = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(where.tree, concurrency=2)).run("W01")
    seconds = time.perf_counter() - start
    assert outcome.status == "done"
    return seconds


def overhead(systems: int = 4, rounds: int = 3) -> tuple[float, float]:
    """The best of `rounds` of each, the plain run and the executor's taken in turn on fresh sites (a shared
    machine's busy spell then falls on both sides, not on one)."""
    names = [f"s{n}" for n in range(systems)]
    ours, plain = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            plain.append(_plain(site(Path(a), names).tree))
            ours.append(_ours(Path(b), names))
    return min(ours), min(plain)


class _Downtime(AnsibleRunner):
    """The real runner, noting when the quiesce task starts and when the front end's reload is done."""

    def __init__(self) -> None:
        super().__init__()
        self.stopped: datetime | None = None
        self.serving: datetime | None = None

    def __call__(
        self, request: RunRequest, on_event: Callable[[dict[str, Any]], None], cancelled: Callable[[], bool]
    ) -> RunResult:
        def noted(event: dict[str, Any]) -> None:
            data, kind = event.get("event_data", {}), event.get("event")
            when = datetime.fromisoformat(event["created"]) if "created" in event else None
            if kind == "playbook_on_task_start" and data.get("role") == "quiesce" and self.stopped is None:
                self.stopped = when
            if kind == "runner_on_ok" and data.get("role") == "cutover":
                self.serving = when  # the role's one task: the config written and the front end reloaded
            on_event(event)

        return super().__call__(request, noted, cancelled)

    def seconds(self) -> float:
        assert self.stopped is not None and self.serving is not None, "the window's events were not seen"
        return (self.serving - self.stopped).total_seconds()


def window(total_mb: int = 1024, changed: float = 0.01, rounds: int = 3) -> tuple[float, float, float]:
    """The best of `rounds` of each figure (the whole run, the downtime, the floor), each round on a fresh site."""
    runs = [_window(total_mb, changed) for _ in range(rounds)]
    return min(r[0] for r in runs), min(r[1] for r in runs), min(r[2] for r in runs)


def _window(total_mb: int, changed: float) -> tuple[float, float, float]:
    """Steps the state machine up to deploy, changes 1% of the source, then times the rest of the run: the
    window's three steps (final sync, verify, cutover)."""
    from orchestrator.execute.machine.states import STEPS
    from orchestrator.execute.ports.inventory import systems_in

    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        where = site(root, ["big"])
        src, files = where.source("big"), total_mb // 16
        for n in range(files):
            (src / f"blob-{n:03d}.bin").write_bytes(os.urandom(16 * 1024 * 1024))
        store = Store(open_store(f"sqlite:///{root / 'g.db'}"))
        runner = _Downtime()
        executor = WaveExecutor(Ports(store, runner), RunConfig(where.tree))
        hosts = systems_in(where.tree / "inventories" / "W01" / "hosts.yml")["630000-T/big"]
        store.open_wave("W01", [hosts.key], str(where.tree), False, 1, "bench")
        for step in STEPS[:4]:  # precheck, backup, presync, deploy: while the source still serves
            assert executor.step("W01", hosts, step)
        mirror = root / "mirror"  # a second pre-synced copy, for the floor
        subprocess.run(["rsync", "-a", f"{src}/", f"{mirror}/"], check=True)
        for n in range(max(1, int(files * changed))):  # 1% of the data changes after the pre-sync
            (src / f"blob-{n:03d}.bin").write_bytes(os.urandom(16 * 1024 * 1024))
        start = time.perf_counter()
        subprocess.run(["rsync", "-a", "--delete", f"{src}/", f"{mirror}/"], check=True)
        floor = time.perf_counter() - start
        start = time.perf_counter()
        outcome = executor.run("W01")  # the window: final delta sync, verify, cutover, in one playbook run
        ours = time.perf_counter() - start
        assert outcome.status == "done", outcome
    return ours, runner.seconds(), floor


def main() -> None:
    ours, plain = overhead()
    report(
        "execute: a wave of 4 systems (baseline: one plain ansible-playbook run of the same playbook)",
        [
            (
                "orchestrated wave (7 steps x 4 systems), best of 3",
                ours,
                plain,
                f"{ours:6.1f} s vs {plain:5.1f} s",
            )
        ],
    )
    ours, down, floor = window()
    report(
        "execute: cutover window, 1 GB with 1% changed, best of 3 (baseline: rsync of that delta alone)",
        [
            ("final sync + verify + cutover, the whole run", ours, floor, f"{ours:6.2f} s vs {floor:5.2f} s"),
            (
                "the downtime: writes stopped to target serving",
                down,
                floor,
                f"{down:6.2f} s vs {floor:5.2f} s",
            ),
        ],
    )


if __name__ == "__main__":
    main()
