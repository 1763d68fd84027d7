"""The rendered tree, checked before the night: the wave is in it, and nothing of the wave changed since render
(each file against the SHA-256 the index keeps: a hand edit to a playbook or an inventory after review is
refused, not run); images by tag only are named (a tag can move between review and the night)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from ..contracts import tree as layout
from .findings import Finding


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _wave_files(index: layout.RenderIndex, wave: str) -> dict[str, tuple[str | None, str]]:
    """Relative path → (its system or None, its SHA-256) for the files the wave runs from."""
    mine = {f"{layout.playbook(wave)}", f"{layout.INVENTORIES}/{wave}/"}
    found: dict[str, tuple[str | None, str]] = {
        rel: (None, sha)
        for rel, sha in index.files.items()
        if rel in mine or rel.startswith(f"{layout.INVENTORIES}/{wave}/")
    }
    for system in index.systems:
        if system.wave == wave:
            found.update({rel: (system.system, sha) for rel, sha in system.files.items()})
    return found


def check_tree(root: Path, wave: str) -> list[Finding]:
    tree = layout.Tree(root)
    if not tree.has_wave(wave):
        return [
            Finding(
                None,
                "tree",
                "critical",
                f"渲染目录中没有批次 {wave} 的剧本和清单",
                f"the tree holds no playbook and inventory for wave {wave}",
            )
        ]
    try:
        index = tree.read_index()
    except (OSError, ValidationError, ValueError):
        return [
            Finding(
                None, "tree", "critical", "渲染目录缺少有效的 index.json", "the tree has no valid index.json"
            )
        ]
    findings: list[Finding] = []
    if wave not in index.waves:
        findings.append(
            Finding(
                None,
                "tree",
                "critical",
                f"index.json 未列出批次 {wave}",
                f"index.json does not list wave {wave}",
            )
        )
    for rel, (system, sha) in sorted(_wave_files(index, wave).items()):
        path = tree / rel
        if not path.is_file():
            findings.append(
                Finding(
                    system,
                    "tree_changed",
                    "critical",
                    f"渲染后缺失文件 {rel}",
                    f"{rel} is missing since render",
                )
            )
        elif _sha256(path) != sha:
            findings.append(
                Finding(
                    system,
                    "tree_changed",
                    "critical",
                    f"{rel} 在渲染后被改动，与审核的内容不符：请重新渲染",
                    f"{rel} changed since render and differs from what was reviewed: render again",
                )
            )
    for entry in index.systems:
        if entry.wave == wave and entry.unpinned_images:
            images = ", ".join(entry.unpinned_images[:3])
            findings.append(
                Finding(
                    entry.system,
                    "unpinned_images",
                    "warning",
                    f"镜像只按标签引用（{images}）：标签可能在审核后被改指",
                    f"images by tag only ({images}): a tag can move after review",
                )
            )
    return findings
