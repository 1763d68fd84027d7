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
    assert status == 0 and first["written"] == first["files"] > 500 and first["systems"] == 74
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
