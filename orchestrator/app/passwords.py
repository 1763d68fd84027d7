"""The password policy the 安全管理员 sets (GB/T 22239 8.1.4.1 a: identity authentication, complexity, regular
change): length, character classes, not the user name, not a common password or an easy variant of one
(zxcvbn's guessability score, with its maintained lists of common passwords, words and names), not one of the
user's last passwords. Every refusal says why, in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterable

from ..store import SecuritySettings
from .credentials import verify_password

Problem = tuple[str, str]
CLASSES = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())


def password_problem(
    password: str, username: str = "", settings: SecuritySettings | None = None
) -> Problem | None:
    """Why the password is refused by the policy, or None. (zh, en)."""
    rules = settings or SecuritySettings()
    classes = sum(any(test(c) for c in password) for test in CLASSES)
    if len(password) < rules.password_min_length or classes < rules.password_min_classes:
        n, k = rules.password_min_length, rules.password_min_classes
        return (
            f"密码至少 {n} 个字符，且包含小写字母、大写字母、数字、其他符号中的至少 {k} 类",
            f"the password needs at least {n} characters from at least {k} of: lower case, upper case, "
            "digits, other characters",
        )
    if username and username.lower() in password.lower():
        return "密码不能包含用户名", "the password must not contain the user name"
    if len(password) <= 256:  # zxcvbn's cost grows with the length; a longer password is not guessable anyway
        from zxcvbn import zxcvbn  # its word lists load on first use, not with every govmig command

        score = int(zxcvbn(password, user_inputs=[username] if username else [])["score"])
        if score < rules.password_min_score:
            return (
                f"密码过于常见或易猜（强度 {score}/4，至少需要 {rules.password_min_score}）",
                f"the password is common or easy to guess (strength {score}/4, "
                f"at least {rules.password_min_score} needed)",
            )
    return None


def reused(password: str, hashes: Iterable[str]) -> Problem | None:
    """Refuses a password that matches one of the user's last passwords (their argon2 hashes)."""
    if any(verify_password(digest, password) for digest in hashes):
        return "不能使用最近用过的密码", "the password was used recently: choose another"
    return None
