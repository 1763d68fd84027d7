"""Reading plans for every adapter: files named on the command line, one plan to fill a template from, and an
upload checked alone and then beside the rest of the portfolio (cross-department references).

The CLI and the web call these, never the intake stage itself, so a file's format is told and a plan is checked
against the others the same way at both doors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..plan import Intake, LoadedPlan, MigrationPlan, check_portfolio, load_bytes, load_file, load_paths
from ..reports import build_ledger
from .lifecycle import Lifecycle, shown
from .portfolio import Portfolio

FORMATS = {"yaml": "yaml", "yml": "yaml", "json": "json", "xlsx": "xlsx"}


def read_plans(paths: Sequence[Path]) -> Intake:
    """Every plan in these files and folders, each valid one or its located errors."""
    return load_paths(list(paths))


def read_plan(path: Path) -> LoadedPlan:
    return load_file(path)


def format_of(filename: str) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return FORMATS.get(suffix)


def check_upload(raw: bytes, filename: str, current: Sequence[MigrationPlan]) -> LoadedPlan:
    """One uploaded plan, validated alone and then against the other departments' current plans."""
    fmt = format_of(filename)
    if fmt is None:
        loaded = LoadedPlan(filename, None)
        loaded.add(
            (),
            "format",
            "只接受 .yaml、.yml、.json 或 .xlsx 文件",
            "only .yaml, .yml, .json or .xlsx files are taken",
        )
        return loaded
    loaded = load_bytes(raw, filename, fmt)
    if loaded.ok and loaded.plan is not None:
        department = loaded.plan.department.code
        others = [LoadedPlan(p.department.code, p) for p in current if p.department.code != department]
        check_portfolio([loaded, *others])
    return loaded


def ledger(
    portfolio: Portfolio,
    states: Mapping[str, Lifecycle] | None = None,
    changes: Sequence[Mapping[str, Any]] | None = None,
) -> bytes:
    """The decision ledger (XLSX): one row per system, its action and the reasons in both languages; with
    `states`, each system's lifecycle state and dates; with `changes` (site.resources.changes), the approved
    resources requests and their effect on the month's fees."""
    return build_ledger(
        portfolio.decisions, list(portfolio.plans), shown(states) if states else None, changes
    )
