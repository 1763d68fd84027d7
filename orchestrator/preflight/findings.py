"""What a preflight found, in the contract's shape (shared/DOMAIN.md v1.2): each finding names its system (or none,
for the wave), the check, `critical` or `warning`, and says it in Chinese and English. A wave is ready when nothing
critical was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Severity = Literal["critical", "warning"]


@dataclass(frozen=True)
class Finding:
    system: str | None
    check: str
    severity: Severity
    zh: str
    en: str

    def document(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "check": self.check,
            "severity": self.severity,
            "zh": self.zh,
            "en": self.en,
        }


@dataclass(frozen=True)
class Preflight:
    wave: str
    tree: str
    at: datetime
    findings: list[Finding] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not any(f.severity == "critical" for f in self.findings)

    def document(self) -> dict[str, Any]:
        return {
            "wave": self.wave,
            "ready": self.ready,
            "at": self.at.isoformat(),
            "findings": [f.document() for f in self.findings],
        }
