"""A wave started from the browser passes exactly the gates of one started with `govmig run`: the real
`govmig serve` queues it and the real `govmig worker`, which takes the same gate options as `govmig run`, carries
it out; a target whose health URL fails the gate is not cut over, and the same wave with the gate turned off
(`--hold 0`) is (the control: it is the gate that stops it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import yaml

from orchestrator.render import load_inventory
from orchestrator.store import Accounts, Store, open_store
from orchestrator.web import hash_password, new_token, token_digest
from tests.execute.harness import preflighted, site
from tests.web.server import govmig_serve, govmig_worker


class _Health(BaseHTTPRequestHandler):
    """200 to Ansible (deploy and verify pass), 503 to the orchestrator's own gate: sick where only the gate
    looks. The healthy system's stand-in answers 200 to everyone."""

    sick_to_gate = False

    def do_GET(self) -> None:
        gate = "ansible" not in self.headers.get("user-agent", "").lower()
        self.send_response(503 if gate and self.sick_to_gate else 200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def health_server(sick: bool) -> Iterator[str]:
    handler = type("Handler", (_Health,), {"sick_to_gate": sick})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/healthz"
    finally:
        server.shutdown()


def _run_from_the_web(tmp_path: Path, hold: str) -> dict[str, dict[str, object]]:
    where = site(tmp_path, ["well", "sick"])
    inventory = where.tree / "inventories" / "W01" / "hosts.yml"
    with health_server(sick=False) as well, health_server(sick=True) as sick:
        doc = load_inventory(inventory.read_text())
        for host, hostvars in doc["all"]["children"]["govcloud"]["hosts"].items():
            hostvars["govmig_health_url"] = well if host.startswith("well") else sick
        inventory.write_text(yaml.safe_dump(doc))
        db = f"sqlite:///{tmp_path / 'g.db'}"
        accounts = Accounts(open_store(db))
        token = new_token()
        user = accounts.add_user("ops", "ops", None, hash_password("Gov-Mig-2026"), "test")
        accounts.add_token(user, token_digest(token), "test", "test")
        (tmp_path / "render").symlink_to(where.tree)
        preflighted(tmp_path / "render", db)  # the tree the web and the worker are given
        gates = ("--hold", hold, "--gate-timeout", "4")
        with govmig_serve(db, tmp_path, *gates) as base, govmig_worker(db, tmp_path, *gates):
            auth = {"Authorization": f"Bearer {token}"}
            started = httpx.post(base + "/api/waves/W01/run", headers=auth, timeout=30)
            assert started.status_code == 200, started.text
            deadline = time.monotonic() + 240
            state: dict[str, object] = {}
            while time.monotonic() < deadline:
                state = httpx.get(base + "/api/waves/W01/status", headers=auth, timeout=30).json()
                if not state["running"] and state["status"] != "running":
                    break
                time.sleep(0.5)
            else:
                raise AssertionError(f"the wave did not finish: {state}")
    systems = {str(s["system"]).split("/")[1]: s for s in state["systems"]}  # type: ignore[attr-defined, union-attr]
    store = Store(open_store(db))
    for name, s in systems.items():
        s["frontend"] = where.frontend(name)
        s["failures"] = [
            f"{e.step}: {e.detail}" for e in store.step_log("W01", s["system"]) if e.status == "failed"
        ]  # type: ignore[arg-type]
    return systems


def test_a_failing_health_url_stops_a_web_started_cutover(tmp_path: Path) -> None:
    systems = _run_from_the_web(tmp_path, hold="1")
    assert systems["well"]["state"] == "done" and "tgt-well" in str(systems["well"]["frontend"])
    sick = systems["sick"]
    assert sick["state"] == "rolled_back" and "tgt-sick" not in str(sick["frontend"])
    [failure] = sick["failures"]  # type: ignore[misc]
    assert failure.startswith("cutover: health gate: not healthy") and "HTTP 503" in failure


def test_with_the_gate_off_the_same_target_is_cut_over(tmp_path: Path) -> None:
    systems = _run_from_the_web(tmp_path, hold="0")
    assert {s["state"] for s in systems.values()} == {"done"}
    assert "tgt-sick" in str(systems["sick"]["frontend"]) and systems["sick"]["failures"] == []
