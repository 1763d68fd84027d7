"""The security settings a site's 安全管理员 (secadmin) keeps in the store (GB/T 22239 8.1.4.1: identity, lockout,
sessions): the password policy, the sign-in lockout, the session limits and who needs a second factor. Every
replica reads the same rows; a change is audited with who made it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from .clock import Clock, utcnow
from .schema import Audit, SecuritySetting


class SecuritySettings(BaseModel):
    """Each setting with its default and its bounds (a setting outside them is refused, not clamped)."""

    model_config = ConfigDict(extra="forbid")

    password_min_length: int = Field(8, ge=8, le=128)
    password_min_classes: int = Field(3, ge=1, le=4)
    """Of lower case, upper case, digits and other characters."""
    password_min_score: int = Field(3, ge=0, le=4)
    """zxcvbn's guessability score (0 to 4); common passwords and their variants (`Password1`) score 0 or 1."""
    password_expiry_days: int = Field(90, ge=0, le=3650)
    """A password older than this must be changed at the next sign-in; 0: never expires."""
    password_history: int = Field(5, ge=0, le=24)
    """How many of the user's last passwords may not be used again."""
    lockout_attempts: int = Field(5, ge=3, le=100)
    """Wrong sign-ins for one user from one source before that pair waits."""
    lockout_per_source: int = Field(20, ge=5, le=1000)
    """Wrong sign-ins from one source, whatever the names, before that source waits."""
    lockout_per_user: int = Field(50, ge=5, le=10000)
    """Wrong sign-ins for one user from anywhere before a sign-in must also prove the second factor."""
    lockout_minutes: int = Field(15, ge=1, le=1440)
    session_idle_minutes: int = Field(30, ge=1, le=480)
    session_hours: int = Field(12, ge=1, le=24)
    totp_for_department: bool = False
    """Department users need the second factor too (ops, supervisors and the administrators always do)."""


class SecurityPolicy:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.session = sessionmaker(engine, expire_on_commit=False)
        self.clock = clock

    def read(self) -> SecuritySettings:
        with self.session() as s:
            stored = {row.name: row.value for row in s.scalars(select(SecuritySetting))}
        known = {k: v for k, v in stored.items() if k in SecuritySettings.model_fields}
        return SecuritySettings.model_validate(known)

    def write(self, changes: dict[str, Any], actor: str) -> SecuritySettings:
        """Validates the settings as they would be after `changes` (pydantic.ValidationError when they are not
        valid: nothing is written), then writes and audits each setting that changed."""
        merged = SecuritySettings.model_validate({**self.read().model_dump(), **changes})
        now = self.clock()
        with self.session.begin() as s:
            for name, value in merged.model_dump().items():
                row = s.get(SecuritySetting, name)
                if row is not None and row.value == value:
                    continue
                if row is None and value == SecuritySettings.model_fields[name].default:
                    continue
                old = row.value if row is not None else SecuritySettings.model_fields[name].default
                if row is None:
                    s.add(SecuritySetting(name=name, value=value, updated_at=now, updated_by=actor))
                else:
                    row.value, row.updated_at, row.updated_by = value, now, actor
                s.add(
                    Audit(
                        at=now,
                        actor=actor,
                        action="security.setting",
                        target=name,
                        result="ok",
                        detail=f"{old} -> {value}",
                    )
                )
        return merged
