"""Intake problems as data: every one located in its file and said in Chinese and English.

The JSON form is the `errors` entry of the decision output contract (file, location, zh, en); `code` and
`severity` are added so that scripts can group problems without parsing prose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Path = tuple[str | int, ...]
Severity = Literal["error", "warning"]


def dotted(path: Path) -> str:
    """`systems[3].security.mlps_level`: the YAML path as people read it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


@dataclass(frozen=True)
class IntakeError:
    file: str
    location: str
    zh: str
    en: str
    code: str
    severity: Severity = "error"
    path: Path = field(default=(), compare=False)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["path"] = list(self.path)
        return data


class Locator:
    """Turns a field path into a human location; each file format knows where its fields stand."""

    def locate(self, path: Path) -> str:
        return dotted(path)


class LineLocator(Locator):
    """YAML and JSON: the field path plus the line (and column) where the nearest enclosing node starts."""

    def __init__(self, marks: dict[Path, tuple[int, int]]) -> None:
        self.marks = marks

    def locate(self, path: Path) -> str:
        probe = path
        while probe not in self.marks and probe:
            probe = probe[:-1]
        mark = self.marks.get(probe)
        where = dotted(path)
        return f"line {mark[0]}, column {mark[1]}: {where}" if mark else where


class FatalInput(Exception):
    """A file that cannot be read as a plan at all (too large, not the format it claims, a bomb)."""

    def __init__(self, code: str, zh: str, en: str, location: str = "(file)") -> None:
        super().__init__(en)
        self.code, self.zh, self.en, self.location = code, zh, en, location
