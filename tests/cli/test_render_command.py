"""`govmig render`: writes the tree, reports what changed, and removes what a new plan no longer renders."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import EXAMPLE_ARGS
from tests.cli.test_intake_commands import run
from tests.conftest import EXAMPLES

ARGS = EXAMPLE_ARGS


def test_render_writes_the_tree_then_changes_nothing(tmp_path: Path) -> None:
    status, out, _ = run("render", str(EXAMPLES), *ARGS, "-o", str(tmp_path), "--format", "json")
    first = json.loads(out)
    assert (
        status == 0 and first["written"] == first["files"] > 500 and first["systems"] == 72
    )  # 75 scheduled (remote-sensing warm) less FGW/invest-approval, waiting on the blocked FGW/bid-monitor (W2),
    # and the two CZT systems that depend on it
    for top in ("manifests", "monitoring", "playbooks", "inventories", "index.json"):
        assert (tmp_path / top).exists(), top
    status, out, _ = run("render", str(EXAMPLES), *ARGS, "-o", str(tmp_path), "--format", "json")
    again = json.loads(out)
    assert (
        status == 0
        and again["written"] == 0
        and again["unchanged"] == first["files"]
        and again["removed"] == 0
    )


def test_render_removes_stale_files_but_nothing_it_does_not_own(tmp_path: Path) -> None:
    (tmp_path / "manifests" / "base" / "OLD").mkdir(parents=True)
    stale = tmp_path / "manifests" / "base" / "OLD" / "gone.yaml"
    stale.write_text("kind: ConfigMap\n")
    mine = tmp_path / "NOTES.md"
    mine.write_text("kept")
    status, out, _ = run(
        "render", str(EXAMPLES / "630000-FGW.yaml"), *ARGS, "-o", str(tmp_path), "--format", "json"
    )
    assert status == 0 and json.loads(out)["removed"] == 1
    assert not stale.exists() and mine.read_text() == "kept"


def test_render_with_bad_settings_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "render.yaml"
    bad.write_text("objective_high: 120\n")
    status, out, _ = run(
        "render", str(EXAMPLES), "--settings", str(bad), "-o", str(tmp_path / "out"), "--format", "json"
    )
    assert status == 2 and json.loads(out)["errors"][0]["path"] == ["objective_high"]
    assert not (tmp_path / "out").exists()


def test_a_pilot_system_and_its_dependency_plan_and_render(tmp_path: Path) -> None:
    """Two simple systems, one depending on the other, both fit the pilot: `plan` and `render` succeed and the
    dependent moves after what it depends on."""
    from tests.conftest import MINIMAL, dump
    from tests.waves.test_late import plan as chain_plan

    doc = chain_plan("2027-06-30", 2, chain=True).model_dump(mode="json", by_alias=True, exclude_none=True)
    assert doc["department"]["code"] == MINIMAL["department"]["code"]
    source = tmp_path / "chain.yaml"
    source.write_bytes(dump(doc))
    status, out, err = run("plan", str(source), *ARGS, "--format", "json")
    assert status == 0, err
    waves = json.loads(out)["waves"]
    assert [w["systems"] for w in waves] == [["630000-TEST/s0"], ["630000-TEST/s1"]]
    status, out, err = run("render", str(source), *ARGS, "-o", str(tmp_path / "tree"), "--format", "json")
    assert status == 0, err
    assert json.loads(out)["systems"] == 2
