"""Who may do what, and the secrets that prove it: the roles (三员分立), argon2 password hashes and bearer tokens
kept as SHA-256. The web signs people in with them and the console sets passwords and tokens with the same ones.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

BUSINESS = ("department", "ops", "supervisor")
ADMINISTRATORS = ("sysadmin", "secadmin", "auditor")
"""三员分立 (GB/T 22239 8.1.5): accounts, tokens and departments; the security settings; the audit log. No
administrator holds a business role, and none can do another's job: each route names the one role it serves."""
ROLES = BUSINESS + ADMINISTRATORS
ROLE_ZH = {
    "department": "部门",
    "ops": "运维",
    "supervisor": "监管",
    "sysadmin": "系统管理员",
    "secadmin": "安全管理员",
    "auditor": "审计管理员",
}
SECOND_FACTOR_ROLES = frozenset({"ops", "supervisor", *ADMINISTRATORS})
"""Roles that always sign in with a TOTP code too; departments do where the site's secadmin says so."""
_HASHER = PasswordHasher()
_DUMMY: list[str] = []


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_or_dummy(digest: str | None, password: str) -> bool:
    """Checks the password against the user's hash, or, for a name that has no user, against a dummy hash made
    with the same parameters: the answer takes the same time whether the name exists or not."""
    if digest is None:
        if not _DUMMY:
            _DUMMY.append(_HASHER.hash(secrets.token_urlsafe(16)))
        verify_password(_DUMMY[0], password)
        return False
    return verify_password(digest, password)


def needs_second_factor(role: str, departments_too: bool) -> bool:
    return role in SECOND_FACTOR_ROLES or (departments_too and role == "department")


def new_token() -> str:
    return "gm_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
