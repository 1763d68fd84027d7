"""node_exporter on the targets (issue 41): the move's deploy step installs Debian's prometheus-node-exporter where
a host uses apt and asks it for its metrics, as the resources' scrape job will; the rehearsal site runs one on each
target host and tells the deploy step where. Real Ansible, a real node_exporter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from orchestrator.lab import down, up
from orchestrator.render import load_inventory
from tests.conftest import ROOT
from tests.monitor import lab
from tests.render.conftest import Rendered
from tests.render.test_ansible import ansible

EXPORTER = "prometheus-node-exporter"


def _metrics(url: str) -> str:
    with httpx.Client(timeout=5) as client:
        for _ in range(50):
            try:
                return client.get(url).text
            except httpx.TransportError:
                time.sleep(0.1)
    raise AssertionError(f"nothing answers at {url}")


@pytest.fixture
def exporter() -> Iterator[str]:
    if shutil.which(EXPORTER) is None:
        pytest.skip("prometheus-node-exporter is not installed (scripts/system-deps.sh installs it)")
    port = lab.free_port()
    proc = subprocess.Popen(
        [
            EXPORTER,
            f"--web.listen-address=127.0.0.1:{port}",
            "--collector.disable-defaults",
            "--collector.cpu",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        _metrics(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _deploy(tmp: Path, hostvars: dict[str, object]) -> subprocess.CompletedProcess[str]:
    """The deploy role alone on this machine (the local connection)."""
    (tmp / "hosts.yml").write_text(
        yaml.safe_dump(
            {
                "all": {
                    "hosts": {
                        "tgt": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": sys.executable,
                            "govmig_deploy_mode": "host",
                            **hostvars,
                        }
                    }
                }
            }
        )
    )
    (tmp / "deploy.yml").write_text(
        "- name: Deploy\n  hosts: tgt\n  gather_facts: false\n  roles:\n    - role: deploy\n"
    )
    return ansible(
        "ansible-playbook",
        "-i",
        str(tmp / "hosts.yml"),
        str(tmp / "deploy.yml"),
        cwd=tmp,
        env={"ANSIBLE_ROLES_PATH": str(ROOT / "playbooks" / "roles")},
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="apt needs root")
def test_the_deploy_step_installs_node_exporter_with_apt_and_asks_it_idempotently(
    exporter: str, tmp_path: Path
) -> None:
    """On an apt host the package is made present (Debian's prometheus-node-exporter, installed on this machine
    already: nothing to change, twice), and the step asks node_exporter for its metrics."""
    for _ in range(2):
        proc = _deploy(tmp_path, {"govmig_node_exporter_url": exporter})
        out = proc.stdout
        assert proc.returncode == 0, out[-3000:] + proc.stderr[-2000:]
        assert "Install node_exporter where the target uses apt" in out and "failed=0" in out
        assert "changed=0" in out  # idempotent: present stays present
        assert "Ask node_exporter for its metrics" in out
        ask = out.split("Ask node_exporter for its metrics", 1)[1].split("TASK", 1)[0]
        assert "ok: [tgt]" in ask
    nobody = f"http://127.0.0.1:{lab.free_port()}/metrics"  # no node_exporter there: the step fails
    proc = _deploy(tmp_path, {"govmig_node_exporter_url": nobody})
    assert proc.returncode != 0 and "Ask node_exporter for its metrics" in proc.stdout


def test_the_rehearsal_site_runs_node_exporter_on_every_target(rendered: Rendered, tmp_path: Path) -> None:
    if shutil.which(EXPORTER) is None:
        pytest.skip("prometheus-node-exporter is not installed (scripts/system-deps.sh installs it)")
    tree = tmp_path / "render"
    shutil.copytree(rendered.out, tree)
    site = up(tree, "W01", tmp_path / "site", local=True)
    try:
        systems = json.loads((tmp_path / "site" / "site.json").read_text())["systems"]
        assert systems and all("node_exporter" in s for s in systems.values())
        for entry in systems.values():
            assert "node_cpu_seconds_total" in _metrics(entry["node_exporter"])
        doc = load_inventory((tree / "inventories" / "W01" / "hosts.yml").read_text())
        targets = [
            v
            for group in ("egov_internal", "egov_external", "govcloud")
            for v in ((doc["all"]["children"].get(group) or {}).get("hosts") or {}).values()
        ]
        assert targets and all(v["govmig_node_exporter_install"] is False for v in targets)
        assert {v["govmig_node_exporter_url"] for v in targets} == {
            s["node_exporter"] for s in systems.values()
        }
    finally:
        down(site.root)
    with pytest.raises(AssertionError):
        _metrics(next(iter(systems.values()))["node_exporter"])  # lab down stopped them
