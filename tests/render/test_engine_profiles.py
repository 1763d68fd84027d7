"""The engine profiles (plan/engines.py): every stage reads an engine from its one profile, and an engine added as
one profile is accepted by the plan, rendered with its checkpoint and tools, and paused at it by the executor."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import yaml

from orchestrator.execute.ports.inventory import systems_in
from orchestrator.lab import SERVER_ENGINE
from orchestrator.plan import (
    ENGINE_PROFILES,
    REPLICATED_ENGINES,
    DatabaseEngine,
    engine_profile,
    load_bytes,
    zh,
)
from orchestrator.policy import assess
from orchestrator.render import load_inventory, render_artifacts
from orchestrator.render.settings import RenderSettings
from orchestrator.waves import plan_waves
from tests.conftest import AS_OF, ROOT, dump


def _hosts_module() -> ModuleType:
    path = ROOT / "playbooks" / "library" / "govmig_db.py"
    spec = importlib.util.spec_from_file_location("govmig_db_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_plan_vocabulary_is_the_profiles() -> None:
    assert [str(e) for e in DatabaseEngine] == [p.name for p in ENGINE_PROFILES]
    assert {str(e) for e in REPLICATED_ENGINES} == {p.name for p in ENGINE_PROFILES if p.replication}
    assert zh("kingbase") == "人大金仓" and zh("oceanbase") == "OceanBase"
    assert engine_profile("no-such-engine").name == "other"


def test_the_hosts_module_speaks_to_each_replicated_engine_by_its_profile() -> None:
    """govmig_db runs on the hosts and cannot import orchestrator: its table is held to the profiles here."""
    module = _hosts_module()
    for p in ENGINE_PROFILES:
        family = p.replication.family if p.replication else None
        assert (p.name in module.PG, p.name in module.MY) == (family == "postgresql", family == "mysql"), (
            p.name
        )


def test_the_lab_rehearses_what_the_profiles_say() -> None:
    assert SERVER_ENGINE == {
        "postgresql": "postgresql",
        "kingbase": "postgresql",
        "mysql": "mariadb",
        "mariadb": "mariadb",
    }


def test_the_site_defaults_come_from_the_profiles() -> None:
    settings = RenderSettings()
    assert settings.operator_namespaces == {
        "postgresql": "cnpg-system",
        "mysql": "mysql-operator",
        "mariadb": "mariadb-operator",
    }
    assert settings.database_images["oracle"].endswith("/base/oracle:19c")
    assert (
        "oceanbase" not in settings.database_images
    )  # …/base/oceanbase:latest, as for any engine without one


def test_a_checkpoint_only_engine_added_as_one_profile(tmp_path: Path) -> None:
    """OceanBase: accepted by the plan, its checkpoint and tools (obdumper/obloader) in the inventory and the
    runbook, and the executor waits for the operator's word at it, as it does for Oracle."""
    doc = yaml.safe_load((ROOT / "tests" / "datamove" / "plan.yaml").read_text(encoding="utf-8"))
    doc["systems"][0]["deployment"]["databases"] = [
        {"engine": "oceanbase", "size_gb": 10},
        {"engine": "oracle", "size_gb": 10},
    ]
    loaded = load_bytes(dump(doc), "plan.yaml", "yaml")
    assert loaded.plan is not None, loaded.problems
    plans = [loaded.plan]
    decisions = assess(plans, AS_OF)
    files = render_artifacts(plans, decisions, plan_waves(plans, decisions, AS_OF))
    key = f"{plans[0].department.code}/{plans[0].systems[0].id}"
    wave = next(p.split("/")[1] for p in files if p.startswith("inventories/") and p.endswith("/hosts.yml"))
    hosts = files[f"inventories/{wave}/hosts.yml"]
    moved = {
        db["engine"]: db
        for group in load_inventory(hosts)["all"]["children"].values()
        for hostvars in (group.get("hosts") or {}).values()
        for db in (hostvars or {}).get("govmig_databases") or []
    }
    assert moved["oceanbase"]["move"] == moved["oracle"]["move"] == "checkpoint"
    assert "obdumper/obloader" in moved["oceanbase"]["runbook"]["en"]
    assert moved["oceanbase"]["source"]["port"] == 2881
    runbook = files[f"playbooks/{wave}.runbook.md"]
    assert "obdumper/obloader" in runbook and f"govmig confirm {wave} {key}" in runbook

    inventory = tmp_path / "hosts.yml"
    inventory.write_text(hosts, encoding="utf-8")
    waiting = {str(c["engine"]) for c in systems_in(inventory)[key].checkpoints}
    assert waiting == {"oceanbase", "oracle"}
