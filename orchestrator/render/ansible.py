"""Ansible: a playbook per wave over the roles in playbooks/roles, and an inventory per wave by network zone.

Host names are the systems' DNS names under the site's domain (settings.host_domain); a site maps them to
addresses in its DNS or in host_vars. Nothing secret is written: SSH keys come from the runner.

Every host variable that could be a template is written with Ansible's `!unsafe` tag, as its documentation
prescribes for data that must never be templated: a value is used as it stands, so `{{ lookup('pipe', …) }}` in
anything a plan reaches stays text instead of running on the control node.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from ..contracts import Runbook, dump_inventory, steps, wave_tasks
from ..contracts import tree as layout
from ..plan import Network, engine_profile
from ..waves import Roadmap
from . import naming
from .datamoves import data_moves
from .runbook import runbook
from .settings import RenderSettings
from .templates import ROOT, static_files
from .views import Files, SystemView


def _target_group(s: SystemView) -> str:
    if s.network is Network.egov_internal:
        return "egov_internal"
    return "govcloud" if s.on_kubernetes else "egov_external"


def inventory(wave_id: str, views: Sequence[SystemView], settings: RenderSettings) -> str:
    groups: dict[str, dict[str, dict[str, object]]] = {
        "private": {},
        "egov_internal": {},
        "egov_external": {},
        "govcloud": {},
        "frontends": {},
    }
    for s in views:
        data_dir = f"{settings.data_dir}/{s.system}"
        common = {"govmig_department": s.department, "govmig_system": s.system, "govmig_data_dir": data_dir}
        port = s.health_port or 80
        databases = _databases(s, settings)
        groups["private"][s.source_host] = {
            **common,
            "govmig_source_backend": f"{s.source_host}:{port}",
            "govmig_databases": databases,
        }
        target: dict[str, object] = {
            **common,
            "govmig_source_address": s.source_host,
            "govmig_source_host": s.source_host,
            "govmig_data_gb": s.data_gb,
            "govmig_databases": databases,
        }
        if s.health_port and s.health_path:
            target["govmig_health_url"] = f"http://{s.target_host}:{s.health_port}{s.health_path}"
        groups[_target_group(s)][s.target_host] = target
        groups["frontends"][naming.host(s.system, s.department, settings.domain("frontend"))] = {
            **common,
            "govmig_target_backend": f"{s.target_host}:{port}",
            "govmig_source_backend": f"{s.source_host}:{port}",
        }
    doc = {
        "all": {
            "vars": {"govmig_wave": wave_id},
            "children": {
                "wave_sources": {"children": {"private": {}}},
                "wave_targets": {"children": {"egov_internal": {}, "egov_external": {}, "govcloud": {}}},
                **{name: {"hosts": dict(sorted(hosts.items()))} for name, hosts in groups.items()},
            },
        }
    }
    return dump_inventory(doc)


def _databases(s: SystemView, settings: RenderSettings) -> list[dict[str, object]]:
    """What the data roles need of each database: its name, engine and how it moves, and where each side is
    (host names as rendered; a site maps them). No credential: the site's vault gives `govmig_db_secrets`."""
    moves = data_moves(
        s.system, [str(d.engine) for d in s.databases], s.classified, settings.approved_internal_link
    )
    out: list[dict[str, object]] = []
    for m in moves:
        # on the cloud, an operator brings these in (render/cloud.py), driven by the executor, not the playbook
        operator = engine_profile(m.engine).operator
        operated = m.driven and s.kind == "container" and operator is not None
        out.append(
            {
                "name": m.name,
                "engine": m.engine,
                "move": "operator" if operated else m.how,
                "source": {"host": s.source_host, "port": m.port, "dbname": m.name},
                "target": {"host": s.target_host, "port": m.port, "dbname": m.name},
                # the CloudNativePG replica streams as this user (its externalClusters): the catch-up's gate
                **(
                    {"standby_user": settings.source_user}
                    if operated and operator and operator.streams_as_source_user
                    else {}
                ),
                **({"runbook": {"zh": m.runbook[0], "en": m.runbook[1]}} if m.runbook else {}),
            }
        )
    return out


def ansible_files(
    env: Environment,
    roadmap: Roadmap,
    views: Sequence[SystemView],
    settings: RenderSettings,
    manual: Runbook | None = None,
) -> Files:
    files: Files = {}
    by_wave: dict[str, list[SystemView]] = {}
    for v in views:
        by_wave.setdefault(v.wave, []).append(v)
    for wave in roadmap.waves:
        members = by_wave.get(wave.id, [])
        files[layout.playbook(wave.id)] = env.get_template("wave.yml.j2").render(
            wave=wave, steps=steps.for_templates()
        )
        files[layout.inventory(wave.id)] = inventory(wave.id, members, settings)
        tasks = wave_tasks(wave.id, manual, [(v.key, v.deployment) for v in members]) if manual else None
        files[layout.runbook(wave.id)] = runbook(wave, members, settings, tasks)
        if tasks is not None:
            files[layout.tasks(wave.id)] = tasks.model_dump_json(indent=2, exclude_defaults=True) + "\n"
        for name, text in static_files(ROOT / "inventories" / "group_vars").items():
            node = settings.execution_nodes.get(name.removesuffix(".yml"))
            files[layout.group_vars(wave.id, name)] = text + (
                f"govmig_execution_node: {node}\n" if node else ""
            )
    for folder in layout.PLUGINS:
        for name, text in static_files(ROOT / folder).items():
            files[f"{folder}/{name}"] = text
    return files
