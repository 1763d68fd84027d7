"""Options several commands share: the rendered tree and the store, and opening the store with a plain error."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import click
from pydantic import BaseModel
from sqlalchemy import Engine

from ..plan.model_files import load_model
from ..store import describe_failure, integrity_problem, open_store
from .output import BAD_INPUT, FAILED, console, fail, problems_table

M = TypeVar("M", bound=BaseModel)

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


def engine(db: str | None, check: bool = False) -> Engine:
    """The store for `db`; with `check`, SQLite's quick check first (before a wave starts or resumes)."""
    try:
        opened = open_store(db)
        damage = integrity_problem(opened) if check else None
    except Exception as exc:
        said = describe_failure(exc)
        if said is not None:  # locked, full, corrupt, unreachable: a failure, exit 1
            fail(*said, status=FAILED)
        fail(f"无法打开状态库：{exc}", f"cannot open the store: {exc}")  # a bad URL: bad input, exit 2
        raise  # unreachable: fail() exits
    if damage is not None:
        fail(
            f"状态库完整性检查未通过（{damage}）：请从备份恢复后再运行",
            f"the store failed its integrity check ({damage}): restore it from a backup before running",
            status=FAILED,
        )
    return opened


def model_or_exit(path: Path | None, model: type[M], title: str) -> M:
    """A settings file as `model`, its defaults when no file is given; any problem is bad input, located."""
    if path is None:
        return model()
    loaded, problems = load_model(path, model)
    if loaded is None or any(p.severity == "error" for p in problems):
        console(stderr=True).print(problems_table(problems, title))
        raise SystemExit(BAD_INPUT)
    return loaded


def write_files(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Each file written whole or not at all (a temporary beside it, then renamed)."""
    written = []
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written
