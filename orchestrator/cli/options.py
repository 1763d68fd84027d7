"""Options several commands share: the rendered tree and the store, and opening the store with a plain error."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import Engine

from ..store import open_store
from .output import fail

TREE = click.option(
    "--tree",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out/render"),
    show_default=True,
    help="govmig render 的输出 The rendered tree",
)
DB = click.option(
    "--db",
    envvar="GOVMIG_DB",
    default=None,
    help="状态库 Store URL (default sqlite:///govmig.db; postgresql+psycopg://... for PostgreSQL)",
)


def engine(db: str | None) -> Engine:
    try:
        return open_store(db)
    except Exception as exc:  # a bad URL or an unreachable server is bad input, said plainly
        fail(f"无法打开状态库：{exc}", f"cannot open the store: {exc}")
        raise  # unreachable: fail() exits
