"""The Jinja2 environment over the repository's manifests/, playbooks/ and inventories/ folders.

The loader is a seam: tests and other sites may hand in their own template folders.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import BaseLoader, Environment, FileSystemLoader, StrictUndefined

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = (ROOT / "manifests", ROOT / "playbooks", ROOT / "inventories")


def environment(loader: BaseLoader | None = None) -> Environment:
    """StrictUndefined: a template that names a missing value fails loudly instead of rendering a blank."""
    return Environment(
        loader=loader or FileSystemLoader([str(d) for d in TEMPLATE_DIRS]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def static_files(folder: Path) -> dict[str, str]:
    """Every file below `folder` (the Ansible roles), by its path relative to it, in a stable order."""
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
