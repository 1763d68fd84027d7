"""A wave's Ansible inventory as text: render writes it, execute, lab and the tests read it back.

Every host variable that could be a template is written with Ansible's `!unsafe` tag, as its documentation
prescribes for data that must never be templated; reading back gives the plain text. Writer and readers share this
one definition (moved from render/ansible.py so execute reads an inventory without importing render).
"""

from __future__ import annotations

from typing import Any

import yaml

from .serialize import Dumper, folds


class Unsafe(str):
    """A value Ansible must never template."""


class _Full:
    def ignore_aliases(self, data: Any) -> bool:
        """Written out in full where a value repeats: an inventory is read by people and edited by sites."""
        return True


class _InventoryDumper(_Full, Dumper):
    """The C emitter, for an inventory without long or multi-line text."""


class _FoldingDumper(_Full, yaml.SafeDumper):
    """The Python emitter, for one with (serialize.py: the two fold such text differently)."""


for _dumper in (_InventoryDumper, _FoldingDumper):
    _dumper.add_representer(
        Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value), style='"')
    )


class InventoryLoader(yaml.SafeLoader):
    """Reads a rendered inventory back (execute, the tests): `!unsafe` values as the plain text they are."""


InventoryLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]


def load_inventory(text: str) -> Any:
    return yaml.load(text, Loader=InventoryLoader)


def _unsafe(hostvars: dict[str, object]) -> dict[str, object]:
    """Tags every text Ansible could take for a template: one with a brace (Jinja's `{{`, `{%`, `{#`). Only
    those: Ansible reads an `!unsafe` scalar's type afresh as if unquoted, so a tagged "true" would come back as
    a boolean and "0630" as a number; text without a brace can never be templated and stays a quoted string."""
    return {k: Unsafe(v) if isinstance(v, str) and "{" in v else v for k, v in hostvars.items()}


def dump_inventory(doc: dict[str, Any]) -> str:
    """An inventory document as YAML, every host variable that could be a template tagged `!unsafe` (also for
    tools that edit a rendered inventory and write it back, such as a rehearsal site)."""

    def walk(group: dict[str, Any]) -> dict[str, Any]:
        out = dict(group)
        if isinstance(group.get("hosts"), dict):
            out["hosts"] = {h: _unsafe(v or {}) for h, v in group["hosts"].items()}
        if isinstance(group.get("children"), dict):
            out["children"] = {n: walk(c or {}) for n, c in group["children"].items()}
        return out

    tagged = {name: walk(group or {}) for name, group in doc.items()}
    dumper = _FoldingDumper if folds(tagged, quoted=Unsafe) else _InventoryDumper
    return yaml.dump(tagged, Dumper=dumper, sort_keys=False, allow_unicode=True, width=200)
