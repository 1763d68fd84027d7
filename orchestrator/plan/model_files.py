"""Any pydantic model from a YAML or JSON file (policy settings, measured usage), with intake's located errors.

Plans have their own richer path (intake.py); these smaller documents share its parser, limits and messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .documents import parse_json, parse_yaml
from .errors import FatalInput, IntakeError, LineLocator
from .limits import DEFAULT_LIMITS, Limits
from .messages import translate

M = TypeVar("M", bound=BaseModel)


def load_model(
    path: Path, model: type[M], limits: Limits = DEFAULT_LIMITS
) -> tuple[M | None, list[IntakeError]]:
    """The model in `path`, or None and every problem located in the file."""
    name = str(path)
    try:
        if path.suffix.lower() not in (".yaml", ".yml", ".json"):
            raise FatalInput(
                "unknown_format", "应为 .yaml、.yml 或 .json 文件", "expected a .yaml, .yml or .json file"
            )
        if path.stat().st_size > limits.max_bytes:
            raise FatalInput("too_large", "文件过大", "file too large")
        text = path.read_bytes().decode("utf-8-sig")
        parse = parse_json if path.suffix.lower() == ".json" else parse_yaml
        data, marks, _ = parse(text, limits)
    except FatalInput as fatal:
        return None, [IntakeError(name, fatal.location, fatal.zh, fatal.en, fatal.code)]
    except FileNotFoundError:
        return None, [IntakeError(name, "(file)", "文件不存在", "no such file", "not_found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [
            IntakeError(name, "(file)", f"无法读取文件：{exc}", f"cannot read the file: {exc}", "unreadable")
        ]
    locator = LineLocator(marks)
    try:
        return model.model_validate(data if data is not None else {}), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            code, zh, en = translate(error)
            if error["type"] == "extra_forbidden":
                code, zh, en = (
                    "unknown_field",
                    f"未知参数「{error['loc'][-1]}」",
                    f"unknown setting '{error['loc'][-1]}'",
                )
            path_ = tuple(error["loc"])
            problems.append(IntakeError(name, locator.locate(path_), zh, en, code, "error", path_))
        return None, problems
