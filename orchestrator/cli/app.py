"""The `govmig` command: one group, one sub-command per job, each in the module of its stage."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..store import describe_failure
from .alert_cmds import alertmanager_config_command
from .assess_cmd import assess_command, policy_group
from .execute_cmds import (
    confirm_command,
    decommission_command,
    resume_command,
    retire_command,
    rollback_command,
    run_command,
    status_command,
)
from .intake_cmds import template, validate
from .lab_cmds import lab_group
from .monitor_cmds import (
    dashboard_command,
    health_command,
    monitor_command,
    prometheus_config_command,
    usage_command,
)
from .output import BAD_INPUT, FAILED, console
from .plan_cmd import plan_command
from .render_cmd import render_command
from .report_cmd import report_command
from .review_cmds import review_group
from .web_cmds import department_group, serve_command, user_group
from .worker_cmd import worker_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="govmig")
def cli() -> None:
    """govmig：政务信息系统迁移编排 Migration orchestrator for government information systems."""


cli.add_command(validate)
cli.add_command(template)
cli.add_command(assess_command)
cli.add_command(policy_group)
cli.add_command(plan_command)
cli.add_command(render_command)
for command in (
    run_command,
    resume_command,
    retire_command,
    status_command,
    rollback_command,
    confirm_command,
    decommission_command,
):
    cli.add_command(command)
cli.add_command(lab_group)
cli.add_command(alertmanager_config_command)
cli.add_command(report_command)
cli.add_command(serve_command)
cli.add_command(worker_command)
cli.add_command(user_group)
cli.add_command(department_group)
cli.add_command(review_group)
for command in (monitor_command, health_command, dashboard_command, prometheus_config_command, usage_command):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Entry point: click's usage errors exit 2 (bad input), and nothing escapes as a traceback."""
    try:
        cli.main(args=argv, prog_name="govmig", standalone_mode=False)
    except click.exceptions.Abort:
        console(stderr=True).print("已中止 aborted")
        return FAILED
    except click.ClickException as exc:
        console(stderr=True).print(f"[red]用法错误 usage error:[/] {exc.format_message()}")
        return BAD_INPUT
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else FAILED
    except KeyboardInterrupt:
        return FAILED
    except Exception as exc:  # the store failing under a command (locked, disk full, corrupt): said, exit 1
        said = describe_failure(exc)
        if said is None:
            raise
        console(stderr=True).print(f"[red]错误：{said[0]}[/]\n[red]error: {said[1]}[/]")
        return FAILED
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
