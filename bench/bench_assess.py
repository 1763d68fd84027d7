"""Assessment throughput on the generated 5,000-system portfolio, in systems per second.

Baseline: validating the same plans into models (the step before), so the ratio is what the rules add.
"""

from __future__ import annotations

import copy
import sys
from datetime import date
from functools import partial
from typing import Any

from bench.common import best_of_each, report
from bench.portfolio import portfolio
from orchestrator.plan import MigrationPlan
from orchestrator.policy import assess


def _models(docs: list[dict[str, Any]]) -> list[MigrationPlan]:
    return [MigrationPlan.model_validate(doc) for doc in docs]


def _alike(docs: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """One department of `size` live systems with the same name and function (P6's worst case: all of them
    overlap, and each is proposed for merging with all the others)."""
    doc = copy.deepcopy(docs[0])
    template = copy.deepcopy(doc["systems"][0])
    template["usage"]["last_business_use"] = "2026-11-20"  # in use: it migrates, it is not a zombie
    template["maintenance"] = {"status": "active", "last_update": "2026-10-01"}
    template["security"].update(mlps_filed=True, classified="none", classified_filed=False)
    doc["systems"] = [
        {**template, "id": f"same-{n:04d}", "name": "同名系统", "function": "价格监测分析", "depends_on": []}
        for n in range(size)
    ]
    return [doc]


def main(size: int = 5000, alike: int = 3000) -> None:
    docs = portfolio(size)
    plans = _models(docs)
    same = _alike(docs, alike)
    same_plans = _models(same)
    best = best_of_each(  # each figure and its floor in turn, round after round
        {
            "assess": partial(assess, plans, date(2026, 11, 22)),
            "validate": partial(_models, docs),
            "alike": partial(assess, same_plans, date(2026, 11, 22)),
            "validate alike": partial(_models, same),
        }
    )
    seconds, baseline = best["assess"], best["validate"]
    same_seconds, same_baseline = best["alike"], best["validate alike"]
    report(
        "assess (baseline: pydantic validation of the same plans)",
        [
            (f"assess {size} systems", seconds, baseline, f"{size / seconds:9.0f} systems/s"),
            (
                f"one department, {alike} alike (P6)",
                same_seconds,
                same_baseline,
                f"{alike / same_seconds:9.0f} systems/s",
            ),
        ],
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
