"""Property tests: whatever a file holds, intake returns a plan or located problems, and never anything else."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.plan import load_bytes
from orchestrator.plan.intake import LoadedPlan
from tests.conftest import EXAMPLES, MINIMAL, dump

SEEDS = [MINIMAL, *(__import__("yaml").safe_load((EXAMPLES / f).read_text()) for f in ("630000-GAT.yaml",))]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.text(max_size=30),
    st.dates().map(str),
    st.sampled_from(["secret", "egov_external", "2027-02-30", "../x", "A/B/C", "-x-", "container", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths(v, (*prefix, i))
    return out


def mutate(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    doc = copy.deepcopy(doc)
    node = doc
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def well_formed(loaded: LoadedPlan) -> None:
    """The loader's whole promise: a model with no errors, or errors each located and said in both languages."""
    assert isinstance(loaded, LoadedPlan)
    errors = [p for p in loaded.problems if p.severity == "error"]
    assert (loaded.plan is not None and not errors) or errors
    for p in loaded.problems:
        assert p.file and p.location and p.zh and p.en and p.code
        assert p.zh != p.en


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    seed=st.sampled_from(SEEDS),
    value=values,
    delete=st.booleans(),
    fmt=st.sampled_from(["yaml", "json"]),
)
def test_mutated_plans_load_or_fail_located(
    data: st.DataObject, seed: Any, value: Any, delete: bool, fmt: str
) -> None:
    path = data.draw(st.sampled_from(paths(seed)))
    doc = mutate(seed, path, value, delete)
    raw = dump(doc) if fmt == "yaml" else json.dumps(doc, ensure_ascii=False, default=str).encode()
    loaded = load_bytes(raw, f"plan.{fmt}", fmt)
    well_formed(loaded)
    if not loaded.problems:
        assert loaded.plan is not None


@settings(max_examples=300, deadline=None)
@given(
    raw=st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)),
    fmt=st.sampled_from(["yaml", "json", "xlsx"]),
)
def test_random_documents_never_escape(raw: bytes, fmt: str) -> None:
    well_formed(load_bytes(raw, f"x.{fmt}", fmt))


yaml_ish = st.lists(
    st.sampled_from(
        [
            "a:",
            " b:",
            "- ",
            "[",
            "]",
            "{",
            "}",
            "&x ",
            "*x",
            "!!python/object:os.system",
            "'",
            '"',
            "\n",
            "  ",
            "? ",
            "|",
            ">",
            "#",
            "1",
            "2027-13-01",
            ":",
            ",",
        ]
    ),
    max_size=60,
).map(lambda parts: "".join(parts).encode())


@settings(max_examples=400, deadline=None)
@given(raw=yaml_ish)
def test_yaml_shaped_noise_never_escapes(raw: bytes) -> None:
    well_formed(load_bytes(raw, "x.yaml", "yaml"))
