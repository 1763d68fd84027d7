"""The renderer's YAML: the C emitter where it writes what the Python one would, the Python one elsewhere, so the
rendered tree's bytes (and the digests reviews compare) do not depend on which of them wrote it."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.render.serialize import documents, folds, to_yaml

TEXT = st.text(alphabet=st.sampled_from("ab 中文\n:-{}'\"#=*&!|>%@`0123456789."), max_size=120)
LEAVES = st.one_of(TEXT, st.integers(-(10**12), 10**12), st.booleans(), st.none(), st.floats(allow_nan=False))
DOCS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(doc=DOCS, width=st.sampled_from([None, 80, 200]))
def test_the_text_is_what_the_python_emitter_writes(doc: Any, width: int | None) -> None:
    python = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=width)
    assert to_yaml(doc, width=width) == python
    assert list(documents(python)) == [doc]


def test_long_or_multi_line_text_is_what_sends_a_document_to_the_python_emitter() -> None:
    """The control: the C emitter folds a long quoted line elsewhere than the Python one does."""
    doc = {
        "expr": '(m{department="630000-CZT",system="accountant-mgmt"} > 14.4 * 0.005 and '
        'm2{department="630000-CZT",system="accountant-mgmt"} > 14.4)\n  or\n(z)'
    }  # a burn-rate rule's expression, as the rules render it
    assert folds(doc) and not folds({"name": "短的 short", "n": [1, 2]})
    c_text = yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
    assert c_text != yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    assert to_yaml(doc) == yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
