"""A rendered tree whose wave W01 moves small "systems" between folders of this machine (local connection).

Each system has a source folder with records, a target folder, and a front-end file that says where traffic goes:
real Ansible through ansible-runner, with every side effect observable.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orchestrator.app import run_preflight
from orchestrator.contracts import IndexedSystem, RenderIndex, Tree
from orchestrator.contracts import tree as layout
from orchestrator.plan import load_paths
from orchestrator.policy import assess
from orchestrator.render import render_artifacts
from orchestrator.store import Store, open_store
from orchestrator.waves import plan_waves
from tests.conftest import AS_OF, EXAMPLES

_TEMPLATE: dict[str, str] = {}


def govmig(*args: str, cwd: Path, own_session: bool = False) -> subprocess.Popen[str]:
    """`govmig ARGS` as a child process (in a session of its own: killpg then reaches what it starts)."""
    return subprocess.Popen(
        [sys.executable, "-m", "orchestrator", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=own_session,
    )


def rendered_playbooks() -> dict[str, str]:
    """The playbooks, roles and group_vars `govmig render` writes (rendered once, for every test that needs them)."""
    if not _TEMPLATE:
        plans = load_paths([EXAMPLES / "630000-FGW.yaml"]).plans
        decisions = assess(plans, AS_OF)
        files = render_artifacts(plans, decisions, plan_waves(plans, decisions, AS_OF))
        _TEMPLATE.update({k: v for k, v in files.items() if k.startswith("playbooks/")})
        _TEMPLATE.update({k: v for k, v in files.items() if k.startswith("inventories/W01/group_vars/")})
    return _TEMPLATE


def wave_inventory(groups: dict[str, Any], targets: str = "govcloud") -> dict[str, object]:
    """A wave inventory: the sources and targets groups over the given groups (name → {"hosts": ...})."""
    return {
        "all": {
            "vars": {"govmig_wave": "W01"},
            "children": {
                "wave_sources": {"children": {"private": {}}},
                "wave_targets": {"children": {targets: {}}},
                **groups,
            },
        }
    }


@dataclass
class Site:
    root: Path
    tree: Path
    systems: list[str]

    def source(self, name: str) -> Path:
        return self.root / "src" / name

    def target(self, name: str) -> Path:
        return self.root / "tgt" / name

    def frontend(self, name: str) -> str:
        path = self.root / "fe" / f"{name}.conf"
        return path.read_text() if path.exists() else ""

    def moved(self, name: str) -> bool:
        """What the hosts say: data equal on both sides, traffic on the target, the source kept (a wave ends at
        cutover: decommissioning it is a later step)."""
        src, tgt = self.source(name), self.target(name)
        same = tgt.is_dir() and all((tgt / p.name).read_bytes() == p.read_bytes() for p in src.glob("*.txt"))
        return same and "tgt-" in self.frontend(name) and not (src / ".govmig-decommissioned").exists()


def skeleton(tree: Path, keys: list[str]) -> None:
    """A tree as render leaves it for wave W01 of these off-cloud systems: playbooks, roles, group_vars and the
    index (the inventory is the test's own)."""
    for rel, text in rendered_playbooks().items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    index = RenderIndex(
        waves=["W01"],
        systems=[
            IndexedSystem(system=k, rendered=True, wave="W01", kind="host", zone="extranet") for k in keys
        ],
    )
    Tree(tree).index.write_text(index.to_json(), encoding="utf-8")


def site(root: Path, systems: list[str], broken: dict[str, str] | None = None) -> Site:
    """`broken` maps a system to the step that fails on it: "deploy" (its target's service does not start) or
    "quiesce" (its source's service does not stop, in the final sync's first play)."""
    tree = root / "tree"
    keys = [f"630000-T/{n}" for n in systems]
    skeleton(tree, keys)
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    groups: dict[str, dict[str, dict[str, object]]] = {"private": {}, "govcloud": {}, "frontends": {}}
    for name in systems:
        src = root / "src" / name
        src.mkdir(parents=True, exist_ok=True)
        for n in range(3):
            (src / f"records-{n}.txt").write_text(f"{name} record {n}\n" * 50)
        common = {**local, "govmig_department": "630000-T", "govmig_system": name}
        groups["private"][f"{name}-src"] = {
            **common,
            "govmig_data_dir": str(src),
            "backup_dir": str(root / "backups"),
            "govmig_service_start": "true",
            "govmig_service_stop": "false" if (broken or {}).get(name) == "quiesce" else "true",
        }
        target = {
            **common,
            "govmig_data_dir": str(root / "tgt" / name),
            "govmig_source_address": "localhost",
            "govmig_source_host": f"{name}-src",  # as render names it: the digest of the source runs there
            "govmig_source_data_dir": str(src),
            "govmig_data_gb": 0,
            "govmig_deploy_mode": "host",
            "govmig_service_start": "true",
            # a directory of this machine, not a host of its own: the deploy step installs no package here
            # (the rehearsal site says the same and runs node_exporter itself; test_node_exporter_deploy installs)
            "govmig_node_exporter_install": False,
        }
        if broken and broken.get(name) == "deploy":
            target["govmig_service_start"] = "false"
        groups["govcloud"][f"{name}-tgt"] = target
        groups["frontends"][f"{name}-fe"] = {
            **common,
            "govmig_frontend_config": str(root / "fe" / f"{name}.conf"),
            "govmig_frontend_reload": "true",
            "govmig_target_backend": f"tgt-{name}:80",
            "govmig_source_backend": f"src-{name}:80",
        }
    (root / "fe").mkdir(exist_ok=True)
    doc = wave_inventory({g: {"hosts": h} for g, h in groups.items()})
    (tree / "inventories" / "W01").mkdir(parents=True, exist_ok=True)
    (tree / "inventories" / "W01" / "hosts.yml").write_text(yaml.safe_dump(doc))
    return Site(root, tree, keys)


def index_files(where: Site, key: str, kind: str = "container") -> None:
    """Records in the site's index every file now under the system's folders, as render would."""
    tree = Tree(where.tree)
    index = tree.read_index()
    entry = index.entry(key)
    assert entry is not None and entry.zone is not None
    prefixes = layout.system_prefixes(entry.department, entry.name, entry.zone)
    paths = [p.relative_to(where.tree).as_posix() for p in tree.glob("**/*") if p.is_file()]
    entry.files = {p: "" for p in sorted(paths) if p.startswith(prefixes)}
    entry.kind = kind
    tree.index.write_text(index.to_json(), encoding="utf-8")


def preflighted(tree: Path, db: str, wave: str = "W01") -> None:
    """The wave's real preflight (what `govmig preflight` does: the tree against its index, the store, the
    hosts' precheck in check mode), recorded in the store `db`: a real run starts a wave only after a ready one
    (shared/DOMAIN.md v1.2). Asserted ready, so a site that would not pass says why."""
    engine = open_store(db)
    try:
        done = run_preflight(Store(engine), tree, wave, "ops-test")
    finally:
        engine.dispose()
    assert done.ready, [f.document() for f in done.findings]
