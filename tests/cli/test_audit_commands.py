"""`govmig audit verify|export|prune` as a process (`python -m orchestrator`): exit 0 on a whole chain, 1 naming
the first broken entry after the file is rewritten with sqlite3, JSON for scripts, an export of JSON lines, and a
prune refused inside the retention period (2) or on a broken chain (1)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from orchestrator.store import Accounts, Store, open_store
from tests.cli.test_user_commands import govmig


def _store(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "g.db"
    db = f"sqlite:///{path}"
    engine = open_store(db)
    Accounts(engine).add_department("630000-RST", "省人社厅", "ops-li")
    for n in range(4):
        Store(engine).audit("ops-li", "wave.run", f"W0{n}", "started")
    engine.dispose()
    return db, path


def test_verify_says_whole_then_names_the_rewritten_entry(tmp_path: Path) -> None:
    db, path = _store(tmp_path)
    whole = govmig("audit", "verify", "--db", db, "--format", "json")
    assert whole.returncode == 0, whole.stderr
    assert json.loads(whole.stdout) == {"whole": True, "entries": 5, "first": 1, "last": 5, "broken": None}
    table = govmig("audit", "verify", "--db", db)
    assert table.returncode == 0 and "审计链完整" in table.stdout

    with closing(sqlite3.connect(path)) as raw:  # whoever holds the file: drop the guard, rewrite an entry
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("UPDATE audit SET actor = 'nobody' WHERE seq = 3")
        raw.commit()
    broken = govmig("audit", "verify", "--db", db, "--format", "json")
    assert broken.returncode == 1, broken.stderr
    said = json.loads(broken.stdout)
    assert said["whole"] is False and said["broken"]["seq"] == 3 and said["broken"]["reason"] == "changed"
    table = govmig("audit", "verify", "--db", db)
    flat = " ".join(table.stdout.split())  # the console wraps at its width
    assert table.returncode == 1 and "第 3 条" in flat and "entry 3" in flat
    refused = govmig("audit", "prune", "--before", "2000-01-01", "--db", db)
    assert refused.returncode == 1 and "broken" in refused.stderr


def test_export_writes_json_lines_and_prune_keeps_the_retention(tmp_path: Path) -> None:
    db, _ = _store(tmp_path)
    out = tmp_path / "audit.jsonl"
    done = govmig("audit", "export", "--since", "2000-01-01", "-o", str(out), "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["entries"] == 6 and out.stat().st_mode & 0o077 == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["seq"] for e in lines] == [1, 2, 3, 4, 5, 6] and lines[0]["action"] == "department.add"
    assert lines[-1]["action"] == "audit.export"  # the export is itself on the record
    assert {"seq", "at", "actor", "action", "target", "result", "detail", "mac"} <= set(lines[0])
    assert govmig("audit", "export", "--since", "tomorrow", "-o", str(out), "--db", db).returncode == 2

    young = govmig("audit", "prune", "--before", "2099-01-01", "--db", db)
    assert young.returncode == 2 and "180" in young.stderr
    short = govmig("audit", "prune", "--before", "2000-01-01", "--retention-days", "30", "--db", db)
    assert short.returncode == 2
    old = govmig("audit", "prune", "--before", "2000-01-01", "--db", db, "--format", "json")
    assert old.returncode == 0 and json.loads(old.stdout)["pruned"] == 0
    assert govmig("audit", "verify", "--db", db).returncode == 0


def test_verify_without_the_sites_key_says_so_and_writes_nothing(tmp_path: Path) -> None:
    """A copy of the store without its key: verify cannot check it, says so (exit 1) and makes no key (a new key
    would report every entry as changed, which reads as tampering when the key was only misplaced)."""
    _, path = _store(tmp_path)
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    (elsewhere / "g.db").write_bytes(path.read_bytes())
    said = govmig("audit", "verify", "--db", f"sqlite:///{elsewhere / 'g.db'}", "--format", "json")
    assert said.returncode == 1 and "key" in said.stderr and "密钥" in said.stderr, said.stderr
    assert "changed" not in said.stdout and "Traceback" not in said.stderr
    assert not (elsewhere / "g.key").exists()
    (elsewhere / "g.key").write_bytes(path.with_suffix(".key").read_bytes())
    (elsewhere / "g.key").chmod(0o600)
    whole = govmig("audit", "verify", "--db", f"sqlite:///{elsewhere / 'g.db'}", "--format", "json")
    assert whole.returncode == 0 and json.loads(whole.stdout)["whole"] is True, whole.stderr
