"""YAML as the renderer writes and reads it: through libyaml (PyYAML's C emitter and loader) wherever that gives
the same text as the pure-Python ones, several times faster; a 5,000-system render spends most of its time here.

The two emitters fold long and multi-line scalars differently (both valid, parsed back alike), and the rendered
tree must stay byte-identical, since reviews and drift checks compare its digests: a document holding such a
string is written by the Python emitter, as before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

Dumper = yaml.CSafeDumper
"""The safe representer over the C emitter: subclass it to add a representer (the inventories' `!unsafe`)."""


SHORT = 40
"""Strings up to this long without a line break are emitted alike by both emitters at any width we use."""


def folds(doc: Any) -> bool:
    """Whether `doc` holds a string the emitters could fold differently (long, or with a line break)."""
    if isinstance(doc, str):
        return not doc or len(doc) > SHORT or "\n" in doc
    if isinstance(doc, dict):
        return any(folds(k) or folds(v) for k, v in doc.items())
    if isinstance(doc, (list, tuple)):
        return any(folds(v) for v in doc)
    return False


def to_yaml(doc: Any, *, sort_keys: bool = False, width: int | None = None) -> str:
    """One document, keys in the order given (unless `sort_keys`), Chinese as it is."""
    whole = isinstance(doc, (dict, list))  # a bare scalar: the Python emitter ends it with "..."
    dumper = yaml.SafeDumper if folds(doc) or not whole else Dumper
    return yaml.dump(doc, Dumper=dumper, sort_keys=sort_keys, allow_unicode=True, width=width)


def unfolded_yaml(doc: Any) -> str:
    """One document through the C emitter with no line width: no scalar is folded, so the text is the same
    whichever emitter wrote it. For documents of long one-line strings (rules: PromQL, alert annotations),
    which the folding path would send through the Python emitter at a tenth of the speed."""
    return yaml.dump(doc, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=UNFOLDED)


UNFOLDED = 1_000_000
"""A line width no rendered line reaches."""


def documents(text: str) -> Iterator[Any]:
    """Every document of a rendered file, read back with the C safe loader."""
    return yaml.load_all(text, Loader=yaml.CSafeLoader)
