"""`govmig discover` through an execution node, as a wave runs: the control node (a namespace whose only link is to
the node) has no route into the zone, and the sources are still observed, every session into the zone coming from
its node and nothing left on the node."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from orchestrator.app import Portfolio
from orchestrator.contracts import load_inventory
from orchestrator.lab import Namespaces
from orchestrator.lab.netns import missing
from orchestrator.plan import load_paths
from orchestrator.waves import WaveSettings
from tests.conftest import AS_OF

PLAN = Path(__file__).parent / "plan.yaml"
pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no network namespaces here: {missing()}")


def _on_the_zone(inventory: Path, ns: Namespaces) -> None:
    """Every host of the wave lives on the zone's host, reached by SSH at its address on the node's link."""
    doc = load_inventory(inventory.read_text(encoding="utf-8"))
    ssh = {
        "ansible_connection": "ssh",
        "ansible_host": ns.hosts["zone"].peers["node"],
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(ns.key),
        "ansible_ssh_common_args": f"-o UserKnownHostsFile={ns.known_hosts} -o StrictHostKeyChecking=yes",
        "ansible_python_interpreter": sys.executable,
    }
    for group in doc["all"]["children"].values():
        for hostvars in ((group or {}).get("hosts") or {}).values():
            hostvars.update(ssh)
    inventory.write_text(yaml.safe_dump(doc), encoding="utf-8")
    gv = inventory.parent / "group_vars" / "all.yml"
    gv.write_text(gv.read_text(encoding="utf-8") + "govmig_execution_node: zone-a\n", encoding="utf-8")


def test_the_sources_are_observed_through_their_zones_node(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    Portfolio(load_paths([PLAN]).plans, AS_OF, schedule=WaveSettings(pilot_size=0)).write(tree)
    ns = Namespaces(tmp_path / "ns")
    try:
        for name in ("control", "node", "zone"):
            ns.add(name)
        ns.connect("control", "node")
        ns.connect("node", "zone")
        ns.start_sshd()
        ns.isolate("control")
        ns.isolate("zone")
        _on_the_zone(tree / "inventories" / "W01" / "hosts.yml", ns)
        workdir = tmp_path / "node-work"
        bin_dir = Path(sys.executable).parent
        nodes = tmp_path / "nodes.yaml"
        node = {
            "address": ns.hosts["node"].peers["control"],
            "user": "root",
            "identity": str(ns.key),
            "known_hosts": str(ns.known_hosts),
            "runner": str(bin_dir / "ansible-runner"),
            "path": f"{bin_dir}:/usr/sbin:/usr/bin:/sbin:/bin",
            "workdir": str(workdir),
        }
        nodes.write_text(yaml.safe_dump({"nodes": {"zone-a": node}}), encoding="utf-8")
        zone = ns.hosts["zone"].peers["node"]
        route = ns.run_in("control", "ip", "route", "get", zone, check=False)
        assert route.returncode != 0  # no route from the control node into the zone
        out = tmp_path / "observed.yaml"
        control = ("ip", "netns", "exec", ns.hosts["control"].ns, sys.executable, "-m", "orchestrator")
        args = ("-o", str(out), "--format", "json")
        ran = subprocess.run(
            [*control, "discover", str(tree), "W01", *("--window", "2", "--nodes", str(nodes)), *args],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert ran.returncode == 0, ran.stdout + ran.stderr
        doc = json.loads(ran.stdout)
        assert doc["failed"] == []
        assert sorted(h["system"] for h in doc["hosts"]) == ["630000-OBS/alpha", "630000-OBS/beta"]
        assert all(zone in h["addresses"] for h in doc["hosts"])  # sampled on the zone's host
        assert all(h["data"][0]["missing"] for h in doc["hosts"])  # the rendered data folder is not there
        log = (ns.hosts["zone"].home / "sshd" / "sshd.log").read_text()
        sources = {
            line.split(" from ")[1].split()[0] for line in log.splitlines() if "Accepted publickey" in line
        }
        assert sources == {ns.hosts["node"].peers["zone"]}  # every session into the zone came from its node
        assert not workdir.exists() or not any(workdir.iterdir())  # the job removed from the node
        assert yaml.safe_load(out.read_text(encoding="utf-8"))["runs"][0]["failed"] == []
    finally:
        ns.down()
