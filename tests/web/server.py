"""`govmig serve` as its own process on a free loopback port, stopped (with its process group) afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.monitor import lab

SERVING: dict[str, subprocess.Popen[bytes]] = {}
"""Each running `govmig serve` by its base URL: a test that kills a replica finds its process here."""


@contextmanager
def govmig_serve(db: str, root: Path, *extra: str) -> Iterator[str]:
    """Yields the base URL once the service answers (bounded: 60 s)."""
    port = lab.free_port()
    argv = [
        sys.executable,
        "-m",
        "orchestrator",
        "serve",
        "--db",
        db,
        "--port",
        str(port),
        "--secret-file",
        str(root / "secret"),
        "--tree",
        str(root / "render"),
        *extra,
    ]
    server = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert lab.wait_until(lambda: lab.answers(base + "/login"), 60, 0.3), "govmig serve did not answer"
        SERVING[base] = server
        yield base
    finally:
        SERVING.pop(base, None)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


@contextmanager
def govmig_worker(db: str, root: Path, *extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """`govmig worker` over the same store and tree: the process that carries out what the web queues."""
    argv = [sys.executable, "-m", "orchestrator", "worker", "--db", db, "--tree", str(root / "render")]
    worker = subprocess.Popen(
        [*argv, "--poll", "0.2", "--heartbeat", "0.5", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield worker
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
