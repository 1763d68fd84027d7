"""The rendered tree as the executor reads it: a wave's playbook, inventory and roles, its systems' hosts, and the
render index by system (read once)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...contracts import IndexedSystem, Tree, WaveTasks
from ..errors import ExecuteError
from .inventory import SystemHosts, systems_in


@dataclass(frozen=True)
class WaveFiles:
    """What a playbook run of the wave reads."""

    playbook: Path
    inventory: Path
    roles: Path


class RenderedTree:
    def __init__(self, root: Path) -> None:
        # absolute: ansible-runner runs in each system's private data directory, where a relative path means nothing
        self.root = root.resolve()
        self._index: dict[str, IndexedSystem] | None = None

    def files(self, wave: str) -> WaveFiles:
        """The wave's files; ExecuteError when the tree has none for it or no readable index."""
        tree = Tree(self.root)
        if not tree.has_wave(wave):
            raise ExecuteError(
                f"找不到批次 {wave} 的剧本或清单（先运行 govmig render）",
                f"no playbook or inventory for wave {wave} in the tree (run govmig render first)",
            )
        self.entries()
        return WaveFiles(tree.playbook(wave), tree.inventory(wave), tree.roles)

    def runs(self, record: str) -> Path:
        """Where the playbook runs of a record keep their private data."""
        return Tree(self.root).runs(record)

    def systems(self, wave: str) -> dict[str, SystemHosts]:
        return systems_in(self.files(wave).inventory)

    def tasks(self, wave: str) -> WaveTasks:
        """The site's manual tasks of the wave per system (none when render was given no runbook)."""
        path = Tree(self.root).tasks(wave)
        if not path.is_file():
            return WaveTasks(wave=wave)
        try:
            return WaveTasks.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            raise ExecuteError(
                f"批次 {wave} 的人工任务文件无法读取（重新运行 govmig render）",
                f"wave {wave}'s manual tasks file cannot be read (run govmig render again)",
            ) from None

    def hosts_of(self, wave: str, system: str) -> SystemHosts:
        """A system's hosts in the wave's inventory; ExecuteError when the wave has no such system."""
        hosts = self.systems(wave)
        if system not in hosts:
            raise ExecuteError(f"批次 {wave} 中没有系统 {system}", f"wave {wave} has no system {system}")
        return hosts[system]

    def entries(self) -> dict[str, IndexedSystem]:
        """The render index by system, read once."""
        if self._index is None:
            try:
                index = Tree(self.root).read_index()
            except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
                raise ExecuteError(
                    "制品树的 index.json 缺失或不是 govmig 的制品索引（重新运行 govmig render）",
                    "the tree's index.json is missing or not a govmig render index (run govmig render again)",
                ) from None
            self._index = {s.system: s for s in index.systems}
        return self._index
