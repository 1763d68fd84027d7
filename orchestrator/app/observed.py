"""What the observation file does to a portfolio: the dependencies the plans do not declare, the waves planned as
if they did (W2, cycles moving together), and the declared sizes the hosts' facts contradict; and the file itself,
read (every problem located), merged with a new run and written whole."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..discovery import (
    DEFAULT_DISCOVERY,
    Connection,
    Correction,
    DiscoverySettings,
    Observation,
    Undeclared,
    WindowNeed,
    accepted,
    as_declared,
    corrections,
    merge,
    undeclared,
)
from ..execute import AnsibleRunner, PlaybookRunner, ZonedRunner, load_nodes
from ..plan import IntakeError, MigrationPlan, load_model
from ..waves import DEFAULT_WAVES, Roadmap, WaveSettings
from .portfolio import Portfolio


def read_observation(path: Path) -> tuple[Observation | None, list[IntakeError]]:
    """The observation file, or None and every problem located in it."""
    return load_model(path, Observation)


def read_discovery_settings(path: Path | None) -> tuple[DiscoverySettings, list[IntakeError]]:
    """Discovery's thresholds from a YAML file, or the defaults; the file's problems located."""
    if path is None:
        return DEFAULT_DISCOVERY, []
    loaded, problems = load_model(path, DiscoverySettings)
    return loaded or DEFAULT_DISCOVERY, problems


def write_observation(path: Path, observation: Observation) -> None:
    """Written whole: to a temporary file beside it, then renamed into place (OSError when it cannot)."""
    text = yaml.safe_dump(observation.document(), allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record(path: Path, new: Observation) -> tuple[Observation | None, list[IntakeError]]:
    """Merges a run into the file at `path` (created when absent); the file's problems when it is not one."""
    old = Observation()
    if path.exists():
        loaded, problems = read_observation(path)
        if loaded is None:
            return None, problems
        old = loaded
    merged = merge(old, new)
    write_observation(path, merged)
    return merged, []


def discovery_runner(nodes: Path | None = None) -> PlaybookRunner:
    """The runner a wave uses: here, or on each zone's execution node (`--nodes`); ValueError/OSError when the
    nodes file cannot be read."""
    local = AnsibleRunner()
    if nodes is None:
        return local
    loaded = load_nodes(nodes)
    return ZonedRunner(loaded, local) if loaded.nodes else local


@dataclass(frozen=True)
class ObservedRoadmap:
    roadmap: Roadmap
    undeclared: list[Undeclared]


def plan_observed(portfolio: Portfolio, observation: Observation) -> ObservedRoadmap:
    """The waves with every observed dependency scheduled as if declared, and the list of those dependencies."""
    found = undeclared(portfolio.plans, observation)
    if not found:
        return ObservedRoadmap(portfolio.roadmap, [])
    amended = Portfolio(
        as_declared(portfolio.plans, found),
        portfolio.as_of,
        portfolio.policy,
        portfolio.schedule,
        portfolio.render_settings,
        portfolio.measured,
    )
    return ObservedRoadmap(amended.roadmap, found)


@dataclass(frozen=True)
class Contradicted:
    corrections: list[Correction]
    windows: list[WindowNeed]

    def contract(self) -> dict[str, object]:
        return {
            "corrections": [c.contract() for c in self.corrections],
            "windows": [w.contract() for w in self.windows],
        }


def check_observed(
    plans: Sequence[MigrationPlan],
    observation: Observation,
    settings: DiscoverySettings = DEFAULT_DISCOVERY,
    waves: WaveSettings = DEFAULT_WAVES,
) -> Contradicted:
    """The declared sizes and engines the facts contradict, and the window each such system needs."""
    found, needs = corrections(plans, observation, settings, waves)
    return Contradicted(found, needs)


def validate_observed(
    plans: Sequence[MigrationPlan], observed: Path, schedule: Path | None = None, settings: Path | None = None
) -> tuple[Contradicted | None, list[IntakeError]]:
    """`validate --observed`: the facts against the plans, with the schedule's link and window and discovery's
    tolerance; None and every problem located when a file is not what it should be."""
    observation, problems = read_observation(observed)
    waves, more = (DEFAULT_WAVES, []) if schedule is None else load_model(schedule, WaveSettings)
    tolerance, most = read_discovery_settings(settings)
    problems = [*problems, *more, *most]
    if observation is None or problems:
        return None, problems
    return check_observed(plans, observation, tolerance, waves or DEFAULT_WAVES), []


@dataclass(frozen=True)
class DepartmentFindings:
    """What discovery found for one department: its systems' undeclared dependencies (either end its own), the
    peers outside the portfolio they talk to, the sizes and engines the facts contradict with the window each
    needs, and its plan with all of it accepted (to submit as a new version)."""

    department: str
    undeclared: list[Undeclared]
    outside: list[Connection]
    corrections: list[Correction]
    windows: list[WindowNeed]
    proposal: MigrationPlan | None

    def contract(self) -> dict[str, object]:
        return {
            "department": self.department,
            "undeclared": [u.contract() for u in self.undeclared],
            "outside": [c.model_dump(mode="json", by_alias=True) for c in self.outside],
            "corrections": [c.contract() for c in self.corrections],
            "windows": [w.contract() for w in self.windows],
        }


def department_findings(
    plans: Sequence[MigrationPlan],
    observation: Observation,
    department: str,
    settings: DiscoverySettings = DEFAULT_DISCOVERY,
    waves: WaveSettings = DEFAULT_WAVES,
) -> DepartmentFindings:
    mine = f"{department}/"
    found = [u for u in undeclared(plans, observation) if u.from_.startswith(mine) or u.to.startswith(mine)]
    outside = [c for c in observation.outside() if c.from_.startswith(mine)]
    own = [p for p in plans if p.department.code == department]
    fixes, needs = corrections(own, observation, settings, waves)
    proposal = (
        accepted(own[0], found, fixes)
        if own and (fixes or any(u.from_.startswith(mine) for u in found))
        else None
    )
    return DepartmentFindings(department, found, outside, fixes, needs, proposal)
