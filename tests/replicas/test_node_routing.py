"""Which execution node runs which hosts: a whole system on one node (its plays stay ordered in one playbook),
the node its target's zone names; hosts of no such system stay here; a system split across nodes is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.execute.ports.inventory import systems_in
from orchestrator.execute.ports.nodes import split
from tests.execute.harness import site


def _zone(inventory: Path, group: str, node: str) -> None:
    path = inventory.parent / "group_vars" / f"{group}.yml"
    path.write_text((path.read_text() if path.exists() else "---\n") + f"govmig_execution_node: {node}\n")


def test_a_system_goes_whole_to_the_node_its_target_zone_names(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    inventory = where.tree / "inventories" / "W01" / "hosts.yml"
    _zone(inventory, "govcloud", "cloud-node")  # the targets' zone only: sources and front ends name none
    hosts = [h for s in systems_in(inventory).values() for h in s.hosts]
    assert len(hosts) == 6
    parts = split(inventory, hosts)
    assert sorted(parts) == ["cloud-node"] and sorted(parts["cloud-node"]) == sorted(hosts)
    assert split(inventory, ["nobody-of-any-system"]) == {None: ["nobody-of-any-system"]}


def test_a_system_whose_hosts_name_two_nodes_is_refused(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    inventory = where.tree / "inventories" / "W01" / "hosts.yml"
    _zone(inventory, "govcloud", "cloud-node")
    _zone(inventory, "private", "private-node")
    with pytest.raises(ValueError, match="630000-T/alpha"):
        split(inventory, [h for s in systems_in(inventory).values() for h in s.hosts])
