"""Rendering the 5,000-system portfolio, against the floor of dumping the same objects with PyYAML's C emitter."""

from __future__ import annotations

import sys
from datetime import date
from functools import partial

import yaml

from bench.common import best_of_each, report
from bench.portfolio import portfolio
from orchestrator.plan import MigrationPlan
from orchestrator.policy import assess
from orchestrator.render import render_artifacts
from orchestrator.waves import WaveSettings, plan_waves

AS_OF = date(2026, 11, 22)


class _Loader(yaml.CSafeLoader):
    """The C loader, knowing the `!unsafe` tag the inventories carry (read back as the plain text it is)."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]


def _dump(objects: list[list[object]]) -> None:
    for docs in objects:
        yaml.dump_all(docs, Dumper=yaml.CSafeDumper)


def main(size: int = 5000) -> None:
    plans = [MigrationPlan.model_validate(doc) for doc in portfolio(size)]
    decisions = assess(plans, AS_OF)
    roadmap = plan_waves(
        plans,
        decisions,
        AS_OF,
        WaveSettings(
            max_systems=200, max_per_department=50, sync_bandwidth_mbps=100_000, horizon_windows=2000
        ),
    )
    files = render_artifacts(plans, decisions, roadmap)
    objects = [
        list(yaml.load_all(text, Loader=_Loader))
        for path, text in files.items()
        if path.endswith((".yaml", ".yml"))
    ]
    best = best_of_each(  # the render and its floor in turn, round after round
        {"render": partial(render_artifacts, plans, decisions, roadmap), "floor": partial(_dump, objects)}, 3
    )
    seconds, baseline = best["render"], best["floor"]
    systems = sum(len(w.systems) for w in roadmap.waves)
    report(
        "render (baseline: yaml.CSafeDumper dump of the same objects)",
        [
            (
                f"render {systems} systems, {len(files)} files",
                seconds,
                baseline,
                f"{systems / seconds:9.0f} systems/s",
            )
        ],
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
