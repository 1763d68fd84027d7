#!/usr/bin/python
"""The digest of a data tree: SHA-256 of every file (path and content), so two trees compare as one value.

Markers govmig leaves (.govmig-*) are not part of the data. Read-only, so it runs in check mode too.
"""

from __future__ import annotations

import hashlib
import os

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: govmig_digest
short_description: SHA-256 digest of a data tree (govmig)
options:
  path: {type: path, required: true}
  against: {type: dict, description: the other side's digest; a difference fails the task}
"""


def digest(root):
    total, files, size = hashlib.sha256(), 0, 0
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.startswith(".govmig-"):
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            one = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    one.update(block)
            total.update(os.path.relpath(path, root).encode() + b"\0" + one.digest())
            files += 1
            size += os.path.getsize(path)
    return {"files": files, "bytes": size, "sha256": total.hexdigest()}


def main():
    module = AnsibleModule(
        argument_spec={"path": {"type": "path", "required": True}, "against": {"type": "dict"}},
        supports_check_mode=True,
    )
    path, against = module.params["path"], module.params["against"]
    found = digest(path) if os.path.isdir(path) else {"files": 0, "bytes": 0, "sha256": ""}
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
