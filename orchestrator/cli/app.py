"""The `govmig` command: one group, one sub-command per job, each in the module of its stage."""

from __future__ import annotations

import sys
from importlib import import_module

import click

from .. import __version__
from .output import BAD_INPUT, FAILED, console

COMMANDS = {
    "validate": "intake_cmds:validate",
    "template": "intake_cmds:template",
    "assess": "assess_cmd:assess_command",
    "policy": "assess_cmd:policy_group",
    "plan": "plan_cmd:plan_command",
    "discover": "discover_cmd:discover_command",
    "render": "render_cmd:render_command",
    "run": "execute_cmds:run_command",
    "resume": "execute_cmds:resume_command",
    "retire": "execute_cmds:retire_command",
    "status": "execute_cmds:status_command",
    "rollback": "execute_cmds:rollback_command",
    "confirm": "execute_cmds:confirm_command",
    "decommission": "execute_cmds:decommission_command",
    "approvals": "approvals_cmds:approvals_group",
    "preflight": "preflight_cmd:preflight_command",
    "task": "task_cmds:task_group",
    "verify": "verify_cmd:verify_command",
    "explain": "explain_cmd:explain_command",
    "notifications": "notices_cmds:notices_group",
    "lab": "lab_cmds:lab_group",
    "alertmanager-config": "alert_cmds:alertmanager_config_command",
    "report": "money_cmds:report_group",
    "serve": "web_cmds:serve_command",
    "worker": "worker_cmd:worker_command",
    "user": "account_cmds:user_group",
    "token": "account_cmds:token_group",
    "department": "web_cmds:department_group",
    "review": "review_cmds:review_group",
    "resources": "resources_cmds:resources_group",
    "monitor": "monitor_cmds:monitor_command",
    "health": "monitor_cmds:health_command",
    "dashboard-export": "monitor_cmds:dashboard_command",
    "prometheus-config": "monitor_cmds:prometheus_config_command",
    "usage": "monitor_cmds:usage_command",
    "audit": "audit_cmds:audit_group",
}
"""Each sub-command by name, and where it is defined: its module is imported only when the command runs (or help
lists it), so `govmig status` does not load the web service, Excel and the renderer first. (click's documented
pattern for lazily loaded sub-commands.)"""


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, name = where.split(":")
        command = getattr(import_module(f".{module}", __package__), name)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110}
)
@click.version_option(__version__, prog_name="govmig")
def cli() -> None:
    """govmig：政务信息系统迁移编排 Migration orchestrator for government information systems."""


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
        from ..app import describe_failure  # the store's words for its own failures, loaded only then

        said = describe_failure(exc)
        if said is None:
            raise
        console(stderr=True).print(f"[red]错误：{said[0]}[/]\n[red]error: {said[1]}[/]")
        return FAILED
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
