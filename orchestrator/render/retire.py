"""The retirement of zombies (002 二(一)): one playbook and one inventory for every system decided `retire`.

`govmig retire DEPT/ID` runs it for one system: the data archived first (the files and each database's own
dump, with checksums, kept under `archive_dir`), then the service stopped and marked, then the system taken off its
front end. A database whose engine govmig cannot dump is archived by hand and confirmed (`govmig confirm retire
DEPT/ID`), as a wave's checkpoint is.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from ..contracts import dump_inventory, steps
from ..contracts import tree as layout
from ..plan import MigrationPlan, engine_profile
from ..policy import Action, Decision
from . import naming
from .datamoves import data_moves
from .settings import RenderSettings
from .templates import ROOT, static_files
from .views import Files

WAVE = "retire"
"""The retirement's playbook and inventory sit where a wave's would (playbooks/retire.yml, inventories/retire/)."""


def retire_files(
    env: Environment, plans: Sequence[MigrationPlan], decisions: Sequence[Decision], settings: RenderSettings
) -> Files:
    retiring = {d.key for d in decisions if d.action is Action.retire}
    if not retiring:
        return {}
    sources: dict[str, dict[str, object]] = {}
    frontends: dict[str, dict[str, object]] = {}
    for plan in plans:
        dept = plan.department.code
        for system in plan.systems:
            if plan.key(system) not in retiring:
                continue
            common = {
                "govmig_department": dept,
                "govmig_system": system.id,
                "govmig_data_dir": f"{settings.data_dir}/{system.id}",
            }
            engines = [str(db.engine) for db in system.deployment.databases]
            databases = [
                {
                    "name": m.name,
                    "engine": m.engine,
                    # its own dump where govmig can make one; else archived by hand and confirmed
                    "move": "archive" if engine_profile(m.engine).dump else "checkpoint",
                    "source": {
                        "host": naming.host(system.id, dept, settings.domain("src")),
                        "port": m.port,
                        "dbname": m.name,
                    },
                    **(
                        {}
                        if engine_profile(m.engine).dump
                        else {
                            "runbook": dict(
                                zip(("zh", "en"), engine_profile(m.engine).checkpoint, strict=True)
                            )
                        }
                    ),
                }
                for m in data_moves(system.id, engines, False, False)
            ]
            sources[naming.host(system.id, dept, settings.domain("src"))] = {
                **common,
                "govmig_databases": databases,
            }
            frontends[naming.host(system.id, dept, settings.domain("frontend"))] = dict(common)
    doc = {
        "all": {
            "vars": {"govmig_wave": WAVE, "govmig_archive_dir": settings.archive_dir},
            "children": {
                "wave_sources": {"children": {"private": {}}},
                "private": {"hosts": dict(sorted(sources.items()))},
                "frontends": {"hosts": dict(sorted(frontends.items()))},
            },
        }
    }
    files: Files = {
        layout.playbook(WAVE): env.get_template("retire.yml.j2").render(
            systems=sorted(retiring), steps=steps.for_templates()
        ),
        layout.inventory(WAVE): dump_inventory(doc),
    }
    for name, text in static_files(ROOT / "inventories" / "group_vars").items():
        files[layout.group_vars(WAVE, name)] = text
    return files
