"""What a move measured, summed per system: a step run again counts once (its latest attempt), per database."""

from __future__ import annotations

from pathlib import Path

from orchestrator.app import summarize
from orchestrator.store import Store, open_store


def _verify(db: str, rows: int, differ: list[str]) -> dict[str, object]:
    return {"op": "verify", "database": db, "tables": 3, "rows": rows, "differ": differ}


def test_a_verification_run_again_is_counted_once(tmp_path: Path) -> None:
    store = Store(open_store(f"sqlite:///{tmp_path / 'g.db'}"))
    store.open_wave("W01", ["D/s"], str(tmp_path), False, 1, "t")
    store.add_figures(
        "W01", "D/s", "verify", [("h", _verify("a", 100, ["a.t"])), ("h", _verify("b", 50, []))]
    )
    store.add_figures("W01", "D/s", "verify", [("h", _verify("a", 120, [])), ("h", _verify("b", 50, []))])
    store.add_figures(
        "W01", "D/s", "rollback", [("h", {"op": "verify", "database": "a", "rows": 9, "differ": ["x"]})]
    )
    store.add_figures("W01", "D/s", "verify", [("h", {"op": "files", "files": 5, "equal": True})])
    m = summarize(store, "W01")["D/s"]
    assert (m.tables, m.rows, m.differ, m.databases_equal) == (6, 170, [], True)  # the second attempt, once
    assert (m.files, m.files_equal, m.verified) == (5, True, "✓")
