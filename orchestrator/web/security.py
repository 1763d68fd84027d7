"""Who is asking: argon2 password hashes, bearer tokens kept as SHA-256, and the principal a request acts as.

A principal is resolved on the server for every request, from a bearer token or the signed session cookie; the
browser is never trusted to say who it is or what it may see.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("department", "ops", "supervisor", "auditor")
ROLE_ZH = {"department": "部门", "ops": "运维", "supervisor": "监管", "auditor": "审计管理员"}
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return "gm_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    department: str | None

    @property
    def writes_plans(self) -> bool:
        return self.role in ("department", "ops")

    @property
    def reviews_plans(self) -> bool:
        return self.role == "supervisor"

    def sees(self, department: str) -> bool:
        """Ops and supervisors see every department; a department only itself."""
        return self.role != "department" or self.department == department


def password_problem(password: str, username: str = "") -> tuple[str, str] | None:
    """The password policy (GB/T 22239 identity authentication: complexity): at least 8 characters from at least
    three of lower case, upper case, digits and other characters, and not the user name. (zh, en) when it fails."""
    classes = sum(
        any(test(c) for c in password)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    if len(password) < 8 or classes < 3:
        return (
            "密码至少 8 个字符，且包含小写字母、大写字母、数字、其他符号中的至少三类",
            "the password needs at least 8 characters from at least three of: lower case, upper case, "
            "digits, other characters",
        )
    if username and username.lower() in password.lower():
        return "密码不能包含用户名", "the password must not contain the user name"
    return None
