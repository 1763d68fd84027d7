"""The example province: every file loads, it is as large and varied as promised, and xlsx equals its YAML twin."""

from __future__ import annotations

from collections import Counter

import pytest

from orchestrator.plan import load_file, load_paths
from tests.conftest import DATA, EXAMPLES


def test_every_example_loads_without_errors() -> None:
    intake = load_paths([EXAMPLES])
    assert intake.errors == []
    assert len(intake.plans) == len(intake.loaded) >= 8
    assert sum(len(p.systems) for p in intake.plans) >= 80


def test_only_expected_warning_is_the_unloaded_department() -> None:
    intake = load_paths([EXAMPLES])
    assert [(w.code, w.path) for w in intake.warnings] == [
        ("unloaded_department", ("systems", 5, "depends_on", 0))
    ]


def test_examples_exercise_every_input_the_rules_read() -> None:
    systems = [s for p in load_paths([EXAMPLES]).plans for s in p.systems]
    classified = Counter(s.security.classified.value for s in systems)
    assert {"secret", "confidential", "top_secret"} <= set(classified)
    assert any(s.security.is_classified and s.target and s.target.network == "egov_external" for s in systems)
    assert any(s.security.mlps_level == 4 for s in systems)
    assert any(s.deployment.special_hardware for s in systems)
    assert sum(s.network.internet_facing for s in systems) >= 10
    assert any(s.exemption for s in systems)
    assert any(s.target and s.target.network == "private" and not s.exemption for s in systems)
    assert any(s.replaced_by and "/" in s.replaced_by for s in systems)
    assert any(s.maintenance.status == "stopped" for s in systems)
    assert sum(bool(s.owner_unit) for s in systems) >= 10
    not_shared = [r for s in systems for r in s.data_resources if r.sharing == "not_shared"]
    assert any(r.legal_basis for r in not_shared) and any(not r.legal_basis for r in not_shared)
    assert sum(bool(r.base_data) for s in systems for r in s.data_resources) >= 7
    assert any("/" in d for s in systems for d in s.depends_on)


@pytest.mark.parametrize("code", ["630000-SCJGJ", "630000-WJW"])
def test_xlsx_equals_its_yaml_twin(code: str) -> None:
    from_xlsx = load_file(EXAMPLES / f"{code}.xlsx")
    from_yaml = load_file(DATA / "xlsx_twins" / f"{code}.yaml")
    assert from_xlsx.ok and from_yaml.ok, from_xlsx.problems + from_yaml.problems
    assert from_xlsx.plan == from_yaml.plan
    assert from_xlsx.plan is not None and len(from_xlsx.plan.systems) == 10
