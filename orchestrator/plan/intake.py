"""The front door: plan files in, validated models or every located problem out.

Nothing here raises on bad input. Whatever a file holds (nothing, binary, a bomb, a plan with forty mistakes),
the caller gets a `LoadedPlan` whose problems say where and what, in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from .checks import structural_findings, unknown_keys
from .documents import parse_json, parse_yaml
from .errors import FatalInput, IntakeError, LineLocator, Locator, Path, Severity
from .limits import DEFAULT_LIMITS, Limits
from .messages import translate
from .models import MigrationPlan
from .references import cross_findings

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx"}


@dataclass
class LoadedPlan:
    file: str
    plan: MigrationPlan | None
    problems: list[IntakeError] = field(default_factory=list)
    locator: Locator = field(default_factory=Locator, repr=False)
    document: Any = field(default=None, repr=False)
    """The plain document as read, before validation (None when the file could not be read at all)."""

    @property
    def department_code(self) -> str | None:
        """The department the file says it is for, even when the plan has errors elsewhere."""
        department = self.document.get("department") if isinstance(self.document, dict) else None
        code = department.get("code") if isinstance(department, dict) else None
        return str(code).strip() if isinstance(code, str | int) else None

    @property
    def system_count(self) -> int:
        """How many systems the file lists, even when some of them have errors."""
        if self.plan is not None:
            return len(self.plan.systems)
        systems = self.document.get("systems") if isinstance(self.document, dict) else None
        return len(systems) if isinstance(systems, list) else 0

    def add(self, path: Path, code: str, zh: str, en: str, severity: Severity = "error") -> None:
        self.problems.append(IntakeError(self.file, self.locator.locate(path), zh, en, code, severity, path))

    @property
    def ok(self) -> bool:
        return self.plan is not None and not any(p.severity == "error" for p in self.problems)


@dataclass
class Intake:
    """Every file of one run, after cross-plan references were checked."""

    loaded: list[LoadedPlan]

    @property
    def plans(self) -> list[MigrationPlan]:
        return [item.plan for item in self.loaded if item.ok and item.plan is not None]

    @property
    def errors(self) -> list[IntakeError]:
        return [p for item in self.loaded for p in item.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[IntakeError]:
        return [p for item in self.loaded for p in item.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_document(data: Any, loaded: LoadedPlan) -> LoadedPlan:
    """Model validation and the structural checks, all reported together."""
    if not isinstance(data, dict):
        loaded.add(
            (),
            "not_a_plan",
            "文件内容不是迁移计划（顶层应为字段映射）",
            "the file is not a plan (expected a mapping)",
        )
        return loaded
    for path, code, zh, en in structural_findings(data):
        loaded.add(path, code, zh, en)
    try:
        plan = MigrationPlan.model_validate(data)
    except ValidationError as exc:
        said = {p.path for p in loaded.problems if p.severity == "error"}
        for error in exc.errors(include_url=False):
            if tuple(error["loc"]) in said:
                continue  # the reader already said what is wrong there (a formula in the cell, say)
            code, zh, en = translate(error)
            loaded.add(tuple(error["loc"]), code, zh, en)
        return loaded
    for path, code, zh, en in unknown_keys(plan):
        loaded.add(path, code, zh, en, "warning")
    loaded.plan = plan
    return loaded


def load_bytes(raw: bytes, name: str, fmt: str, limits: Limits = DEFAULT_LIMITS) -> LoadedPlan:
    """One plan from its bytes; `fmt` is yaml, json or xlsx."""
    loaded = LoadedPlan(name, None)
    try:
        if len(raw) > limits.max_bytes:
            mib, cap = len(raw) // 1024 // 1024, limits.max_bytes // 1024 // 1024
            raise FatalInput(
                "too_large",
                f"文件过大（{mib} MiB），上限 {cap} MiB",
                f"file too large ({mib} MiB); the limit is {cap} MiB",
            )
        if fmt == "xlsx":
            from . import excel_read  # openpyxl, loaded for a workbook only

            data, loaded.locator, problems = excel_read.read_workbook(raw, limits)
        else:
            text = _text(raw)
            data, marks, problems = (parse_json if fmt == "json" else parse_yaml)(text, limits)
            loaded.locator = LineLocator(marks)
        if data is None:
            raise FatalInput("empty", "文件为空", "the file is empty")
    except FatalInput as fatal:
        loaded.problems.append(IntakeError(name, fatal.location, fatal.zh, fatal.en, fatal.code))
        return loaded
    for path, code, zh, en in problems:
        loaded.add(path, code, zh, en)
    loaded.document = data
    return validate_document(data, loaded)


def _text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FatalInput(
            "not_text",
            f"文件不是 UTF-8 文本（第 {exc.start} 字节）",
            f"the file is not UTF-8 text (byte {exc.start})",
        ) from None
    if "\x00" in text:
        raise FatalInput("not_text", "文件含有二进制内容", "the file holds binary content")
    return text


def load_file(path: FsPath, limits: Limits = DEFAULT_LIMITS) -> LoadedPlan:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return _refused(
            path,
            "unknown_format",
            "不支持的文件类型（应为 .yaml、.yml、.json 或 .xlsx）",
            "unsupported file type (expected .yaml, .yml, .json or .xlsx)",
        )
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            mib, cap = size // 1024 // 1024, limits.max_bytes // 1024 // 1024
            return _refused(
                path,
                "too_large",
                f"文件过大（{mib} MiB），上限 {cap} MiB",
                f"file too large ({mib} MiB); the limit is {cap} MiB",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        return _refused(path, "not_found", "文件不存在", "no such file")
    except OSError as exc:
        return _refused(
            path, "unreadable", f"无法读取文件（{exc.strerror}）", f"cannot read the file: {exc.strerror}"
        )
    return load_bytes(raw, str(path), fmt, limits)


def _refused(path: FsPath, code: str, zh: str, en: str) -> LoadedPlan:
    return LoadedPlan(str(path), None, [IntakeError(str(path), "(file)", zh, en, code)])


def expand(paths: Iterable[FsPath]) -> list[FsPath]:
    """Files as given, and the plan files below each folder, in a stable order."""
    out: list[FsPath] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in FORMATS and not p.name.startswith(("~$", "."))
            )
        else:
            out.append(path)
    return out


def load_paths(paths: Sequence[FsPath], limits: Limits = DEFAULT_LIMITS) -> Intake:
    """Every plan under `paths`, each validated, then their cross-department references checked together."""
    loaded = [load_file(path, limits) for path in expand(paths)]
    return check_portfolio(loaded)


def check_portfolio(loaded: list[LoadedPlan]) -> Intake:
    valid = [item for item in loaded if item.ok]
    for n, path, code, severity, zh, en in cross_findings(item.plan for item in valid if item.plan):
        valid[n].add(path, code, zh, en, "error" if severity == "error" else "warning")
    return Intake(loaded)
