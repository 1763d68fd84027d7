#!/usr/bin/python
"""Points a front end at a backend: its config file replaced atomically, then the front end reloaded, in one call.

Why a module: a cutover is the last stretch of the service's downtime, and there Ansible's template action (a stat,
a transfer and a copy, each a round trip) and a separate reload cost several times the work itself. And a handler
reloads only when the file changed, so a run that died between the write and the reload would, run again, find
the file unchanged and never reload: the front end would keep serving the old backend from memory while the step
said done. Here the reload runs every time the file is right (reloading is idempotent), and a failed reload fails
the task. Check mode writes and reloads nothing and says whether the file would change; in both modes a config that
cannot be written (no such folder, no right to write it) fails before anything else, so the window's first play,
which tries the switch in check mode while the source still serves, finds it before the writes stop.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: govmig_frontend
short_description: point a front end at a backend and reload it (govmig)
options:
  path: {type: path, required: true, description: the front end's config file for the system}
  content: {type: str, required: true, description: what the file must say}
  mode: {type: raw, default: "0644"}
  reload: {type: str, required: true, description: the command that reloads the front end (no shell)}
"""


def _current(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _unwritable(path: str) -> str | None:
    """Why the config cannot be replaced, or None: its folder must exist and be writable (the new file is made
    there and renamed over the old one), and an existing file writable."""
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        return f"配置目录不存在 / the config's folder does not exist: {folder}"
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        return f"配置不可写 / the config cannot be written: {path}"
    return None


def _write(module: AnsibleModule, path: str, content: str) -> None:
    """A new file beside the old one, then renamed over it: a reader sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(prefix=".govmig-frontend-", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        module.atomic_move(tmp, path)  # keeps the old file's owner and security context
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "content": {"type": "str", "required": True},
            "mode": {"type": "raw", "default": "0644"},
            "reload": {"type": "str", "required": True},
        },
        supports_check_mode=True,
    )
    path, content = module.params["path"], module.params["content"]
    why = _unwritable(path)
    if why:
        module.fail_json(msg=f"前端无法切换 / the front end cannot be switched: {why}", path=path)
    before = _current(path)
    changed = before != content
    result: dict[str, Any] = {"changed": changed, "path": path}
    if module._diff:
        result["diff"] = {
            "before": before or "",
            "after": content,
            "before_header": path,
            "after_header": path,
        }
    if module.check_mode:
        module.exit_json(**result)
    if changed:
        _write(module, path, content)
    result["changed"] = module.set_mode_if_different(path, module.params["mode"], changed)
    rc, out, err = module.run_command(module.params["reload"])
    if rc != 0:
        said = err.strip() or out.strip()
        module.fail_json(
            msg=f"前端重新加载失败 / the front end did not reload: rc={rc}" + (f": {said}" if said else ""),
            rc=rc,
            **result,
        )
    module.exit_json(reloaded=True, **result)


if __name__ == "__main__":
    main()
