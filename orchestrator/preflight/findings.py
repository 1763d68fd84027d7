"""What a preflight found, in the contract's shape (shared/DOMAIN.md v1.2): each finding names its system (or none,
for the wave), the check, `critical` or `warning`, and says it in Chinese and English. A wave is ready when nothing
critical was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Severity = Literal["critical", "warning"]

CHECKS: dict[str, tuple[str, str]] = {
    "tree": ("渲染目录", "Rendered tree"),
    "tree_changed": ("渲染后被改动", "Changed since render"),
    "unpinned_images": ("镜像未固定摘要", "Images not pinned"),
    "wave_busy": ("批次正在执行", "Wave being run"),
    "already_done": ("批次已完成", "Wave already done"),
    "reachable": ("主机可达", "Host reachable"),
    "precheck": ("主机预检", "Host precheck"),
    "frontend_switch": ("前端可切换", "Front end switchable"),
    "clock_skew": ("主机时钟偏差", "Host clock skew"),
    "health_reachable": ("健康检查地址可探测", "Health URL probed"),
}
"""Each check's name in Chinese and English (the console's ops messages say the same), its code beside it."""


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
