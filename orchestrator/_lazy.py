"""Names a package's face binds on first use (PEP 562), for the few whose import is heavy.

Every `govmig` command is a new process, and each used to import the whole house first (the web service's FastAPI,
openpyxl and numpy, the policy and the renderer): 2.3-2.9 s before `govmig status` read a row. A face lists such
names here with the module that defines them; the type checker still sees them through `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The face's `__getattr__`: `homes` maps each lazily bound name to its module, relative to `package`."""

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{homes[name]}", package), name)
        setattr(sys.modules[package], name, value)  # bound from now on: the hook is not asked again
        return value

    return __getattr__
