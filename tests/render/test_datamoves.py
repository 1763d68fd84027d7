"""How each database moves, as rendered: by its engine's replication, at a checkpoint, or offline (classified)."""

from __future__ import annotations

from orchestrator.render import load_inventory
from orchestrator.render.datamoves import data_moves, database_name
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
    for wave, expected in (("W01", {"binlog"}), ("W03", {"offline"})):  # W03: the classified wave
        doc = load_inventory(rendered.files[f"inventories/{wave}/hosts.yml"])["all"]["children"]
        moves = {
            db["move"]
            for group in ("private", "egov_internal", "egov_external", "govcloud")
            for hostvars in (doc[group].get("hosts") or {}).values()
            for db in hostvars.get("govmig_databases") or []
        }
        assert moves == expected, wave
