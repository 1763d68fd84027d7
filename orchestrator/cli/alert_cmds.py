"""`govmig alertmanager-config`: the site's alert routing (YAML) as an alertmanager.yml."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from ..app import AlertRouting, alertmanager_config
from .options import model_or_exit, write_files
from .output import FORMAT, console, emit_json


@click.command("alertmanager-config")
@click.option(
    "--routing",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="告警路由 Alert routing (YAML: supervisors, departments, watchdog, smtp)",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("alertmanager.yml"),
    show_default=True,
)
@FORMAT
def alertmanager_config_command(routing: Path, out: Path, fmt: str) -> None:
    """生成 Alertmanager 配置 alertmanager.yml: each department hears its own alerts, supervisors all of them."""
    settings = model_or_exit(routing, AlertRouting, "告警路由有误 Alert routing is invalid")
    doc = alertmanager_config(settings)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    write_files(out.parent, {out.name: text.encode()})
    departments = sorted(settings.departments)
    if fmt == "json":
        emit_json({"out": str(out), "departments": departments, "receivers": len(doc["receivers"])})
    else:
        console().print(
            f"已写入 written: {out}（{len(departments)} 个部门路由 department routes，监管全部告警 supervisors hear all）"
        )
