"""Flags are one typed vocabulary: each has its words in both languages, and the decision contract still carries
them as the plain strings other tools read."""

from __future__ import annotations

import re

from orchestrator.policy import Decision, Flag


def test_every_flag_is_labelled_in_chinese_and_english() -> None:
    for flag in Flag:
        assert re.search(r"[\u4e00-\u9fff]", flag.zh), flag
        assert flag.en.isascii() and flag.en.strip(), flag


def test_violations_are_what_a_department_must_fix() -> None:
    assert Flag.no_om_funds.violation and Flag.target_overridden.violation
    assert not Flag.dr_required.violation and not Flag.zombie_candidate.violation


def test_the_contract_carries_flags_as_plain_strings(province: dict[str, Decision]) -> None:
    raised = {f for d in province.values() for f in d.contract()["flags"]}
    assert raised and all(type(f) is str and Flag(f) for f in raised)
