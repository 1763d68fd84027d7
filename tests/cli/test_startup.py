"""Every `govmig` command is a new process: an everyday one loads only what it uses.

The web service (FastAPI, uvicorn), Excel (openpyxl, numpy) and the wave planner's graphs (networkx) are loaded by
the commands that use them, not by `govmig status` or `govmig user list` (they cost 1.5 s of every start when each
command imported the whole house). Asserted on what is loaded, never on a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("fastapi", "uvicorn", "openpyxl", "numpy", "networkx")
PROBE = """
import json, sys
from orchestrator.cli.app import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": sorted({m.split(".")[0] for m in sys.modules})}), file=sys.stderr)
"""


def _loaded(*args: str) -> tuple[int, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=False
    )
    said = json.loads(proc.stderr.strip().splitlines()[-1])
    return said["code"], set(said["loaded"])


@pytest.mark.parametrize(
    "verb", [("status",), ("user", "list"), ("department", "list"), ("run", "--help"), ("--version",)]
)
def test_an_everyday_command_loads_nothing_heavy(tmp_path: Path, verb: tuple[str, ...]) -> None:
    db = (
        ("--db", f"sqlite:///{tmp_path / 'g.db'}") if "--help" not in verb and "--version" not in verb else ()
    )
    code, loaded = _loaded(*verb, *db)
    assert code == 0
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


def test_the_commands_that_use_them_still_find_them(tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    code, loaded = _loaded("template", str(out))
    assert code == 0 and out.stat().st_size > 0 and "openpyxl" in loaded
    from orchestrator import build_template, plan_waves  # lazily bound names of the public face

    assert callable(build_template) and callable(plan_waves)


def test_every_named_command_is_where_the_table_says() -> None:
    """The lazy group finds each command by name only when it runs: a wrong entry would be found by its first user."""
    import click

    from orchestrator.cli.app import COMMANDS, cli

    context = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name, name
    assert cli.get_command(context, "no-such-command") is None
