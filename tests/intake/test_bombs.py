"""Hostile and broken files are refused with a located, bilingual error: never a traceback, a hang or a blow-up.

`hang_guard` fails any of these that runs past a minute; no test asserts a speed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestrator.plan import load_bytes, load_file
from orchestrator.plan.intake import LoadedPlan
from tests.intake import bombs

pytestmark = pytest.mark.usefixtures("hang_guard")


def refused(loaded: LoadedPlan, code: str) -> None:
    assert loaded.plan is None
    [error] = loaded.problems
    assert error.code == code, error
    assert error.zh and error.en and error.location


@pytest.mark.parametrize("raw", [b"", b"   \n\n", b"---\n", b"# only a comment\n"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_empty_file(raw: bytes, fmt: str) -> None:
    loaded = load_bytes(raw, f"p.{fmt}", fmt)
    assert loaded.plan is None and loaded.problems
    assert loaded.problems[0].code in {"empty", "json_syntax"}


def test_alias_bomb_is_refused_at_the_first_alias() -> None:
    loaded = load_bytes(bombs.billion_laughs(), "p.yaml", "yaml")
    refused(loaded, "yaml_alias")
    assert loaded.problems[0].location == "line 2, column 10"
    assert "别名" in loaded.problems[0].zh and "aliases" in loaded.problems[0].en


def test_harmless_anchor_without_alias_is_fine(minimal: dict[str, object]) -> None:
    from tests.conftest import dump

    text = dump(minimal).decode().replace("name: 甲系统", "name: &n 甲系统")
    assert load_bytes(text.encode(), "p.yaml", "yaml").ok


@pytest.mark.parametrize(("raw", "fmt"), [(bombs.deep_yaml(), "yaml"), (bombs.deep_json(), "json")])
def test_deep_nesting(raw: bytes, fmt: str) -> None:
    refused(load_bytes(raw, f"p.{fmt}", fmt), "too_deep")


def test_sixty_megabyte_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(bombs.huge_yaml(60))
    loaded = load_file(path)
    refused(loaded, "too_large")
    assert "60 MiB" in loaded.problems[0].zh and "60 MiB" in loaded.problems[0].en


def test_sixty_megabytes_of_bytes_are_refused_too() -> None:
    refused(load_bytes(bombs.huge_yaml(60), "upload.yaml", "yaml"), "too_large")


@pytest.mark.parametrize("seed", range(5))
def test_random_binary_named_xlsx(seed: int) -> None:
    raw = os.urandom(4096 + seed * 1000)
    refused(load_bytes(raw, "plan.xlsx", "xlsx"), "not_xlsx")


def test_random_binary_named_yaml() -> None:
    loaded = load_bytes(b"\x89PNG\r\n\x1a\n\0\0\0" + os.urandom(500), "plan.yaml", "yaml")
    assert loaded.plan is None and loaded.problems[0].code == "not_text"


def test_truncated_xlsx() -> None:
    raw = bombs.million_empty_rows(rows=10)
    refused(load_bytes(raw[: len(raw) // 2], "plan.xlsx", "xlsx"), "not_xlsx")


def test_zip_bomb_named_xlsx() -> None:
    refused(load_bytes(bombs.zip_bomb(300), "plan.xlsx", "xlsx"), "zip_bomb")


def test_million_empty_rows_are_skipped_and_the_plan_loads() -> None:
    loaded = load_bytes(bombs.million_empty_rows(), "plan.xlsx", "xlsx")
    assert loaded.ok and loaded.plan is not None and len(loaded.plan.systems) == 10


def test_a_row_after_a_million_empty_ones_is_still_read() -> None:
    loaded = load_bytes(bombs.million_empty_rows(tail=True), "plan.xlsx", "xlsx")
    [error] = loaded.problems
    assert error.code == "duplicate_id"
    assert error.location.startswith("sheet '系统 Systems', row 1000014,")
