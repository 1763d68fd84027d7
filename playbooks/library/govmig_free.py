#!/usr/bin/python
"""Free space on a target where its data will be written, against what it will receive (the precheck step, and so
preflight, days before the night).

The data directory may not exist yet before deploy: the space is measured on the filesystem of its nearest existing
ancestor (the mount the directory will be made on), with `statvfs` as `df` measures it for an unprivileged writer
(the blocks available, not the ones kept for root). It only reads, and runs the same in check mode. Not enough room
fails the task in Chinese and English, naming the path measured, what is free and what is needed.
"""

from __future__ import annotations

import os
from typing import Any

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: govmig_free
short_description: free space where a target's data will be written, against the bytes it will receive
options:
  path: {type: path, required: true, description: where the data will be written (need not exist yet)}
  need_bytes: {type: int, required: true, description: the bytes the target must have free (data and head-room)}
"""

GIB = 1 << 30


def nearest_existing(path: str) -> str:
    """`path` itself, or the closest of its ancestors that exists (at worst the root)."""
    here = os.path.abspath(path)
    while not os.path.exists(here):
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return here


def measured(path: str) -> dict[str, Any]:
    at = nearest_existing(path)
    st = os.statvfs(at)
    return {"path": path, "measured_at": at, "avail_bytes": st.f_bavail * st.f_frsize}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "need_bytes": {"type": "int", "required": True},
        },
        supports_check_mode=True,
    )
    need = max(0, int(module.params["need_bytes"]))
    try:
        found = measured(str(module.params["path"]))
    except OSError as exc:
        module.fail_json(
            msg=f"无法测量 {module.params['path']} 的可用空间 / cannot measure free space at "
            f"{module.params['path']}: {exc.strerror or exc}"
        )
        return
    found["need_bytes"] = need
    if found["avail_bytes"] < need:
        module.fail_json(
            msg=(
                f"目标主机空间不足：{found['measured_at']} 可用 {found['avail_bytes'] / GIB:.2f} GiB，"
                f"需要 {need / GIB:.2f} GiB（数据量加余量）：扩容或清理后重新预检 / the target lacks room: "
                f"{found['avail_bytes'] / GIB:.2f} GiB free at {found['measured_at']}, {need / GIB:.2f} GiB "
                "needed (the data and head-room): grow or clear the disk, then preflight again"
            ),
            **found,
        )
        return
    module.exit_json(changed=False, **found)


if __name__ == "__main__":
    main()
