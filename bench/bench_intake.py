"""Intake throughput: validating examples/ and a generated 5,000-system portfolio, in systems per second.

Baseline: parsing the same files with PyYAML's C loader and nothing else, the floor any YAML intake pays.
"""

from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path

import yaml

from bench.common import best_of, report
from bench.portfolio import write_portfolio
from orchestrator.plan import load_paths

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = ROOT / "examples" / "province"


def _parse_only(paths: list[Path]) -> None:
    for path in paths:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def main(size: int = 5000) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        generated = write_portfolio(Path(tmp), size)
        for label, folder, paths in [
            ("examples/province (YAML+xlsx)", PROVINCE, sorted(PROVINCE.rglob("*.yaml"))),
            (f"generated portfolio ({size} systems)", Path(tmp), generated),
        ]:
            intake = load_paths([folder])
            assert intake.ok, intake.errors[:3]
            count = sum(len(p.systems) for p in intake.plans)
            seconds = best_of(partial(load_paths, [folder]))
            baseline = best_of(partial(_parse_only, paths))
            rows.append((label, seconds, baseline, f"{count / seconds:9.0f} systems/s"))
    report("intake: validate (baseline: yaml.CSafeLoader parse of the YAML files only)", rows)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
