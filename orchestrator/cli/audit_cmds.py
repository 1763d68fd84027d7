"""`govmig audit verify|export|prune`: the audit log's chain checked, exported, and pruned past its retention.

`verify` exits 0 when the chain is whole and 1 naming the first entry that breaks it. `export` writes JSON lines,
one entry per line, oldest first. `prune` removes only entries older than `--retention-days` (at least 180,
网络安全法 第二十一条) and leaves an anchor entry, so the chain still verifies.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from ..app import AUDIT_RETENTION_DAYS as RETENTION_DAYS
from ..app import DEFAULT_URL, AuditRefused, Site, entry_json, key_path
from .options import DB, site
from .output import BAD_INPUT, FAILED, FORMAT, console, emit_json, fail


class Moment(click.ParamType[datetime, Any]):
    """A date or date-time in ISO 8601 (2026-06-01, 2026-06-01T08:00+08:00); without a zone, UTC."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                f"日期应为 ISO 8601，如 2026-06-01：{value!r} date must be ISO 8601, e.g. 2026-06-01",
                param,
                ctx,
            )
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


MOMENT = Moment()


def _keyed(db: str | None) -> Site:
    """The store, refused before it is opened when the site's key is not where the store's key belongs: the chain
    can only be checked with the key it was made with, and a new key (which opening would make) would report every
    entry as changed."""
    url = db or os.environ.get("GOVMIG_DB") or DEFAULT_URL
    where = key_path(url)
    if not where.exists():
        fail(
            f"找不到本站密钥文件 {where.name}（GOVMIG_KEY_FILE 或状态库旁）：审计链只能用建链时的密钥校验，未做任何改动",
            f"the site's key file {where.name} is not there (GOVMIG_KEY_FILE, or beside the store): the chain can "
            "only be checked with the key that made it; nothing was written",
            status=FAILED,
        )
    return site(db)


@click.group("audit")
def audit_group() -> None:
    """审计日志：校验、导出、清理 The audit log: verify its chain, export it, prune it past retention."""


@audit_group.command("verify")
@DB
@FORMAT
def audit_verify(db: str | None, fmt: str) -> None:
    """校验审计链 Check that no audit entry was changed, removed, added or reordered (exit 1 names the first)."""
    report = _keyed(db).accounts.audit.verify()
    if fmt == "json":
        emit_json(report.as_json())
    elif report.broken is None:
        span = (
            f"第 {report.first}–{report.last} 条 entries {report.first}-{report.last}"
            if report.entries
            else ""
        )
        console().print(f"[green]审计链完整[/] audit chain whole: {report.entries} 条 entries {span}")
    else:
        console().print(
            f"[red]审计链断裂：{report.broken.zh}[/]\n[red]audit chain broken: {report.broken.en}[/]"
        )
    if report.broken is not None:
        raise SystemExit(FAILED)


@audit_group.command("export")
@click.option(
    "--since", type=MOMENT, required=True, help="从该日期起（UTC，可带时区）From this date (ISO 8601)"
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="写入的文件（JSON lines，每行一条）File to write: JSON lines, one entry per line",
)
@DB
@FORMAT
def audit_export(since: datetime, out: Path, db: str | None, fmt: str) -> None:
    """导出审计记录 Export the audit entries from a date, oldest first, each with its place and MAC in the chain
    (the file is made owner-only: the log names people and systems; the export is itself audited)."""
    here = _keyed(db)
    log = here.accounts.audit
    here.store.audit(getpass.getuser(), "audit.export", "audit", "ok", f"since={since.isoformat()}")
    count, first, last = 0, None, None
    tmp = out.with_name(out.name + ".tmp")
    try:
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
            for entry in log.export(since):
                f.write(json.dumps(entry_json(entry), ensure_ascii=False) + "\n")
                count, last = count + 1, entry.seq
                first = first if first is not None else entry.seq
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"无法写入 {out.name}：{exc.strerror}", f"cannot write {out.name}: {exc.strerror}", FAILED)
    summary = {"file": out.name, "since": since.isoformat(), "entries": count, "first": first, "last": last}
    if fmt == "json":
        emit_json(summary)
    else:
        console().print(f"已导出 {count} 条审计记录 exported {count} audit entries → {out.name}")


@audit_group.command("prune")
@click.option(
    "--before", type=MOMENT, required=True, help="清理该日期之前的记录 Remove entries before this date"
)
@click.option(
    "--retention-days",
    envvar="GOVMIG_AUDIT_RETENTION_DAYS",
    type=click.IntRange(min=RETENTION_DAYS),
    default=RETENTION_DAYS,
    show_default=True,
    help="审计记录保留天数（不少于 180，网络安全法 第二十一条）The site's audit retention in days "
    "(audit_retention_days; at least 180; also GOVMIG_AUDIT_RETENTION_DAYS)",
)
@DB
@FORMAT
def audit_prune(before: datetime, retention_days: int, db: str | None, fmt: str) -> None:
    """清理超过保留期的审计记录 Remove entries older than the retention period; an anchor keeps the chain whole."""
    log = _keyed(db).accounts.audit
    try:
        pruned = log.prune(before, getpass.getuser(), retention_days)
    except AuditRefused as refused:
        status = FAILED if refused.reason == "broken" else BAD_INPUT
        fail(refused.zh, refused.en, status)
        return
    if fmt == "json":
        emit_json({"pruned": pruned.entries, "through": pruned.through, "before": before.isoformat()})
    else:
        console().print(f"已清理 {pruned.entries} 条审计记录 pruned {pruned.entries} audit entries")
