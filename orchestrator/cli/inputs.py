"""What every portfolio command reads: the plans, the province's policy settings, measured usage, the date.

Gathered once here so `assess`, `plan` and `render` agree on their inputs and report bad ones the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel

from ..app import (
    DEFAULT_RENDER,
    DEFAULT_WAVES,
    DEFAULTS,
    Intake,
    IntakeError,
    MeasuredUsage,
    Measurement,
    PolicySettings,
    Portfolio,
    RenderSettings,
    WaveSettings,
    load_model,
    read_plans,
)

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=BaseModel)


@dataclass
class Inputs:
    intake: Intake
    settings: PolicySettings
    measured: dict[str, Measurement]
    as_of: date
    problems: list[IntakeError] = field(default_factory=list)

    @property
    def errors(self) -> list[IntakeError]:
        return self.intake.errors + [p for p in self.problems if p.severity == "error"]

    def portfolio(
        self, schedule: WaveSettings = DEFAULT_WAVES, render: RenderSettings = DEFAULT_RENDER
    ) -> Portfolio:
        """The valid plans with every setting given, composed by the application layer."""
        return Portfolio(self.intake.plans, self.as_of, self.settings, schedule, render, self.measured)


def _as_of(_: click.Context, __: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"「{value}」不是有效日期（YYYY-MM-DD） / not a date (YYYY-MM-DD)") from None


def portfolio_options(fn: F) -> F:
    """--policy, --usage and --as-of, shared by every command that judges a portfolio."""
    fn = click.option(
        "--as-of",
        "as_of",
        callback=_as_of,
        metavar="YYYY-MM-DD",
        help="评估日期（默认今天）Assessment date (default today)",
    )(fn)
    fn = click.option(
        "--usage",
        type=click.Path(path_type=Path, dir_okay=False),
        help="实测使用情况 Measured usage (MeasuredUsage YAML/JSON)",
    )(fn)
    fn = click.option(
        "--policy",
        type=click.Path(path_type=Path, dir_okay=False),
        help="本省政策参数 Province's policy settings (YAML)",
    )(fn)
    return fn


def load_settings(policy: Path | None) -> tuple[PolicySettings, list[IntakeError]]:
    if policy is None:
        return DEFAULTS, []
    settings, problems = load_model(policy, PolicySettings)
    return settings or DEFAULTS, problems


def settings_file(inputs: Inputs, path: Path | None, model: type[M], default: M) -> M:
    """A settings document (schedule, render settings) from `path`, its problems added to the inputs'."""
    if path is None:
        return default
    loaded, problems = load_model(path, model)
    inputs.problems += problems
    return loaded or default


def gather(paths: tuple[Path, ...], policy: Path | None, usage: Path | None, as_of: date) -> Inputs:
    settings, problems = load_settings(policy)
    measured: dict[str, Measurement] = {}
    if usage is not None:
        report, usage_problems = load_model(usage, MeasuredUsage)
        problems += usage_problems
        measured = report.by_system() if report else {}
    return Inputs(read_plans(paths), settings, measured, as_of, problems)
