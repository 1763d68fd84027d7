"""What `govmig verify`'s hosts said, and what it comes to: per system, each table's counts and checksums on both
sides and the data trees' digests, heard from the run's events (app/warm_verify.py runs it); the verdicts in the
shape the CLI prints (`equal`, `lag`, `drift`, `error`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FILES = "files"
"""The name a data tree's difference goes by, beside the tables' `database.schema.table`."""


@dataclass
class SystemFigures:
    """What one pass heard of one system: per table (database.table) its counts and checksums on both sides, the
    data trees' digests, and what could not be heard."""

    tables: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def differ(self) -> set[str]:
        found = {name for name, (source, target) in self.tables.items() if source != target}
        source, target = self.files.get("source"), self.files.get("target")
        if source is not None and target is not None and source.get("sha256") != target.get("sha256"):
            found.add(FILES)
        return found


@dataclass(frozen=True)
class SystemVerdict:
    system: str
    state: str
    """equal | lag (differed, then equal on the recheck) | drift | error"""
    tables: int
    rows: int
    first: list[str]
    drift: list[str]
    errors: list[str]
    files: dict[str, dict[str, Any]]
    not_compared: list[str] = field(default_factory=list)
    """Databases govmig does not replicate (their engine's profile moves them at a checkpoint): not compared."""

    def document(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "state": self.state,
            "tables": self.tables,
            "rows": self.rows,
            "first": self.first,
            "drift": self.drift,
            "errors": self.errors,
            "not_compared": self.not_compared,
            "files": self.files,
        }


@dataclass(frozen=True)
class Verified:
    wave: str
    at: str
    recheck_seconds: float
    systems: list[SystemVerdict]

    @property
    def equal(self) -> bool:
        return all(s.state in ("equal", "lag") for s in self.systems)

    def document(self) -> dict[str, Any]:
        return {
            "wave": self.wave,
            "at": self.at,
            "equal": self.equal,
            "recheck_seconds": self.recheck_seconds,
            "systems": [s.document() for s in self.systems],
        }


class Heard:
    """The figures of each target host, from the run's events."""

    def __init__(self, owner: Mapping[str, str]) -> None:
        self.owner = owner
        self.by_system: dict[str, SystemFigures] = {}

    def of(self, host: str) -> SystemFigures | None:
        system = self.owner.get(host)
        return None if system is None else self.by_system.setdefault(system, SystemFigures())

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        data = event.get("event_data") or {}
        figures = self.of(str(data.get("host", "")))
        if figures is None:
            return
        res = data.get("res") or {}
        if kind == "runner_on_unreachable":
            figures.errors.append(f"unreachable: {str(res.get('msg', ''))[:200]}")
            return
        if kind not in ("runner_on_ok", "runner_on_failed"):
            return
        action = str(data.get("task_action") or data.get("resolved_action") or "")
        if action.endswith("govmig_db"):
            for item in res.get("results") or []:
                self._database(figures, item)
        elif action.endswith("govmig_digest"):
            side = "source" if "source" in str(data.get("task", "")) else "target"
            if kind == "runner_on_failed":
                figures.errors.append(f"{side} files: {str(res.get('msg', ''))[:200]}")
            else:
                figures.files[side] = {k: res.get(k) for k in ("files", "bytes", "sha256")}

    @staticmethod
    def _database(figures: SystemFigures, item: Mapping[str, Any]) -> None:
        name = str((item.get("item") or {}).get("name", "?"))
        said = item.get("govmig_figures") or {}
        if "source" not in said or "target" not in said:
            figures.errors.append(f"{name}: {str(item.get('msg', 'no figures'))[:200]}")
            return
        source, target = said["source"], said["target"]
        for table in sorted(set(source) | set(target)):
            figures.tables[f"{name}.{table}"] = (source.get(table), target.get(table))


def rows_of(figures: SystemFigures) -> int:
    return sum(int((s or {}).get("rows", 0)) for s, _ in figures.tables.values())
