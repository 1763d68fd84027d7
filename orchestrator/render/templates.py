"""The Jinja2 environment over the repository's manifests/, playbooks/ and inventories/ folders.

The loader is a seam: tests and other sites may hand in their own template folders.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from jinja2 import BaseLoader, Environment, FileSystemLoader, StrictUndefined

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = (ROOT / "manifests", ROOT / "playbooks", ROOT / "inventories")


def oneline(value: object) -> str:
    """Plan text in a YAML comment, readable and inert: every line break and control or format character
    becomes a space, so nothing a department typed can end the comment and start a document of its own."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in str(value))
    return " ".join(text.split())


def environment(loader: BaseLoader | None = None) -> Environment:
    """StrictUndefined: a template that names a missing value fails loudly instead of rendering a blank.

    Values reach YAML only through `tojson` (a quoted scalar) and comments only through `oneline`."""
    env = Environment(
        loader=loader or FileSystemLoader([str(d) for d in TEMPLATE_DIRS]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["oneline"] = oneline
    return env


def static_files(folder: Path) -> dict[str, str]:
    """Every file below `folder` (the Ansible roles), by its path relative to it, in a stable order."""
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
