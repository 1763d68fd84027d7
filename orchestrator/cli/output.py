"""How the CLI speaks: rich tables for people, one JSON document for scripts, and the exit statuses.

Exit statuses are the house rule: 0 done, 1 failed, 2 bad input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..app import IntakeError

OK, FAILED, BAD_INPUT = 0, 1, 2

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table 给人看 for people; json 给脚本 for scripts",
)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


def problems_table(problems: Iterable[IntakeError], title: str) -> Table:
    table = Table(title=title, show_lines=False, expand=False)
    for name in ("级别 severity", "文件 file", "位置 location", "问题", "problem"):
        table.add_column(name, overflow="fold")
    for p in problems:
        style = "red" if p.severity == "error" else "yellow"
        level = "错误 error" if p.severity == "error" else "警告 warning"
        table.add_row(f"[{style}]{level}[/]", p.file, p.location, p.zh, p.en)
    return table


def fail(zh: str, en: str, status: int = BAD_INPUT) -> None:
    """Stop the command with a bilingual message and a house exit status."""
    console(stderr=True).print(f"[red]错误：{zh}[/]\n[red]error: {en}[/]")
    raise SystemExit(status)
