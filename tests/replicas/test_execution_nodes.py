"""A zone's playbooks run on the zone's execution node, through ansible-runner's streaming over SSH: the control
node (a namespace whose only link is to the node) has no route into the zone, and the wave still moves every
system, with every event back in the store and nothing left on the node."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from orchestrator.execute import STEPS
from orchestrator.lab import Namespaces, netns
from orchestrator.render import load_inventory
from orchestrator.store import Store, open_store
from tests.execute.harness import site

WHY = netns.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"network namespaces: {WHY}")


def _on_the_zone(inventory: Path, ns: Namespaces) -> None:
    """Every host of the wave lives on the zone's host, reached by SSH at its address on the node's link."""
    doc = load_inventory(inventory.read_text())
    zone = ns.hosts["zone"]
    ssh = {
        "ansible_connection": "ssh",
        "ansible_host": zone.peers["node"],
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(ns.key),
        "ansible_ssh_common_args": f"-o UserKnownHostsFile={ns.known_hosts} -o StrictHostKeyChecking=yes",
        "ansible_python_interpreter": sys.executable,
    }
    for group in doc["all"]["children"].values():
        for hostvars in ((group or {}).get("hosts") or {}).values():
            hostvars.update(ssh)
    inventory.write_text(yaml.safe_dump(doc))
    gv = inventory.parent / "group_vars" / "all.yml"
    gv.write_text(gv.read_text() + "govmig_execution_node: zone-a\n")  # as render writes execution_nodes


def test_a_zones_playbook_runs_on_its_node_and_the_control_node_has_no_route_into_the_zone(
    tmp_path: Path,
) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    ns = Namespaces(tmp_path / "ns")
    try:
        for name in ("control", "node", "zone"):
            ns.add(name)
        ns.connect("control", "node")
        ns.connect("node", "zone")
        ns.start_sshd()
        ns.isolate("control")
        ns.isolate("zone")
        _on_the_zone(where.tree / "inventories" / "W01" / "hosts.yml", ns)
        workdir = tmp_path / "node-work"
        nodes = tmp_path / "nodes.yaml"
        bin_dir = Path(sys.executable).parent
        nodes.write_text(
            yaml.safe_dump(
                {
                    "nodes": {
                        "zone-a": {
                            "address": ns.hosts["node"].peers["control"],
                            "user": "root",
                            "identity": str(ns.key),
                            "known_hosts": str(ns.known_hosts),
                            "runner": str(bin_dir / "ansible-runner"),
                            "path": f"{bin_dir}:/usr/sbin:/usr/bin:/sbin:/bin",
                            "workdir": str(workdir),
                        }
                    }
                }
            )
        )
        into_zone = ns.hosts["zone"].peers["node"]
        route = ns.run_in("control", "ip", "route", "get", into_zone, check=False)
        assert route.returncode != 0 and "unreachable" in route.stderr.lower()  # no route into the zone
        db = f"sqlite:///{tmp_path / 'govmig.db'}"
        control = ("ip", "netns", "exec", ns.hosts["control"].ns, sys.executable, "-m", "orchestrator")
        args = (
            "--tree",
            str(where.tree),
            "--db",
            db,
            "--nodes",
            str(nodes),
            "--hold",
            "0",
            "--format",
            "json",
        )
        preflight = subprocess.run(  # the night's preflight, through the zone's node as the night goes
            [*control, "preflight", "W01", *args[:6], "--format", "json"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert preflight.returncode == 0, preflight.stdout + preflight.stderr
        ran = subprocess.run(
            [*control, "run", "W01", *args],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert {s["state"] for s in json.loads(ran.stdout)["systems"]} == {"done"}
        store = Store(open_store(db))
        for key in where.systems:
            assert where.moved(key.split("/")[1])
            assert [e.step for e in store.step_log("W01", key) if e.status == "finished"] == [
                s.name for s in STEPS
            ]
            assert store.events("W01", key), "the node's events came back"
        log = (ns.hosts["zone"].home / "sshd" / "sshd.log").read_text()
        sources = {
            line.split(" from ")[1].split()[0] for line in log.splitlines() if "Accepted publickey" in line
        }
        assert sources == {ns.hosts["node"].peers["zone"]}  # every session into the zone came from its node
        assert not workdir.exists() or not any(workdir.iterdir())  # each job removed from the node
    finally:
        ns.down()
