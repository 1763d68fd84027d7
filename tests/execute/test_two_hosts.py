"""End to end over SSH: a legacy service moves from a "private network" host to a "gov cloud" host.

Two network namespaces with their own sshd; the rendered roles run through ansible-runner: pre-sync while the
source serves, a change made on the source after the pre-sync, final delta sync in the window, start and verify on
the target, nginx switched from source to target, source stopped. A client polling through nginx all along
measures the downtime, and the target ends with the same records and checksum as the source.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.execute import AnsibleRunner, HealthGate, RunRequest, RunResult, WaveExecutor
from orchestrator.store import Store, open_store
from tests.execute import lab as labmod
from tests.execute.harness import skeleton, wave_inventory
from tests.execute.legacy_app import snapshot

HERE = Path(__file__).parent
WHY = labmod.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"two-host test skipped: {WHY}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PORT = _free_port()  # per test process: parallel workers never share it


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[labmod.Lab]:
    world = labmod.Lab(tmp_path).up()
    try:
        yield world
    finally:
        world.down()


def _nginx(root: Path, backend: str) -> tuple[Path, Path]:
    conf, backends = root / "nginx.conf", root / "backend.conf"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (root / "nginx" / sub).mkdir(parents=True, exist_ok=True)
    backends.write_text(f"server {backend};\n")
    conf.write_text(f"""
user root;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {root}/nginx/body; proxy_temp_path {root}/nginx/proxy;
  fastcgi_temp_path {root}/nginx/fastcgi; uwsgi_temp_path {root}/nginx/uwsgi; scgi_temp_path {root}/nginx/scgi;
  upstream legacy {{ include {backends}; }}
  server {{
    listen 127.0.0.1:{PORT};
    location / {{ proxy_pass http://legacy; proxy_connect_timeout 1s; proxy_read_timeout 5s; }}
  }}
}}
""")
    labmod.sh("nginx", "-c", str(conf))
    return conf, backends


class Poller(threading.Thread):
    """Reads /records through the front end every 20 ms until told to stop (at most 60,000 requests)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.samples: list[tuple[float, bool, str]] = []

    def run(self) -> None:
        while not self.stop.is_set() and len(self.samples) < 60_000:
            t = time.monotonic()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/records", timeout=2) as r:
                    self.samples.append((t, True, json.loads(r.read())["served_by"]))
            except Exception:
                self.samples.append((t, False, ""))
            time.sleep(0.02)

    def downtime(self) -> float:
        """Longest stretch between two successful answers (seconds)."""
        ok = [t for t, good, _ in self.samples if good]
        return max((b - a for a, b in pairwise(ok)), default=0.0)


class ChangeAfterPresync:
    """The runner seam: after the pre-sync, 5 new records (1%) are written on the source, as users would."""

    def __init__(self, inner: Callable[..., RunResult]) -> None:
        self.inner = inner

    def __call__(self, request: RunRequest, on_event: Any, cancelled: Any) -> RunResult:
        result = self.inner(request, on_event, cancelled)
        if request.step == "presync" and result.ok:
            for _ in range(5):
                urllib.request.urlopen(
                    urllib.request.Request(f"http://127.0.0.1:{PORT}/records", method="POST"), timeout=5
                ).read()
        return result


def _migration(
    lab: labmod.Lab, tmp_path: Path, target_extra: dict[str, Any] | None = None
) -> tuple[Path, Path, Path]:
    """The source serving 500 records through nginx, and a rendered tree whose W01 moves it: (tree, data, nginx conf)."""
    src, tgt = lab.hosts["src"], lab.hosts["tgt"]
    python, service = sys.executable, str(HERE / "service.sh")
    data = src.home / "srv" / "system"
    data.mkdir(parents=True)
    with sqlite3.connect(data / "app.db") as conn:
        conn.execute("CREATE TABLE records (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO records (body) VALUES (?)", [(f"case {n}",) for n in range(500)])
    for n in range(20):
        (data / f"attachment-{n}.bin").write_bytes(bytes([n]) * 50_000)
    (src.home / "app").mkdir()
    shutil.copy(HERE / "legacy_app.py", src.home / "app")
    lab.run_in("src", "sh", service, "start", str(src.home), src.address, python)
    conf, backends = _nginx(tmp_path, f"{src.address}:8080")

    tree = tmp_path / "tree"
    skeleton(tree, ["630000-T/casefile"])
    ssh = {
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(lab.key),
        "ansible_python_interpreter": python,
        "ansible_ssh_common_args": f"-o UserKnownHostsFile={lab.known_hosts} -o StrictHostKeyChecking=yes",
    }
    who = {"govmig_department": "630000-T", "govmig_system": "casefile"}
    inventory = wave_inventory(
        {
            "private": {
                "hosts": {
                    "casefile-src": {
                        **ssh,
                        **who,
                        "ansible_host": src.address,
                        "govmig_data_dir": str(data),
                        "backup_dir": str(src.home / "backups"),
                        "govmig_service_start": f"sh {service} start {src.home} {src.address} {python}",
                        "govmig_service_stop": f"sh {service} stop {src.home} {src.address} {python}",
                    }
                }
            },
            "govcloud": {
                "hosts": {
                    "casefile-tgt": {
                        **ssh,
                        **who,
                        "ansible_host": tgt.address,
                        "govmig_data_dir": str(tgt.home / "srv" / "system"),
                        "govmig_source_address": src.peer,
                        "govmig_source_data_dir": str(data),
                        "govmig_data_gb": 1,
                        "govmig_deploy_mode": "host",
                        "govmig_app_bundle": str(HERE / "legacy_app.py"),
                        "govmig_app_dir": str(tgt.home / "app"),
                        "govmig_health_url": f"http://{tgt.address}:8080/healthz",
                        "data_sync_ssh": f"ssh -i {lab.key} -o UserKnownHostsFile={lab.known_hosts} -o StrictHostKeyChecking=yes"
                        " -o BatchMode=yes",
                        "govmig_service_start": f"sh {service} start {tgt.home} {tgt.address} {python}",
                        **(target_extra or {}),
                    }
                }
            },
            "frontends": {
                "hosts": {
                    "casefile-fe": {
                        **who,
                        "ansible_connection": "local",
                        "ansible_python_interpreter": python,
                        "govmig_frontend_config": str(backends),
                        "govmig_frontend_format": "server {backend};",
                        "govmig_frontend_reload": f"nginx -c {conf} -s reload",
                        "govmig_target_backend": f"{tgt.address}:8080",
                        "govmig_source_backend": f"{src.address}:8080",
                    }
                }
            },
        }
    )
    (tree / "inventories" / "W01" / "hosts.yml").write_text(yaml.safe_dump(inventory))

    return tree, data, conf


def test_a_legacy_service_moves_between_two_hosts(lab: labmod.Lab, tmp_path: Path) -> None:
    src, tgt = lab.hosts["src"], lab.hosts["tgt"]
    tree, data, conf = _migration(lab, tmp_path)
    poller = Poller()
    poller.start()
    store = Store(open_store(f"sqlite:///{tmp_path / 'govmig.db'}"))
    try:
        outcome = WaveExecutor(
            store,
            ChangeAfterPresync(AnsibleRunner()),
            tree,
            gate=HealthGate(hold_seconds=2, interval=0.5, timeout=30),
        ).run("W01")
        time.sleep(0.5)
    finally:
        poller.stop.set()
        poller.join(timeout=10)
        labmod.sh("nginx", "-c", str(conf), "-s", "quit", check=False)
    assert outcome.status == "done", [(e.step, e.status, e.detail) for e in store.step_log("W01")]

    expected = snapshot(data / "app.db", data)  # the source's final state, read from its own files
    assert expected["count"] == 505
    served = [s for _, ok, s in poller.samples if ok]
    assert served[0] == "src" and served[-1] == "tgt"
    with urllib.request.urlopen(f"http://{tgt.address}:8080/records", timeout=5) as r:
        on_target = json.loads(r.read())
    assert (on_target["count"], on_target["checksum"]) == (expected["count"], expected["checksum"])
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://{src.address}:8080/healthz", timeout=2)  # the source is stopped
    downtime = poller.downtime()
    print(f"\ncutover downtime measured through nginx: {downtime:.2f} s over {len(poller.samples)} requests")
    assert downtime > 0 and any(
        not ok for _, ok, _ in poller.samples
    )  # the window: source quiesced until cutover


def test_a_failed_verify_rolls_back_and_the_source_serves_again(lab: labmod.Lab, tmp_path: Path) -> None:
    tgt = lab.hosts["tgt"]
    tree, _, conf = _migration(
        lab,
        tmp_path,
        {"govmig_health_url": f"http://{tgt.address}:9/healthz", "verify_retries": 2, "verify_delay": 1},
    )
    poller = Poller()
    poller.start()
    store = Store(open_store(f"sqlite:///{tmp_path / 'govmig.db'}"))
    try:
        outcome = WaveExecutor(store, AnsibleRunner(), tree).run("W01")
        time.sleep(1)
    finally:
        poller.stop.set()
        poller.join(timeout=10)
        labmod.sh("nginx", "-c", str(conf), "-s", "quit", check=False)
    assert outcome.states == {"630000-T/casefile": "rolled_back"}
    log = [(e.step, e.status) for e in store.step_log("W01", "630000-T/casefile")]
    assert ("verify", "failed") in log and log[-1] == ("rollback", "finished")
    served = [s for _, ok, s in poller.samples if ok]
    assert (
        served[-1] == "src" and "tgt" not in served
    )  # never cut over; the source answers again after rollback
    audit = [(a.action, a.result) for a in store.audit_log("W01/630000-T/casefile")]
    assert ("step.verify", "failed") in audit and ("step.rollback", "finished") in audit
    assert ("wave.partial", "partial") in [(a.action, a.result) for a in store.audit_log("W01")]
