"""Assessment throughput on the generated 5,000-system portfolio, in systems per second.

Baseline: validating the same plans into models (the step before), so the ratio is what the rules add.
"""

from __future__ import annotations

import sys
from datetime import date
from functools import partial

from bench.common import best_of, report
from bench.portfolio import portfolio
from orchestrator.plan import MigrationPlan
from orchestrator.policy import assess


def _models(docs: list[dict[str, object]]) -> list[MigrationPlan]:
    return [MigrationPlan.model_validate(doc) for doc in docs]


def main(size: int = 5000) -> None:
    docs = portfolio(size)
    plans = _models(docs)
    seconds = best_of(partial(assess, plans, date(2026, 11, 22)))
    baseline = best_of(partial(_models, docs))
    report(
        "assess (baseline: pydantic validation of the same plans)",
        [(f"assess {size} systems", seconds, baseline, f"{size / seconds:9.0f} systems/s")],
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
