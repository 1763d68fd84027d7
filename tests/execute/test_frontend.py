"""The front end's switch (playbooks/library/govmig_frontend.py), run by Ansible itself on this machine: the config
replaced whole and the front end reloaded in one call, the reload every time (a run that died between the two and
comes back still reloads), a failed reload a failed task, and check mode touching nothing."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from orchestrator.render import dump_inventory

LIBRARY = Path(__file__).resolve().parents[2] / "playbooks" / "library"


def switch(config: Path, content: str, reload: str, *, check: bool = False) -> dict[str, Any]:
    """One `ansible` call of the module against this machine; its result for the host."""
    args = {"path": str(config), "content": content, "mode": "0644", "reload": reload}
    env = {
        **os.environ,
        "ANSIBLE_LIBRARY": str(LIBRARY),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
    }
    command = [str(Path(sys.executable).parent / "ansible"), "all", "-i", "localhost,", "-c", "local"]
    command += ["-m", "govmig_frontend", "-a", json.dumps(args)] + (["--check"] if check else [])
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    head, _, result = done.stdout.partition(" => ")  # the ad-hoc display: "localhost | CHANGED => {…}"
    assert result, done.stdout + done.stderr
    return {**json.loads(result), "failed": head.rstrip().endswith("FAILED!")}


def counter(path: Path) -> str:
    """A reload that notes each time it ran."""
    return shlex.join([sys.executable, "-c", f"open({str(path)!r}, 'a').write('reloaded\\n')"])


def reloads(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_the_config_is_replaced_and_the_front_end_reloaded_every_time(tmp_path: Path) -> None:
    config, log = tmp_path / "alpha.conf", tmp_path / "reloads"
    config.write_text("server alpha src-alpha:80\n")
    first = switch(config, "server alpha tgt-alpha:80\n", counter(log))
    assert first["changed"] and first["reloaded"] and not first.get("failed")
    assert config.read_text() == "server alpha tgt-alpha:80\n" and reloads(log) == 1
    assert oct(config.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".govmig-frontend-")] == []
    # a run that died after the write comes back: the file is right already, and the front end is reloaded anyway
    again = switch(config, "server alpha tgt-alpha:80\n", counter(log))
    assert not again["changed"] and again["reloaded"] and reloads(log) == 2


def test_a_failed_reload_fails_the_task_and_says_why(tmp_path: Path) -> None:
    config = tmp_path / "beta.conf"
    refused = shlex.join([sys.executable, "-c", "import sys; sys.exit('nginx: [emerg] unknown directive')"])
    result = switch(config, "server beta tgt-beta:80\n", refused)
    assert result.get("failed") and result["rc"] == 1
    assert "前端重新加载失败" in result["msg"] and "unknown directive" in result["msg"]
    assert config.read_text() == "server beta tgt-beta:80\n"  # written: the step's rerun reloads it


def test_a_config_that_cannot_be_written_fails_even_in_check_mode(tmp_path: Path) -> None:
    """The window's first play tries the switch in check mode while the source serves: a front end whose config
    folder is missing is found there, not at cutover with the service down."""
    log = tmp_path / "reloads"
    missing = tmp_path / "no-such-folder" / "delta.conf"
    for check in (True, False):
        result = switch(missing, "server delta tgt-delta:80\n", counter(log), check=check)
        assert result["failed"] and "前端无法切换" in result["msg"] and "does not exist" in result["msg"]
    assert reloads(log) == 0 and not missing.parent.exists()
    written = tmp_path / "ok.conf"  # the control: the same call where the folder exists
    assert not switch(written, "server delta tgt-delta:80\n", counter(log), check=True)["failed"]


def test_check_mode_writes_and_reloads_nothing(tmp_path: Path) -> None:
    config, log = tmp_path / "gamma.conf", tmp_path / "reloads"
    config.write_text("server gamma src-gamma:80\n")
    result = switch(config, "server gamma tgt-gamma:80\n", counter(log), check=True)
    assert result["changed"] and not result.get("failed")
    assert config.read_text() == "server gamma src-gamma:80\n" and reloads(log) == 0


def test_plan_text_reaches_the_front_end_as_typed_and_runs_nothing(tmp_path: Path) -> None:
    """The cutover role's check and its switch, as the playbook runs them, on an inventory written by render's
    own dump (every text with a brace tagged `!unsafe`): a department's name that is a Jinja expression is
    written into the config as the text it is, and no lookup in it runs."""
    payload = "{{ lookup('ansible.builtin.pipe', 'touch %s') }}"
    marker = tmp_path / "PWNED"
    frontend = {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "govmig_department": "630000-X" + payload % marker,
        "govmig_system": "sys" + payload % marker,
        "govmig_wave": "W01",
        "govmig_frontend_config": str(tmp_path / "fe.conf"),
        "govmig_frontend_reload": "true",
        "govmig_target_backend": "tgt" + payload % marker + ":80",
        "govmig_frontend_format": "server {system} {backend}; # " + payload % marker,
    }
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(dump_inventory({"all": {"children": {"frontends": {"hosts": {"fe": frontend}}}}}))
    playbook = tmp_path / "switch.yml"
    playbook.write_text(
        "- hosts: frontends\n  gather_facts: false\n  tasks:\n"
        "    - {name: check, ansible.builtin.import_role: {name: cutover, tasks_from: ready}}\n"
        "    - {name: switch, ansible.builtin.import_role: {name: cutover}}\n"
    )
    env = {**os.environ, "ANSIBLE_ROLES_PATH": str(LIBRARY.parent / "roles"), "ANSIBLE_LIBRARY": str(LIBRARY)}
    ansible_playbook = str(Path(sys.executable).parent / "ansible-playbook")
    done = subprocess.run(
        [ansible_playbook, "-i", str(inventory), str(playbook)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists()
    written = (tmp_path / "fe.conf").read_text()
    assert f"server sys{payload % marker} tgt{payload % marker}:80; # {payload % marker}" in written
