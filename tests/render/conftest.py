"""The example province rendered once per session into a real folder, as `govmig render` would write it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.plan import MigrationPlan
from orchestrator.policy import Decision
from orchestrator.render import render_artifacts
from orchestrator.waves import Roadmap, WaveSettings, plan_waves
from tests.conftest import AS_OF, ROOT


@dataclass
class Rendered:
    out: Path
    files: dict[str, str]
    roadmap: Roadmap
    decisions: dict[str, Decision]

    def objects(self, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        """Every Kubernetes object under `prefix` (kustomizations and plain rule files left out)."""
        for path, text in self.files.items():
            if not path.endswith(".yaml") or path.endswith("kustomization.yaml") or "/rules/" in path:
                continue
            if not path.startswith(("manifests/", "monitoring/")) or not path.startswith(prefix):
                continue
            for doc in yaml.safe_load_all(text):
                if doc:
                    yield path, doc


@pytest.fixture(scope="session")
def rendered(
    tmp_path_factory: pytest.TempPathFactory,
    province_plans: list[MigrationPlan],
    province: dict[str, Decision],
) -> Rendered:
    schedule = WaveSettings.model_validate(yaml.safe_load((ROOT / "examples" / "schedule.yaml").read_text()))
    roadmap = plan_waves(province_plans, list(province.values()), AS_OF, schedule)
    files = render_artifacts(province_plans, list(province.values()), roadmap)
    out = tmp_path_factory.mktemp("render")
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return Rendered(out, files, roadmap, province)


ENGINES = ("postgresql", "mysql", "mariadb", "dameng", "oracle", "mongodb")


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """A department with a cloud system on each engine (one classified), and VMs from vSphere, from a physical
    machine and of unknown source: every way into the cloud rendered once."""
    from orchestrator.plan import load_bytes
    from orchestrator.policy import assess
    from tests.conftest import dump

    doc = yaml.safe_load((ROOT / "tests" / "datamove" / "plan.yaml").read_text(encoding="utf-8"))
    first = doc["systems"][0]
    systems = []
    for engine in ENGINES:
        s = yaml.safe_load(yaml.safe_dump(first))
        s["id"], s["deployment"]["databases"] = f"on-{engine}", [{"engine": engine, "size_gb": 30}]
        s["deployment"]["components"][0]["replicas"] = 2
        s["security"]["mlps_level"] = 3  # a DR copy for each (001 二(五))
        systems.append(s)
    secret = yaml.safe_load(yaml.safe_dump(first))
    secret["id"] = "case-secret"
    secret["security"].update(classified="secret", classified_filed=True, mlps_level=3)
    systems.append(secret)
    for name, source in (
        ("vm-vsphere", {"platform": "vsphere", "vm": "lab-01"}),
        ("vm-physical", {"platform": "physical", "vm": "lab-02"}),
        ("vm-image", None),
    ):
        s = yaml.safe_load(yaml.safe_dump(first))
        s["id"] = name
        s["deployment"]["kind"] = "vm"
        s["deployment"]["components"][0]["memory"] = "12Gi"
        s["deployment"]["data_gb"] = 50
        if source:
            s["deployment"]["source"] = source
        systems.append(s)
    doc["systems"] = systems
    loaded = load_bytes(dump(doc), "engines.yaml", "yaml")
    assert loaded.plan is not None, loaded.problems
    plans = [loaded.plan]
    decisions = assess(plans, AS_OF)
    roadmap = plan_waves(plans, decisions, AS_OF)
    files = render_artifacts(plans, decisions, roadmap)
    out = tmp_path_factory.mktemp("engines")
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return Rendered(out, files, roadmap, {d.key: d for d in decisions})
