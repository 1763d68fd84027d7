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
    module = AnsibleModule(argument_spec={"path": {"type": "path", "required": True}}, supports_check_mode=True)
    path = module.params["path"]
    if not os.path.isdir(path):
        module.exit_json(changed=False, exists=False, files=0, bytes=0, sha256="")
    module.exit_json(changed=False, exists=True, **digest(path))


if __name__ == "__main__":
    main()
