"""The render tree's layout and its index: every path of the tree is spelled here and nowhere else.

Render writes the tree (as relative paths), the application layer puts it on disk, the executor runs from it,
the monitor builds its catalog from it and the web checks it: each through these functions and the `RenderIndex`
model, so moving a folder or adding an index field is one change that every reader sees.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

INDEX = "index.json"
MANIFESTS, MONITORING, PLAYBOOKS, INVENTORIES = "manifests", "monitoring", "playbooks", "inventories"
MANAGED = (MANIFESTS, MONITORING, PLAYBOOKS, INVENTORIES, INDEX)
"""What render owns: a stale file under these is removed when the tree is written again."""
ROLES = f"{PLAYBOOKS}/roles"
LIBRARY = f"{PLAYBOOKS}/library"
"""govmig's own Ansible modules (the database moves, tree digests): beside the playbooks, where Ansible looks."""
LOOKUPS = f"{PLAYBOOKS}/lookup_plugins"
"""Beside the playbooks, where Ansible finds them itself: the executor's word between steps (govmig_word)."""
STRATEGIES = f"{PLAYBOOKS}/strategy_plugins"
"""The strategy every run uses (govmig_linear: linear over Mitogen), beside the playbooks too."""
PLUGINS = (ROLES, LIBRARY, LOOKUPS, STRATEGIES)
"""What a wave's playbook needs beside it: copied from the source tree by render, packed for an execution node."""
RULES = f"{MONITORING}/rules"
PROBES = f"{MONITORING}/*/*/*/probe.yaml"
"""Glob (relative to the tree) of every system's blackbox Probe."""
RULE_FILES = f"{RULES}/*/*.rules.yaml"
PIPELINE = "_pipeline"
"""The rules directory of the monitoring's own rules: no department code starts with an underscore."""
RESOURCES = "_resources"
"""The rules directory of each zone's resource recording rules and its node_exporter scrape job (plain Prometheus
files, for promtool and for sites without prometheus-operator)."""
KUSTOMIZATION = "kustomization.yaml"


def playbook(wave: str) -> str:
    return f"{PLAYBOOKS}/{wave}.yml"


def runbook(wave: str) -> str:
    """The night's runbook for the operator (what moves how, the checkpoints, the commands in order)."""
    return f"{PLAYBOOKS}/{wave}.runbook.md"


def tasks(wave: str) -> str:
    """The wave's manual tasks per system (contracts/tasks.py), when the site gave a runbook."""
    return f"{PLAYBOOKS}/{wave}.tasks.json"


def inventory(wave: str) -> str:
    return f"{INVENTORIES}/{wave}/hosts.yml"


def group_vars(wave: str, name: str) -> str:
    return f"{INVENTORIES}/{wave}/group_vars/{name}"


def system_base(department: str, system: str) -> str:
    """The folder of a system's own Kubernetes objects."""
    return f"{MANIFESTS}/base/{department}/{system}"


def namespace_base(department: str, zone: str) -> str:
    return f"{MANIFESTS}/base/{department}/namespace-{zone}"


def platform_base(network: str) -> str:
    """The platform side of a network's clusters: the namespaces the policies select, and the Gateways."""
    return f"{MANIFESTS}/platform/{network}"


def overlay(name: str) -> str:
    return f"{MANIFESTS}/overlays/{name}/{KUSTOMIZATION}"


def from_overlay(path: str) -> str:
    """`path` (a base folder) as an overlay's kustomization names it."""
    return posixpath.relpath(path, f"{MANIFESTS}/overlays/any")


def monitoring_base(zone: str, department: str, system: str) -> str:
    return f"{MONITORING}/{zone}/{department}/{system}"


def monitoring_zone(zone: str) -> str:
    return f"{MONITORING}/{zone}"


def rules_file(department: str, system: str) -> str:
    """The plain rules file promtool checks (the same groups as the system's PrometheusRule)."""
    return f"{RULES}/{department}/{system}.rules.yaml"


def pipeline_rules_file(zone: str) -> str:
    """The monitoring's own rules for one zone's Prometheus (watchdog, prober), as promtool checks them."""
    return f"{RULES}/{PIPELINE}/{zone}.rules.yaml"


def resources_rules_file(zone: str) -> str:
    """A zone's resource recording rules (used against allocated, per system), as promtool checks them."""
    return f"{RULES}/{RESOURCES}/{zone}.rules.yaml"


def node_scrape_file(zone: str) -> str:
    """A zone's node_exporter scrape job (`scrape_configs` entries) for hosts and VMs, labelled per system."""
    return f"{RULES}/{RESOURCES}/{zone}.scrape.yaml"


def system_prefixes(department: str, system: str, zone: str) -> tuple[str, ...]:
    """Every path that belongs to one system starts with one of these."""
    return (
        system_base(department, system) + "/",
        monitoring_base(zone, department, system) + "/",
        f"{RULES}/{department}/{system}.",
    )


def gitops(wave: str, key: str) -> str:
    """Where a wave's objects are copied for a GitOps agent when no cluster is configured."""
    return f"gitops/{wave}/{key}"


def runs(record: str) -> str:
    """ansible-runner's private data directory for a wave record's runs (not managed: kept across renders). One
    run at a time per record (its lease), so one folder, where each run's leftovers are found and reaped."""
    return f".runs/{record}"


class Tree:
    """A render tree on disk: the layout above, rooted at `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __truediv__(self, relative: str) -> Path:
        return self.root / relative

    def playbook(self, wave: str) -> Path:
        return self.root / playbook(wave)

    def inventory(self, wave: str) -> Path:
        return self.root / inventory(wave)

    def tasks(self, wave: str) -> Path:
        return self.root / tasks(wave)

    @property
    def roles(self) -> Path:
        return self.root / ROLES

    @property
    def index(self) -> Path:
        return self.root / INDEX

    def has_wave(self, wave: str) -> bool:
        return self.playbook(wave).is_file() and self.inventory(wave).is_file()

    def runs(self, record: str) -> Path:
        return self.root / runs(record)

    def gitops(self, wave: str, key: str) -> Path:
        return self.root / gitops(wave, key)

    def glob(self, pattern: str) -> list[Path]:
        return sorted(self.root.glob(pattern))

    def read_index(self) -> RenderIndex:
        """The tree's index; OSError or pydantic.ValidationError when it is missing or not a govmig index."""
        return RenderIndex.model_validate_json(self.index.read_bytes())


class IndexedSystem(BaseModel):
    """One migrating system in the index: where it was rendered, or why it was not."""

    model_config = ConfigDict(extra="ignore")

    system: str
    rendered: bool
    reason: str | None = None
    wave: str | None = None
    kind: str | None = None
    namespace: str | None = None
    zone: str | None = None
    objective: float = 99.5
    dr: bool = False
    dropped_dependencies: list[str] = Field(default_factory=list)
    data_in: dict[str, str] = Field(default_factory=dict)
    """How each piece of the system's data reaches the cloud: `vm` (forklift | image), each database by name
    (cnpg-replica | mysql-clone | mariadb-restore | checkpoint | offline), `files` (rsync-jobs)."""
    unpinned_images: list[str] = Field(default_factory=list)
    """Images rendered by tag, without a digest from the site's settings (a warning: a tag can move)."""
    files: dict[str, str] = Field(default_factory=dict)
    """Relative path → SHA-256 of every file of this system."""

    @property
    def department(self) -> str:
        return self.system.partition("/")[0]

    @property
    def name(self) -> str:
        return self.system.partition("/")[2]


class RenderIndex(BaseModel):
    """index.json: what was rendered for every system and each file's content hash (for review and drift)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    api_version: Literal["govmig/v1"] = Field("govmig/v1", alias="apiVersion")
    kind: Literal["RenderIndex"] = "RenderIndex"
    departments: list[str] = Field(default_factory=list)
    waves: list[str] = Field(default_factory=list)
    systems: list[IndexedSystem] = Field(default_factory=list)
    files: dict[str, str] = Field(default_factory=dict)

    def to_json(self) -> str:
        doc = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        doc = {"apiVersion": self.api_version, "kind": self.kind, **doc}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def entry(self, key: str) -> IndexedSystem | None:
        return next((s for s in self.systems if s.system == key), None)
