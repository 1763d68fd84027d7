"""The ops engineer's night on the web, one door for the pages: the waves board, the workers, a wave's systems ×
steps matrix and its readable log, and the night's manual tasks (listed, and closed by the same rule as
`govmig task done`), with the systems' names beside their keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..contracts import Tree
from ..execute import record_name
from ..store import TaskRow
from .manual_tasks import close_task, task_documents
from .money import plan_names
from .ops_board import waves_board
from .ops_log import log_lines
from .ops_matrix import step_matrix
from .ops_workers import workers_view

if TYPE_CHECKING:
    from .site import Site


class OpsDesk:
    def __init__(self, site: Site) -> None:
        self.site = site

    def names(self) -> dict[str, str]:
        """Each department's and system's name by its code or key (the plans in force)."""
        return plan_names(self.site.plans.view().plans)

    def known(self, wave: str) -> bool:
        """The tree has the wave, or it ran (for real or in check mode)."""
        store = self.site.store
        return (
            Tree(self.site.tree).has_wave(wave)
            or store.wave(wave) is not None
            or store.wave(record_name(wave, True)) is not None
        )

    def board(self) -> dict[str, Any]:
        names = self.names()
        rows = waves_board(self.site.store, self.site.tree)
        for row in rows:
            row["systems"] = [{"system": s, "name": names.get(s)} for s in row["systems"]]
        return {"waves": rows, "workers": workers_view(self.site.engine)}

    def workers(self) -> dict[str, Any]:
        return workers_view(self.site.engine)

    def matrix(self, wave: str, check: bool) -> dict[str, Any]:
        record = record_name(wave, check)
        tasks = [] if check else task_documents(self.site.store, self.site.tree, wave)
        return step_matrix(self.site.store, self.site.tree, wave, record, self.names(), tasks)

    def log(
        self,
        wave: str,
        check: bool,
        system: str | None = None,
        failed: bool = False,
        raw: bool = False,
        after: int = 0,
        limit: int = 500,
    ) -> dict[str, Any]:
        record = record_name(wave, check)
        return log_lines(self.site.store, record, self.names(), system, failed, raw, after, limit)

    def tasks(self, wave: str) -> list[dict[str, Any]]:
        """The wave's manual tasks with their state, each system's name beside its key."""
        names = self.names()
        rows = task_documents(self.site.store, self.site.tree, wave)
        return [{**r, "system_name": names.get(r["system"])} for r in rows]

    def close(self, wave: str, system: str, task: str, by: str, note: str) -> TaskRow:
        """`govmig task done` from the page: TaskRefused as there (audited `task.done` when closed)."""
        return close_task(self.site.store, self.site.tree, wave, system, task, by, note)
