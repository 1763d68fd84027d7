"""`govmig run … --notifications F` tells what the night does as it does it: a webhook receiver on loopback hears
the wave start, a system fail at its deploy and roll back, and the wave end, each once, in both languages; a
mistaken notifications file is bad input (exit 2) before anything runs."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from orchestrator.store import Store, open_store
from tests.execute.harness import preflighted, site


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    heard: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            heard.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", heard
    finally:
        server.shutdown()
        server.server_close()


def test_a_run_tells_its_night_to_the_subscribers(
    tmp_path: Path, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, heard = receiver
    where = site(tmp_path, ["alpha", "beta"], broken={"beta": "deploy"})
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    Store(open_store(db))  # the store exists before notifications are turned on
    preflighted(where.tree, db)
    told = tmp_path / "notifications.yaml"
    told.write_text(
        f"webhooks: {{ops-im: '{url}'}}\n"
        "subscribe:\n"
        "  - {events: [wave_started, system_failed, rollback_started, wave_done, acceptance_requested],"
        " to: [ops-im]}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "orchestrator", "run", "W01", "--tree", str(where.tree), "--db", db,
         "--hold", "0", "--notifications", str(told), "--format", "json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "Traceback" not in run.stderr, run.stderr
    events = [(h["event"], h["system"]) for h in heard]
    assert events[0] == ("wave_started", None) and events[-1] == ("wave_done", None)
    assert sorted(events[1:-1]) == [
        ("acceptance_requested", "630000-T/alpha"),
        ("rollback_started", "630000-T/beta"),
        ("system_failed", "630000-T/beta"),
    ]
    failed = next(h for h in heard if h["event"] == "system_failed")
    assert failed["wave"] == "W01" and "deploy" in failed["en"] and "失败" in failed["zh"]

    bad = tmp_path / "bad.yaml"
    bad.write_text("subscribe:\n  - {events: [wave_started], to: [nobody]}\n", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "orchestrator", "resume", "W01", "--tree", str(where.tree), "--db", db,
         "--notifications", str(bad)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2 and "nobody" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
