"""What a wave's data moves measured, per system: the figures `govmig status`, its JSON and the wave page show.

The executor stores each step's figures as the roles reported them (a database's row counts and checksums on both
sides, a file tree's digest, the position a replica caught up to, a backup and its SHA-256); this folds them into
one summary per system, with the write downtime: from the moment writes stopped (the final sync began) to the
moment the target took them (the cutover finished).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..contracts import SystemState
from ..store import Store, aware
from .lifecycle import department_words

QUIESCE_TASK = "Stop writes on the source"
"""The quiesce role's task (playbooks/roles/quiesce): where the final sync stops the source's writes."""


@dataclass
class MoveSummary:
    tables: int = 0
    rows: int = 0
    databases_equal: bool | None = None
    differ: list[str] = field(default_factory=list)
    files: int | None = None
    files_equal: bool | None = None
    catchup_seconds: float | None = None
    write_downtime_seconds: float | None = None
    backups: list[dict[str, str]] = field(default_factory=list)
    checkpoints: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def add(self, op: str, data: dict[str, Any]) -> None:
        """One database's (or the file tree's) latest figures of one kind."""
        if op == "verify":
            self.tables += int(data.get("tables") or len(data.get("source") or {}))
            self.rows += int(data.get("rows") or 0)
            self.differ += list(data.get("differ") or [])
            self.databases_equal = (self.databases_equal is not False) and not data.get("differ")
        elif op == "files":
            self.files, self.files_equal = data.get("files"), bool(data.get("equal"))
        elif op == "catchup":
            self.catchup_seconds = max(self.catchup_seconds or 0.0, float(data.get("catchup_seconds") or 0.0))
        elif data.get("backup"):
            self.backups.append({"file": str(data["backup"]), "sha256": str(data.get("sha256", ""))})

    @property
    def verified(self) -> str:
        """One word for a table cell: ✓ equal, ✗ different, – not verified yet."""
        equal = [x for x in (self.databases_equal, self.files_equal) if x is not None]
        return "–" if not equal else "✓" if all(equal) else "✗"


def summarize(store: Store, record: str) -> dict[str, MoveSummary]:
    out: dict[str, MoveSummary] = {}
    # a step run again (after a crash, a pause, a refused attempt) reports again: the latest attempt counts,
    # once per database, so nothing is summed twice
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in store.figures(record):
        op = f.data.get("op")
        if op in ("verify", "files") and f.step != "verify":
            continue  # a rollback's reverse check is not the move's verification
        if op in ("verify", "files", "catchup", "backup"):
            latest[(f.system, str(op), str(f.data.get("database", "")))] = f.data
        out.setdefault(f.system, MoveSummary())
    for (system, op, _), data in latest.items():
        out[system].add(op, data)
    stopped: dict[str, Any] = {}
    run = store.wave(record)
    checking = run is not None and run.check_mode  # a check-mode run stops no write: no downtime to tell
    quiesced = {} if checking else store.task_started(record, "final_sync", QUIESCE_TASK)
    for e in [] if checking else store.step_log(record):
        if e.step == "final_sync" and e.status == "started":
            # writes stop at the quiesce, not at the step's start: its first play reaches the window's hosts while
            # the source still serves (a record without the event, an older one, counts from the step's start)
            stopped[e.system] = quiesced.get(e.system) or aware(e.at)
        elif e.step == "cutover" and e.status == "finished" and e.system in stopped:
            summary = out.setdefault(e.system, MoveSummary())
            summary.write_downtime_seconds = round((aware(e.at) - stopped[e.system]).total_seconds(), 1)
    for a in store.audit_log(f"{record}/"):
        if a.action == "checkpoint.waiting":
            out.setdefault(a.target.split("/", 1)[1], MoveSummary()).checkpoints.append(a.detail or "")
    return out


def wave_documents(store: Store, record: str) -> list[dict[str, Any]]:
    """Each system of a wave run, as the CLI's JSON and the web API give it, with what its move measured."""
    moves = summarize(store, record)
    docs = store.system_documents(record)
    words = department_words(store, record, [d["system"] for d in docs if d["state"] == SystemState.done])
    return [
        {
            **doc,
            "verification": moves.get(doc["system"], MoveSummary()).to_json(),
            "acceptance": words.get(doc["system"]),
        }
        for doc in docs
    ]
