"""An incomplete filing is a P8 decision, not an input error: that system is blocked with what to file, and the
department's other systems are decided exactly as before."""

from __future__ import annotations

from typing import Any

import yaml

from orchestrator.plan import load_bytes
from orchestrator.policy import assess
from tests.conftest import AS_OF, EXAMPLES, dump


def _fgw() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((EXAMPLES / "630000-FGW.yaml").read_text())
    return doc


def test_empty_and_missing_filing_fields_block_that_system_by_p8_and_no_other() -> None:
    complete = _fgw()
    doc = _fgw()
    broken = next(s for s in doc["systems"] if s.get("filing", {}).get("annual_om_wan") is not None)
    broken["filing"]["constructing_unit"] = ""
    broken["filing"]["project_name"] = "   "
    del broken["filing"]["annual_om_wan"]
    loaded = load_bytes(dump(doc), "fgw.yaml", "yaml")
    assert loaded.ok, loaded.problems
    assert loaded.plan is not None
    before = {d.key: d for d in assess([load_bytes(dump(complete), "c.yaml", "yaml").plan], AS_OF)}  # type: ignore[list-item]
    after = {d.key: d for d in assess([loaded.plan], AS_OF)}
    key = f"630000-FGW/{broken['id']}"
    assert before[key].action != "blocked"
    decision = after[key]
    assert decision.action == "blocked" and "P8" in decision.rules and "no_om_funds" in decision.flags
    [why] = [r for r in decision.reasons if r.rule == "P8" and "不全" in r.zh]
    for zh, en in (("项目名称", "project name"), ("建设单位", "constructing unit"), ("运维费用", "O&M cost")):
        assert zh in why.zh and en in why.en
    assert "投资额度" not in why.zh and "funding channel" not in why.en  # what was filed is not asked again
    assert {k: d.model_dump() for k, d in after.items() if k != key} == {
        k: d.model_dump() for k, d in before.items() if k != key
    }
