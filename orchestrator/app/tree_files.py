"""Writing a rendered tree to disk: changed files atomically, stale ones removed only in the folders render owns.

The CLI and the web service both write the tree the executor then runs from, through `Portfolio.write`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..contracts import MANAGED


class Written(NamedTuple):
    files: int
    written: int
    unchanged: int
    removed: int


def write_tree(out: Path, files: dict[str, str]) -> Written:
    """Writes changed files and removes stale ones in the folders render owns."""
    written = unchanged = removed = 0
    for rel, text in files.items():
        path = out / rel
        data = text.encode()
        if path.is_file() and path.read_bytes() == data:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".govmig-tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a crash never leaves half a manifest
        written += 1
    for top in MANAGED:  # the layout names what render owns; anything else in the folder is left alone
        root = out / top
        stale = [
            p
            for p in (root.rglob("*") if root.is_dir() else [])
            if p.is_file() and p.relative_to(out).as_posix() not in files
        ]
        for p in stale:
            p.unlink()
            removed += 1
    return Written(len(files), written, unchanged, removed)
