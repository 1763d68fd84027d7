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
