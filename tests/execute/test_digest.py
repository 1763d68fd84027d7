"""The data tree's digest and its cache: the window re-reads only what changed since the pre-sync, and a file
changed behind the cache's back (same size, same modification time) is still read and still told apart."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType

MODULE = Path(__file__).resolve().parents[2] / "playbooks" / "library" / "govmig_digest.py"


def module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govmig_digest", MODULE)
    assert spec and spec.loader
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def tree(root: Path) -> Path:
    for n in range(20):
        (root / f"d{n % 3}").mkdir(parents=True, exist_ok=True)
        (root / f"d{n % 3}" / f"f{n}.bin").write_bytes(os.urandom(4096) * (n + 1))
    return root


def test_unchanged_files_are_not_read_again_and_a_change_behind_the_cache_is_caught(tmp_path: Path) -> None:
    digest = module().digest
    source = tree(tmp_path / "source")
    target = tmp_path / "target"
    shutil.copytree(source, target, copy_function=shutil.copy2)
    first = digest(str(target), cache=True)
    assert first["read"] == 20 and first["sha256"] == digest(str(source))["sha256"]
    assert (target / ".govmig-digest").is_file()
    again = digest(str(target), cache=True)
    assert again["read"] == 0 and again["sha256"] == first["sha256"]  # nothing re-read, the same answer

    victim = target / "d1" / "f4.bin"
    before = victim.stat()
    data = bytearray(victim.read_bytes())
    data[100] ^= 0xFF  # one byte flipped: the same size ...
    victim.write_bytes(bytes(data))
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and the modification time put back
    changed = digest(str(target), cache=True)
    assert changed["read"] == 1 and changed["sha256"] != digest(str(source))["sha256"]


def test_check_mode_reads_the_cache_but_never_writes_it(tmp_path: Path) -> None:
    digest = module().digest
    root = tree(tmp_path / "t")
    digest(str(root), cache=True, write=False)
    assert not (root / ".govmig-digest").exists()
    (root / ".govmig-digest").write_text("not json")  # a damaged cache is no cache: everything is read
    assert digest(str(root), cache=True)["read"] == 20
