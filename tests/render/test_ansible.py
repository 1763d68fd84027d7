"""The playbooks and roles pass `ansible-playbook --syntax-check` and `ansible-lint` (production profile,
offline), and a run in check mode changes nothing on the hosts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from orchestrator.render import load_inventory
from tests.execute.harness import wave_inventory
from tests.render.conftest import Rendered

BIN = Path(sys.executable).parent


def ansible(
    tool: str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOME": str(cwd / ".ansible"), **(env or {})}
    return subprocess.run(
        [str(BIN / tool), *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=environ
    )


def test_every_wave_playbook_passes_syntax_check(rendered: Rendered) -> None:
    playbooks = rendered.out / "playbooks"
    waves = sorted(playbooks.glob("W*.yml"))
    assert [p.stem for p in waves] == [w.id for w in rendered.roadmap.waves]
    for playbook in [*waves, playbooks / "retire.yml"]:  # and the zombies' retirement
        inventory = rendered.out / "inventories" / playbook.stem / "hosts.yml"
        proc = ansible(
            "ansible-playbook", "--syntax-check", "-i", str(inventory), str(playbook), cwd=playbooks
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def shapes(playbooks: Path) -> list[Path]:
    """One wave playbook of each shape (its plays and tasks, without its comments and with its wave's name taken
    out), and every other playbook: the waves' playbooks come from one template, so linting each shape lints what
    every wave runs (the syntax check above still takes every wave's own)."""
    seen: dict[str, Path] = {}
    for playbook in sorted(playbooks.glob("*.yml")):
        lines = playbook.read_text(encoding="utf-8").splitlines()
        shape = "\n".join(x for x in lines if not x.lstrip().startswith("#")).replace(playbook.stem, "WAVE")
        seen.setdefault(shape if playbook.stem.startswith("W") else playbook.name, playbook)
    return sorted(seen.values())


def test_ansible_lint_production_profile_offline(rendered: Rendered, tmp_path: Path) -> None:
    played = tmp_path / "playbooks"
    shutil.copytree(rendered.out / "playbooks", played, ignore=shutil.ignore_patterns("*.yml"))
    for sub in ("roles",):  # the roles' own YAML, whole
        shutil.rmtree(played / sub)
        shutil.copytree(rendered.out / "playbooks" / sub, played / sub)
    kept = shapes(rendered.out / "playbooks")
    assert len(kept) >= 2 and any(p.stem.startswith("W") for p in kept)
    for playbook in kept:
        shutil.copy(playbook, played / playbook.name)
    proc = ansible(
        "ansible-lint",
        "--offline",
        "--profile",
        "production",
        "--nocolor",
        "playbooks",
        cwd=tmp_path,
        env={"ANSIBLE_LIBRARY": str(played / "library")},  # as the executor sets it
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "Profile 'production' was required, and it passed" in proc.stdout + proc.stderr


OWN_MODULES = {"govmig_db", "govmig_digest", "govmig_free", "govmig_frontend"}
"""govmig's own modules, beside the playbooks (playbooks/library): local modules have no collection name."""


def test_every_task_is_named_and_uses_fqcn(rendered: Rendered) -> None:
    assert {f"playbooks/library/{m}.py" for m in OWN_MODULES} <= set(rendered.files)
    for rel, text in rendered.files.items():
        if rel.startswith("playbooks/roles/") and "/tasks/" in rel:
            for task in yaml.safe_load(text):
                assert task.get("name"), rel
                module = next(k for k in task if "." in k or k in OWN_MODULES)
                assert module.startswith("ansible.builtin.") or module in OWN_MODULES, (rel, module)


def test_inventory_groups_each_network_zone(rendered: Rendered) -> None:
    inventory = load_inventory(rendered.files["inventories/W03/hosts.yml"])["all"]
    children = inventory["children"]
    assert {"private", "egov_internal", "egov_external", "govcloud", "frontends"} <= set(children)
    assert (
        len(children["egov_internal"]["hosts"]) == 6
    )  # the classified wave: every target on the internal network
    assert children["govcloud"]["hosts"] == {} and children["egov_external"]["hosts"] == {}
    assert {
        f"inventories/W03/group_vars/{g}.yml"
        for g in ("all", "private", "egov_internal", "egov_external", "govcloud", "frontends")
    } <= set(rendered.files)


def test_check_mode_changes_nothing(rendered: Rendered, tmp_path: Path) -> None:
    """Run W01's phases in check mode against this machine: no archive, marker or front-end file appears."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "records.txt").write_text("1\n")
    backups, frontend = tmp_path / "backups", tmp_path / "frontend.conf"
    host = {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "govmig_system": "s",
        "govmig_department": "D",
        "govmig_data_dir": str(data),
    }
    inventory = wave_inventory(
        {
            "private": {
                "hosts": {
                    "src": {
                        **host,
                        "govmig_role": "source",
                        "backup_dir": str(backups),
                        "govmig_service_stop": "true",
                    }
                }
            },
            "govcloud": {
                "hosts": {
                    "tgt": {
                        **host,
                        "govmig_role": "target",
                        "govmig_data_gb": 0,
                        "govmig_deploy_mode": "host",
                        "govmig_service_start": "true",
                    }
                }
            },
            "frontends": {
                "hosts": {
                    "fe": {
                        **host,
                        "govmig_role": "frontend",
                        "govmig_frontend_config": str(frontend),
                        "govmig_frontend_reload": "true",
                        "govmig_target_backend": "t:80",
                    }
                }
            },
        }
    )
    inv = tmp_path / "hosts.yml"
    inv.write_text(yaml.safe_dump(inventory))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    proc = ansible(
        "ansible-playbook",
        "--check",
        "-i",
        str(inv),
        "--skip-tags",
        "presync,final_sync",
        str(rendered.out / "playbooks" / "W01.yml"),
        cwd=rendered.out / "playbooks",
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "changed=" in proc.stdout and "failed=0" in proc.stdout
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if ".ansible" not in p.parts)
    assert after == [p for p in before if ".ansible" not in p.parts]
    assert not frontend.exists() and not backups.exists()
    # and the same run for real does what check mode only reported
    proc = ansible(
        "ansible-playbook",
        "-i",
        str(inv),
        "--skip-tags",
        "presync,final_sync",
        str(rendered.out / "playbooks" / "W01.yml"),
        cwd=rendered.out / "playbooks",
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (backups / "s-W01.tar.gz").is_file() and "server s t:80" in frontend.read_text()
    assert not (data / ".govmig-decommissioned").exists()  # the wave ends at cutover: the source is kept
