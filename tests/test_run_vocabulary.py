"""Run states, job statuses and kinds, and approval statuses are compared as the members of contracts/run.py,
never as string literals: a literal compared outside contracts and execute is a second spelling of the vocabulary
(execute adopts it after its own layering, issue 38). Read from the source (AST), as tests/test_faces.py reads imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

from orchestrator.contracts import (
    ApprovalStatus,
    JobKind,
    JobStatus,
    RequestStatus,
    SystemState,
    WaveState,
)

ROOT = Path(__file__).resolve().parents[1] / "orchestrator"
EXEMPT = ("contracts",)
STATES = {str(m) for e in (WaveState, SystemState, JobStatus, ApprovalStatus, RequestStatus) for m in e}
KINDS = {str(m) for m in JobKind}


def _literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for e in node.elts for s in _literals(e)]
    return []


def _compared(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, literal) for each run-vocabulary literal a comparison (==, !=, in, not in) holds against a value;
    a kind's literal counts where the other side is named for a kind (a step may be named `rollback` too)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for side in sides:
            others = " ".join(ast.unparse(o) for o in sides if o is not side)
            for text in _literals(side):
                if text in STATES or (text in KINDS and "kind" in others):
                    found.append((node.lineno, text))
    return found


def test_the_vocabulary_is_the_stored_strings() -> None:
    assert [str(s) for s in WaveState] == ["running", "paused", "done", "partial", "failed"]
    assert {str(k) for k in JobKind} == {
        "run", "rollback", "decommission", "retire", "rollback_discard", "verify"
    }  # fmt: skip
    assert JobStatus.queued == "queued" and f"{SystemState.rolled_back}" == "rolled_back"


def test_no_run_state_literal_is_compared_outside_contracts_and_execute() -> None:
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line} {text!r}"
        for path in sorted(ROOT.rglob("*.py"))
        if path.relative_to(ROOT).parts[0] not in EXEMPT
        for line, text in _compared(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_scan_sees_a_literal_comparison() -> None:
    seen = _compared(
        ast.parse('ok = run.status == "done" or job.kind in ("retire", "run") or step == "rollback"')
    )
    assert [t for _, t in seen] == ["done", "retire", "run"]
