"""The site's key: sealed values open only with the same key and purpose, under both suites; the key file is
owner-only and refused when open to others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestrator.store.keys import KeyFailure, SiteKeys, load_keys


@pytest.mark.parametrize("suite", ["standard", "sm"])
def test_sealed_values_open_only_with_their_key_and_purpose(tmp_path: Path, suite: str) -> None:
    keys = load_keys(tmp_path / "site.key", suite)  # type: ignore[arg-type]
    sealed = keys.seal("totp", b"JBSWY3DPEHPK3PXP")
    assert b"JBSWY3DPEHPK3PXP" not in sealed.encode()
    assert sealed.startswith("sm4gcm:" if suite == "sm" else "aes256gcm:")
    assert keys.open("totp", sealed) == b"JBSWY3DPEHPK3PXP"
    with pytest.raises(KeyFailure):
        keys.open("credentials", sealed)
    other = load_keys(tmp_path / "other.key", suite)  # type: ignore[arg-type]
    with pytest.raises(KeyFailure):
        other.open("totp", sealed)
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(KeyFailure):
        keys.open("totp", tampered)


def test_a_value_sealed_under_one_suite_opens_after_the_site_switches(tmp_path: Path) -> None:
    standard = load_keys(tmp_path / "site.key", "standard")
    sm = SiteKeys(standard.secret, "sm")
    assert sm.open("totp", standard.seal("totp", b"x")) == b"x"
    assert standard.open("totp", sm.seal("totp", b"y")) == b"y"
    assert standard.mac("audit", b"e") != sm.mac("audit", b"e")
    assert sm.mac_matches("audit", b"e", sm.mac("audit", b"e"))


def test_the_key_file_is_made_owner_only_and_refused_when_open_to_others(tmp_path: Path) -> None:
    path = tmp_path / "site.key"
    first = load_keys(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_keys(path).secret == first.secret
    os.chmod(path, 0o644)
    with pytest.raises(KeyFailure, match="0600"):
        load_keys(path)
    os.chmod(path, 0o600)
    path.write_text("short\n")
    with pytest.raises(KeyFailure):
        load_keys(path)
    with pytest.raises(KeyFailure):
        load_keys(tmp_path / "absent.key", create=False)
