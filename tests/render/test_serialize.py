"""The renderer's YAML: the C emitter where it writes what the Python one would, the Python one elsewhere, so the
rendered tree's bytes (and the digests reviews compare) do not depend on which of them wrote it."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.contracts.inventory import Unsafe, dump_inventory, load_inventory
from orchestrator.contracts.serialize import documents, documents_of_kind, folds, to_yaml
from orchestrator.render.quota import COUNTED

# the characters that part the emitters (line breaks of every kind, a tab, a control, the byte-order mark, one past
# the Basic Multilingual Plane) beside printable ones, and lines long enough to fold at every width we use
# (NEL, which PyYAML's own emitter writes so that it reads back as a space, is kept to the test below)
SPECIAL = "\n\r\x85\u2028\t\x07\ufeff😀"
TEXT = st.text(
    alphabet=st.sampled_from("ab 中文:-{}'\"#=*&!|>%@`0123456789.\xa0\u3000" + SPECIAL.replace("\x85", "")),
    max_size=300,
)
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


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet=st.sampled_from("ab 中-:'\"#{}\\"), min_size=1, max_size=24), max_size=30
    ),
    key=st.text(alphabet=st.sampled_from("ab中-. "), min_size=0, max_size=80),
)
def test_long_printable_lines_and_long_keys_come_out_as_the_python_emitter_writes_them(
    words: list[str], key: str
) -> None:
    """Past the width and past the simple-key limit (where the C emitter writes much of a render): the same text."""
    line = " ".join(words)
    doc = {"hosts": {key: {"text": line, "quoted": Unsafe(line), "list": [line, {key: line}]}}}
    for width in (None, 80, 200):
        python = yaml.safe_dump(
            {"hosts": {key: {"text": line}}}, sort_keys=False, allow_unicode=True, width=width
        )
        assert to_yaml({"hosts": {key: {"text": line}}}, width=width) == python
    inventory = {"all": {"children": {"g": doc}}}
    assert load_inventory(dump_inventory(inventory))["all"]["children"]["g"]["hosts"][key]["quoted"] == line


def test_what_sends_a_document_to_the_python_emitter() -> None:
    """Each thing the emitters write differently, beside text that is long but printable (which does not)."""
    assert not folds({"k": "长" * 500, "x" * 30: ["a b " * 200]})
    for special in SPECIAL:
        assert folds({"k": f"a{special}b"}) and folds({f"a{special}": 1}), repr(special)
    # where they show: a break or a tab in a line long enough to fold, a NEL, a character past the BMP
    for different in ("a\tb " * 40, "a\rb " * 40, "a\u2028 b " * 30, "a\x85b", "😀"):
        c_text = yaml.dump({"k": different}, Dumper=yaml.CSafeDumper, allow_unicode=True)
        assert c_text != yaml.safe_dump({"k": different}, allow_unicode=True), repr(different)
    long_key = "键" * 60  # 180 bytes: PyYAML writes it `? 键…`, libyaml as a simple key
    assert folds({long_key: 1}) and folds({"": 1}) and not folds({"键" * 30: 1})
    assert yaml.dump({long_key: 1}, Dumper=yaml.CSafeDumper, allow_unicode=True) != yaml.safe_dump(
        {long_key: 1}, allow_unicode=True
    )
    assert folds({"k": Unsafe("a " * 40)}, quoted=Unsafe) and not folds({"k": "a " * 40}, quoted=Unsafe)


def test_the_quota_reads_back_only_documents_of_the_kinds_it_counts() -> None:
    """Skipped: a kind that asks nothing of the quota. Read: a counted kind, and any document whose kind cannot
    be seen from its lines (flow style, no kind), so nothing counted is ever passed over."""
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
        "---\napiVersion: apps/v1\nkind: 'Deployment'\nmetadata: {name: b}\n"
        "---\n{kind: Job, metadata: {name: c}}\n"
        "--- \nkind: HTTPRoute\nspec:\n  text: |\n    kind: Deployment\n"
        "---\nmetadata: {name: d}\n"
    )
    read = [doc["metadata"]["name"] for doc in documents_of_kind(text, COUNTED)]
    assert read == ["b", "c", "d"]
    everything = list(documents(text))
    assert len(everything) == 5 and {"Service", "HTTPRoute"} <= {d.get("kind") for d in everything}
