"""A wave's log as readable lines (the wave's page, `GET /api/waves/{wave}/log`): per Ansible result or govmig
note, when, which system (with its name), which step, the task's own name, the host, the result in words and a
message; filtered by system and to failures; the stored event itself only when asked for (`raw`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contracts import StepStatus
from ..store import Event, Store
from .ops_words import FAILURES, NOTE_TASK, STEP_EN, STEP_ZH, result_of, words

MAX_LINES = 2000


def _failure_messages(store: Store, record: str, system: str | None) -> dict[tuple[str, str], str]:
    """Each (system, step) that failed: the step's own error (what the executor said of it)."""
    return {
        (e.system, e.step): e.detail or ""
        for e in store.step_log(record, system)
        if e.status == StepStatus.failed
    }


def _line(
    e: Event, names: Mapping[str, str], failures: Mapping[tuple[str, str], str], raw: bool
) -> dict[str, Any] | None:
    data = e.data or {}
    said = result_of(e.kind, data.get("changed")) or (words(e.kind) if raw else None)
    if said is None:
        return None
    result, zh, en = said
    note = NOTE_TASK.get(e.kind)
    if note is not None:
        task, message = f"{note[0]} {note[1]}", e.task or ""
    else:
        task = e.task or ""
        message = str(data.get("message") or "")
        if result in FAILURES and not message:
            message = failures.get((e.system, e.step), "")
    line: dict[str, Any] = {
        "id": e.id,
        "at": e.at.isoformat(),
        "system": e.system,
        "system_name": names.get(e.system),
        "step": e.step,
        "step_zh": STEP_ZH.get(e.step, e.step),
        "step_en": STEP_EN.get(e.step, e.step),
        "task": task,
        "host": e.host,
        "result": result,
        "result_zh": zh,
        "result_en": en,
        "message": message,
    }
    if raw:
        line["raw"] = {"event": e.kind, "host": e.host, "task": e.task, **data}
    return line


def log_lines(
    store: Store,
    record: str,
    names: Mapping[str, str],
    system: str | None = None,
    failed: bool = False,
    raw: bool = False,
    after: int = 0,
    limit: int = 500,
) -> dict[str, Any]:
    """{"record", "lines", "next_after"}: up to `limit` lines after the event id `after` (page on with
    `next_after`, None at the end). Without `raw` only results and notes are lines (a task's start, a play's,
    the tally are not); `failed` keeps failures and unreachable hosts only."""
    limit = max(1, min(limit, MAX_LINES))
    failures = _failure_messages(store, record, system)
    lines: list[dict[str, Any]] = []
    last = after
    for e in store.events(record, system, after=after):
        last = e.id
        line = _line(e, names, failures, raw)
        if line is None or (failed and line["result"] not in FAILURES):
            continue
        lines.append(line)
        if len(lines) >= limit:
            break
    more = bool(lines) and len(lines) >= limit
    return {"record": record, "lines": lines, "next_after": last if more else None}
