#!/usr/bin/python
"""The digest of a data tree: SHA-256 of every file (path and content), so two trees compare as one value.

Markers govmig leaves (.govmig-*) are not part of the data. With `cache`, each file's digest is kept in the
tree's `.govmig-digest` beside the file's size, modification and change times and inode, and a file whose
stat is unchanged is not read again: the pre-sync digests both trees while the source still serves, so the
window reads only what changed since (as git's index and rsync's quick check skip unchanged files). The change
time (ctime) cannot be set back by a program writing the file, so any write since the digest means a re-read.
Read-only in check mode (no cache is written), so it runs there too.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: govmig_digest
short_description: SHA-256 digest of a data tree (govmig)
options:
  path: {type: path, required: true}
  against: {type: dict, description: the other side's digest; a difference fails the task}
  cache: {type: bool, default: false, description: keep per-file digests in the tree's .govmig-digest}
"""

CACHE = ".govmig-digest"


def _read(path: str) -> str:
    one = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            one.update(block)
    return one.hexdigest()


def _load(root: str) -> dict[str, Any]:
    try:
        with open(os.path.join(root, CACHE), encoding="utf-8") as f:
            kept = json.load(f)
        return kept if isinstance(kept, dict) else {}
    except (OSError, ValueError):
        return {}


def _save(root: str, entries: dict[str, list[Any]]) -> None:
    tmp = os.path.join(root, CACHE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(entries, f)
    os.replace(tmp, os.path.join(root, CACHE))


def digest(root: str, cache: bool = False, write: bool = True) -> dict[str, Any]:
    kept = _load(root) if cache else {}
    entries: dict[str, list[Any]] = {}
    total, files, size, read = hashlib.sha256(), 0, 0, 0
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.startswith(".govmig-"):
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            rel = os.path.relpath(path, root)
            st = os.stat(path)
            stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            old = kept.get(rel)
            if isinstance(old, list) and len(old) == 5 and old[:4] == stamp:
                hexdigest = old[4]
            else:
                hexdigest, read = _read(path), read + 1
            entries[rel] = [*stamp, hexdigest]
            total.update(rel.encode() + b"\0" + bytes.fromhex(hexdigest))
            files += 1
            size += st.st_size
    if cache and write:
        _save(root, entries)
    return {"files": files, "bytes": size, "sha256": total.hexdigest(), "read": read}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "against": {"type": "dict"},
            "cache": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    path, against = module.params["path"], module.params["against"]
    found = (
        digest(path, module.params["cache"], not module.check_mode)
        if os.path.isdir(path)
        else {"files": 0, "bytes": 0, "sha256": "", "read": 0}
    )
    if against is None:
        module.exit_json(changed=False, exists=os.path.isdir(path), **found)
    figures = {
        "op": "check" if module.check_mode else "files",  # check mode compares what is there, and says so
        **found,
        "source_files": against.get("files"),
        "equal": found["sha256"] == against.get("sha256"),
    }
    if not figures["equal"] and not module.check_mode:
        module.fail_json(
            msg=f"文件校验不一致，拒绝切换 / the file trees differ, cutover refused: source {against.get('files')} "
            f"files {against.get('sha256')}, target {found['files']} files {found['sha256']}",
            govmig_figures=figures,
        )
    module.exit_json(changed=False, govmig_figures=figures, **found)


if __name__ == "__main__":
    main()
