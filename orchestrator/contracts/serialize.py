"""YAML as the renderer writes and reads it: through libyaml (PyYAML's C emitter and loader) wherever that gives
the same text as the pure-Python ones, several times faster; a 5,000-system render spends most of its time here.

The rendered tree must stay byte-identical whichever emitter wrote it, since reviews and drift checks compare its
digests. The two emitters part only on a few things, found by comparing them on random documents (the tests keep
doing so): a character one escapes and the other writes as it is or folds around (line breaks of every kind,
tabs and other controls, the byte-order mark, characters past the Basic Multilingual Plane), a mapping key that
is empty or long (each decides differently when it is still a simple key), and a double-quoted string folded at
the line width. A plain or single-quoted line of printable text of any length they fold alike. A document with
any of these is written by the Python emitter, as before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

Dumper = yaml.CSafeDumper
"""The safe representer over the C emitter: subclass it to add a representer (the inventories' `!unsafe`,
contracts/inventory.py)."""


SHORT = 40
"""Double-quoted strings (a representer's forced style) up to this long the emitters write alike at any width we
use: no quoted line nears the width."""

KEY_BYTES = 100
"""Keys up to this many UTF-8 bytes the emitters both write as simple keys: past about 123 characters (PyYAML,
counting the tag) or 128 bytes (libyaml) one of them writes `? key`."""

_SPECIAL = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
"""Any character outside the printable ranges both emitters write as they are."""


def _text_differs(text: str, quoted: bool) -> bool:
    return _SPECIAL.search(text) is not None or (quoted and len(text) > SHORT)


def _key_differs(key: Any, quoted: type) -> bool:
    if isinstance(key, str):
        return not key or _text_differs(key, isinstance(key, quoted)) or len(key.encode()) > KEY_BYTES
    return folds(key, quoted)


_NONE = type(None)


def folds(doc: Any, quoted: type = _NONE) -> bool:
    """Whether the two emitters could write `doc` differently (see above). `quoted`: a `str` subclass the dumper's
    representer writes double-quoted (the inventories' `!unsafe`), whose long values they fold differently."""
    if isinstance(doc, str):
        return _text_differs(doc, isinstance(doc, quoted))
    if isinstance(doc, dict):
        return any(_key_differs(k, quoted) or folds(v, quoted) for k, v in doc.items())
    if isinstance(doc, (list, tuple)):
        return any(folds(v, quoted) for v in doc)
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


_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.M)
_KIND = re.compile(r"""^kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*$""", re.M)


def documents_of_kind(text: str, kinds: frozenset[str]) -> Iterator[Any]:
    """The documents of a rendered file that may be of one of `kinds`, read back; the others are not parsed.

    Reading the objects back is most of what the quota costs, and most of the objects (Services, routes,
    network policies) count for nothing. A document's top-level `kind:` stands at the start of a line in block
    style; one whose kind this cannot see (flow style, an odd spelling) is parsed, so nothing counted is ever
    passed over. A `---` at the start of a line always begins a document: YAML forbids it inside a scalar."""
    for part in _DOCUMENT_START.split(text):
        seen = _KIND.findall(part)
        if not seen or any(kind in kinds for kind in seen):
            yield from documents(part)
