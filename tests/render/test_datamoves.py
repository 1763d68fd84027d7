"""How each database moves, as rendered: by its engine's replication, at a checkpoint, or offline (classified)."""

from __future__ import annotations

import yaml

from orchestrator.plan import load_bytes
from orchestrator.policy import assess
from orchestrator.render import load_inventory, render_artifacts
from orchestrator.render.datamoves import data_moves, database_name
from orchestrator.waves import plan_waves
from tests.conftest import AS_OF, ROOT, dump
from tests.render.conftest import Rendered


def test_each_engine_takes_its_path() -> None:
    moves = {
        m.engine: m
        for m in data_moves(
            "trade-stats",
            ["postgresql", "kingbase", "mysql", "mariadb", "oracle", "dameng", "sqlserver"],
            False,
            False,
        )
    }
    assert moves["postgresql"].how == moves["kingbase"].how == "logical"  # Kingbase: PostgreSQL-compatible
    assert moves["mysql"].how == moves["mariadb"].how == "binlog"
    for engine, tool in (("oracle", "Data Pump"), ("dameng", "dexp/dimp"), ("sqlserver", "RESTORE")):
        assert moves[engine].how == "checkpoint" and moves[engine].runbook is not None
        assert tool in moves[engine].runbook[1], engine
    assert [m.name for m in data_moves("trade-stats", ["postgresql", "mysql"], False, False)] == [
        "trade_stats",
        "trade_stats_1",
    ]


def test_classified_data_moves_offline_unless_the_site_declares_an_approved_link() -> None:
    offline = data_moves("case-mgmt", ["postgresql", "oracle"], True, False)
    assert {m.how for m in offline} == {"offline"}
    assert all(m.runbook and "approved media" in m.runbook[1] for m in offline)
    linked = data_moves("case-mgmt", ["postgresql", "oracle"], True, True)
    assert [m.how for m in linked] == ["logical", "checkpoint"]


def test_database_names_are_plain_identifiers() -> None:
    assert database_name("Grain-Reserve.v2", 0) == "grain_reserve_v2"
    assert database_name("'; DROP TABLE x; --", 0).replace("_", "").isalnum()


def test_the_rendered_inventories_say_how_each_database_moves(rendered: Rendered) -> None:
    # W01: cloud containers, their MySQL brought in by the operator; W03: the classified wave
    for wave, expected in (("W01", {"operator"}), ("W03", {"offline"})):
        doc = load_inventory(rendered.files[f"inventories/{wave}/hosts.yml"])["all"]["children"]
        moves = {
            db["move"]
            for group in ("private", "egov_internal", "egov_external", "govcloud")
            for hostvars in (doc[group].get("hosts") or {}).values()
            for db in hostvars.get("govmig_databases") or []
        }
        assert moves == expected, wave


def test_the_runbook_says_the_night_and_keeps_plan_text_inert() -> None:
    doc = yaml.safe_load((ROOT / "tests" / "datamove" / "plan.yaml").read_text(encoding="utf-8"))
    doc["systems"][0]["name"] = (
        "<img src=x onerror=alert(1)>|`rm -rf /` ## 标题"  # (line breaks: refused at intake)
    )
    doc["systems"][0]["deployment"]["databases"] = [{"engine": "oracle", "size_gb": 10}]
    loaded = load_bytes(dump(doc), "plan.yaml", "yaml")
    assert loaded.plan is not None, loaded.problems
    plans = [loaded.plan]
    decisions = assess(plans, AS_OF)
    files = render_artifacts(plans, decisions, plan_waves(plans, decisions, AS_OF))
    text = files["playbooks/W01.runbook.md"]
    assert "Data Pump" in text and "govmig confirm W01 630000-LAB/trade-stats" in text
    assert "<img" not in text and "`rm" not in text  # escaped: no markup, no code span, no extra table cell
    assert "&lt;img src=x onerror=alert(1)&gt;\\|'rm -rf /' ## 标题" in text


def test_the_catchup_gate_waits_for_the_user_the_cloud_replica_streams_as(engines: Rendered) -> None:
    """A CloudNativePG replica streams from the source as its externalCluster's user: the inventory names that
    user to the final sync's gate (db_move op standby), and only for the databases such a replica brings in."""
    streams_as = {
        doc["metadata"]["name"]: doc["spec"]["externalClusters"][0]["connectionParameters"]["user"]
        for _, doc in engines.objects("manifests/")
        if doc["kind"] == "Cluster" and doc["spec"].get("replica", {}).get("enabled")
    }
    gated: dict[str, str] = {}
    moved: set[str] = set()
    for path, text in engines.files.items():
        if not path.endswith("hosts.yml"):
            continue
        for group in load_inventory(text)["all"]["children"].values():
            for hostvars in (group.get("hosts") or {}).values():
                for db in (hostvars or {}).get("govmig_databases") or []:
                    moved.add(db["engine"])
                    if "standby_user" in db:
                        assert db["move"] == "operator" and db["engine"] == "postgresql", db
                        gated[db["name"]] = str(db["standby_user"])
    # one gate per replica cluster (named as Kubernetes names go: the database's name with dashes), same user
    assert streams_as and len(gated) == len(streams_as)
    for name, user in gated.items():
        assert [u for c, u in streams_as.items() if c.startswith(name.replace("_", "-"))] == [user], name
    assert {"mysql", "mariadb"} <= moved  # which the inventories carry, ungated: a clone in the window
