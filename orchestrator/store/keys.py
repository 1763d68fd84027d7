"""The site's key and its cryptography setting (GB/T 39786 密评; GB/T 22239 8.1.4: confidentiality and integrity
of what the store keeps).

One secret of 32 random bytes lives in a key file outside the store (`GOVMIG_KEY_FILE`, or `govmig.key` beside a
SQLite store, owner-only), so that whoever copies the database does not also hold what seals it. Every use derives
its own key from it with HKDF under a purpose name ("totp", "audit-chain", ...), so one purpose's key never
serves another. The suite is the site's choice (`GOVMIG_CRYPTO`):

- `standard`: AES-256-GCM to seal, HMAC-SHA-256 to chain and tag;
- `sm` (商用密码): SM4-GCM to seal, HMAC-SM3 to chain and tag, both from the system OpenSSL through `cryptography`.

A sealed value names its suite (`sm4gcm:` or `aes256gcm:`), so a store sealed under one suite still opens after
the site changes the setting; only new values use the new suite.
"""

from __future__ import annotations

import base64
import hmac as std_hmac
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

Suite = Literal["standard", "sm"]
SUITES: tuple[Suite, ...] = ("standard", "sm")
KEY_BYTES = 32
_NONCE = 12
_TAG = 16


class KeyFailure(Exception):
    """The key file is missing, unreadable, of the wrong size or open to others; or a sealed value does not
    open. Carries the message in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} {en}")
        self.zh, self.en = zh, en


def _hash(suite: Suite) -> hashes.HashAlgorithm:
    return hashes.SM3() if suite == "sm" else hashes.SHA256()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SiteKeys:
    """The site's secret and suite. `derive`, `mac`, `seal` and `open` are all a caller needs."""

    secret: bytes = field(repr=False)
    suite: Suite = "standard"

    def derive(self, purpose: str, size: int = 32, suite: Suite | None = None) -> bytes:
        return HKDF(
            algorithm=_hash(suite or self.suite), length=size, salt=None, info=f"govmig:{purpose}".encode()
        ).derive(self.secret)

    def mac(self, purpose: str, data: bytes) -> str:
        """A keyed digest (HMAC-SM3 or HMAC-SHA-256), hex."""
        tag = crypto_hmac.HMAC(self.derive(purpose), _hash(self.suite))
        tag.update(data)
        return tag.finalize().hex()

    def mac_matches(self, purpose: str, data: bytes, expected: str) -> bool:
        return std_hmac.compare_digest(self.mac(purpose, data), expected)

    def seal(self, purpose: str, plaintext: bytes) -> str:
        """Authenticated encryption under the purpose's key; the purpose is bound as associated data."""
        nonce, aad = secrets.token_bytes(_NONCE), purpose.encode()
        if self.suite == "sm":
            encryptor = Cipher(algorithms.SM4(self.derive(purpose, 16, "sm")), modes.GCM(nonce)).encryptor()
            encryptor.authenticate_additional_data(aad)
            body = encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag
            return f"sm4gcm:{_b64(nonce + body)}"
        body = AESGCM(self.derive(purpose, 32, "standard")).encrypt(nonce, plaintext, aad)
        return f"aes256gcm:{_b64(nonce + body)}"

    def open(self, purpose: str, sealed: str) -> bytes:
        kind, _, payload = sealed.partition(":")
        try:
            raw = _unb64(payload)
            nonce, body, aad = raw[:_NONCE], raw[_NONCE:], purpose.encode()
            if kind == "sm4gcm":
                ciphertext, tag = body[:-_TAG], body[-_TAG:]
                key = self.derive(purpose, 16, "sm")
                decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
                decryptor.authenticate_additional_data(aad)
                return decryptor.update(ciphertext) + decryptor.finalize()
            if kind == "aes256gcm":
                return AESGCM(self.derive(purpose, 32, "standard")).decrypt(nonce, body, aad)
        except (InvalidTag, ValueError):
            pass
        raise KeyFailure(
            "密文无法用本站密钥解开（密钥不符或数据被改）",
            "a sealed value does not open with this site's key",
        )


def key_path(store_url: str | None = None) -> Path:
    """Where the site's key lives: $GOVMIG_KEY_FILE, else beside a SQLite store's file, else ./govmig.key."""
    named = os.environ.get("GOVMIG_KEY_FILE")
    if named:
        return Path(named)
    if store_url and store_url.startswith("sqlite:///") and store_url != "sqlite:///:memory:":
        return Path(store_url.removeprefix("sqlite:///")).with_suffix(".key")
    return Path("govmig.key")


def suite_setting() -> Suite:
    chosen = os.environ.get("GOVMIG_CRYPTO", "standard").strip().lower() or "standard"
    if chosen not in SUITES:
        raise KeyFailure(
            f"GOVMIG_CRYPTO 应为 standard 或 sm，而不是「{chosen}」",
            f"GOVMIG_CRYPTO must be standard or sm, not '{chosen}'",
        )
    return chosen


def load_keys(path: Path, suite: Suite = "standard", create: bool = True) -> SiteKeys:
    """Reads the key file, creating it owner-only (0600) with a new random secret when absent and `create`."""
    if not path.exists():
        if not create:
            raise KeyFailure(f"找不到密钥文件 {path.name}", f"the key file {path.name} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole to a private file, then linked into place: a second process opening the same fresh store
        # at once finds either no key or the whole key, never an empty file (link fails where one exists).
        fd, draft = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_b64(secrets.token_bytes(KEY_BYTES)).encode() + b"\n")
                out.flush()
                os.fsync(out.fileno())
            os.link(draft, path)
        except FileExistsError:  # another process made it first: read theirs
            return load_keys(path, suite, create=False)
        finally:
            os.unlink(draft)
    if path.stat().st_mode & 0o077:
        raise KeyFailure(
            f"密钥文件 {path.name} 对其他用户可读，应为 0600",
            f"the key file {path.name} is open to others: make it 0600",
        )
    try:
        secret = _unb64(path.read_text().strip())
    except (OSError, ValueError, UnicodeDecodeError):
        secret = b""
    if len(secret) != KEY_BYTES:
        raise KeyFailure(f"密钥文件 {path.name} 无效", f"the key file {path.name} is not a govmig key")
    return SiteKeys(secret, suite)


def site_keys(store_url: str | None = None, create: bool = True) -> SiteKeys:
    """The site's keys for the store at `store_url`, by the settings in the environment."""
    return load_keys(key_path(store_url), suite_setting(), create)
