"""`govmig plan`: the waves contract, the files it writes, and a roadmap chart a person can read."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml
from matplotlib import image

from tests.cli import EXAMPLE_ARGS
from tests.cli.test_intake_commands import run
from tests.conftest import EXAMPLES

ARGS = EXAMPLE_ARGS


def test_plan_json_follows_the_waves_contract(tmp_path: Path) -> None:
    status, out, _ = run("plan", str(EXAMPLES), *ARGS, "-o", str(tmp_path), "--format", "json")
    doc = json.loads(out)
    assert status == 0
    assert {"waves", "unscheduled", "late"} <= set(doc)
    for wave in doc["waves"]:
        assert {"id", "start", "end", "classified", "systems"} <= set(wave)
        assert wave["start"].endswith("+08:00") and wave["start"] < wave["end"]
    decisions = json.loads(
        run("assess", str(EXAMPLES), *ARGS[:2], "--as-of", "2026-11-22", "--format", "json")[1]
    )
    movers = sorted(
        d["department"] + "/" + d["system"] for d in decisions["decisions"] if d["action"] == "migrate"
    )
    placed = sorted(
        [k for w in doc["waves"] for k in w["systems"]] + [u["system"] for u in doc["unscheduled"]]
    )
    assert placed == movers
    on_disk = yaml.safe_load((tmp_path / "waves.yaml").read_text())
    assert on_disk["waves"][0]["systems"] == doc["waves"][0]["systems"]
    assert json.loads((tmp_path / "waves.json").read_text())["waves"] == doc["waves"]


def test_roadmap_png_is_drawn_and_not_blank(tmp_path: Path) -> None:
    assert run("plan", str(EXAMPLES), *ARGS, "-o", str(tmp_path))[0] == 0
    pixels = image.imread(tmp_path / "roadmap.png")
    height, width = pixels.shape[:2]
    assert width >= 1200 and height >= 500
    rgb = pixels[..., :3]
    ink = (rgb.sum(axis=2) < 2.7).mean()  # share of pixels that are not (near) white
    assert 0.02 < ink < 0.6
    blue = ((rgb[..., 2] > 0.6) & (rgb[..., 0] < 0.3)).mean()  # the non-classified bars
    purple = ((rgb[..., 0] > 0.4) & (rgb[..., 1] < 0.2) & (rgb[..., 2] > 0.55)).mean()  # the classified ones
    assert blue > 0.001 and purple > 0.0002
    svg = (tmp_path / "roadmap.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg


def test_the_same_input_gives_the_same_files(tmp_path: Path) -> None:
    for out in ("a", "b"):
        assert run("plan", str(EXAMPLES), *ARGS, "-o", str(tmp_path / out))[0] == 0
    for name in ("waves.json", "waves.yaml", "roadmap.svg", "roadmap.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_timetable_shows_each_department_and_the_unscheduled(tmp_path: Path) -> None:
    status, out, _ = run("plan", str(EXAMPLES), *ARGS, "-o", str(tmp_path))
    assert status == 0
    assert "青海省财政厅 630000-CZT" in out and "截止 deadline 2027-03-31" in out
    assert "remote-sensing" in out and "未排期 unscheduled" in out
    assert "共 9 批 waves" in out


def test_bad_schedule_file_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("max_systems: 0\nwindow: {start_weekday: 9}\n")
    status, out, _ = run(
        "plan", str(EXAMPLES), "--schedule", str(bad), "-o", str(tmp_path), "--format", "json"
    )
    errors = json.loads(out)["errors"]
    assert status == 2 and {e["path"][-1] for e in errors} == {"max_systems", "start_weekday"}
    assert not (tmp_path / "waves.json").exists()


def test_colour_by_department_draws_a_different_chart(tmp_path: Path) -> None:
    run("plan", str(EXAMPLES), *ARGS, "-o", str(tmp_path / "n"))
    run("plan", str(EXAMPLES), *ARGS, "-o", str(tmp_path / "d"), "--colour-by", "department")
    a, b = image.imread(tmp_path / "n" / "roadmap.png"), image.imread(tmp_path / "d" / "roadmap.png")
    assert a.shape == b.shape and not np.array_equal(a, b)
