"""YAML and JSON text into plain data plus the line of every field, refusing aliases, depth and size bombs.

PyYAML's own loaders expand aliases (the "billion laughs") and forget where each value stood. Composing the node
graph ourselves, on libyaml's C parser where present, lets us refuse an alias the moment it appears, cap depth and
node count before anything is built, and keep each node's line for error messages.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .errors import FatalInput, Path
from .limits import Limits

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - libyaml is in every wheel we install
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


Marks = dict[Path, tuple[int, int]]
Problem = tuple[Path, str, str, str]  # path, code, zh, en


class _GuardedLoader(Composer, _Parser, SafeConstructor, Resolver):
    def __init__(self, text: str, limits: Limits) -> None:
        _Parser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.limits, self.depth, self.nodes = limits, 0, 0

    def _here(self) -> str:
        event = self.peek_event()
        mark = event.start_mark if event is not None else None
        return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(file)"

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            raise FatalInput(
                "yaml_alias",
                "计划中不允许使用 YAML 别名（*引用）：请直接写出取值",
                "YAML aliases (*references) are not allowed in a plan: write the values out",
                self._here(),
            )
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise FatalInput("too_many_nodes", "文档元素过多", "the document has too many elements")
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise FatalInput(
                "too_deep",
                f"嵌套超过 {self.limits.max_depth} 层",
                f"nesting deeper than {self.limits.max_depth} levels",
                self._here(),
            )
        try:
            node: Node | None = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        return node


def _scalar(loader: _GuardedLoader, node: ScalarNode) -> Any:
    try:
        return loader.construct_object(node)
    except (ValueError, OverflowError, yaml.YAMLError):
        return node.value  # "2027-02-30" stays text, so the model reports an impossible date where it stands


def _build(loader: _GuardedLoader, node: Node, path: Path, marks: Marks, problems: list[Problem]) -> Any:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, ScalarNode):
        return _scalar(loader, node)
    if isinstance(node, SequenceNode):
        return [_build(loader, item, (*path, i), marks, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _scalar(loader, key_node) if isinstance(key_node, ScalarNode) else None
        if not isinstance(key, str | int | float | bool) or key is None:
            raise FatalInput(
                "bad_key",
                "映射的键必须是简单文本",
                "mapping keys must be plain text",
                f"line {key_node.start_mark.line + 1}, column {key_node.start_mark.column + 1}",
            )
        key = str(key)
        if key in out:
            problems.append(
                (
                    (*path, key),
                    "duplicate_key",
                    f"字段「{key}」重复出现，只能写一次",
                    f"key '{key}' appears twice",
                )
            )
        out[key] = _build(loader, value_node, (*path, key), marks, problems)
    return out


def parse_yaml(text: str, limits: Limits) -> tuple[Any, Marks, list[Problem]]:
    """The single document in `text` as plain data, with the line and column of every field."""
    loader = None
    try:
        loader = _GuardedLoader(text, limits)
        root = loader.get_single_node()
        marks: Marks = {}
        problems: list[Problem] = []
        data = None if root is None else _build(loader, root, (), marks, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        if "nesting depth" in str(exc.problem):
            # libyaml (PyYAML >= 6.0.4) stops runaway flow nesting in its scanner, before the composer's own
            # limit is reached: the same refusal, said the same way.
            raise FatalInput(
                "too_deep",
                f"嵌套超过 {limits.max_depth} 层",
                f"nesting deeper than {limits.max_depth} levels",
                where,
            ) from None
        raise FatalInput(
            "yaml_syntax", f"YAML 语法错误：{exc.problem}", f"YAML syntax error: {exc.problem}", where
        ) from None
    except yaml.YAMLError as exc:
        raise FatalInput("yaml_syntax", f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, marks, problems


def parse_json(text: str, limits: Limits) -> tuple[Any, Marks, list[Problem]]:
    """JSON is read by the json module (the authority on syntax); lines come from a YAML pass where it agrees."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FatalInput(
            "json_syntax",
            f"JSON 语法错误：{exc.msg}",
            f"JSON syntax error: {exc.msg}",
            f"line {exc.lineno}, column {exc.colno}",
        ) from None
    except RecursionError:
        raise FatalInput("too_deep", "JSON 嵌套过深", "JSON nesting is too deep") from None
    _check_depth(data, limits.max_depth)
    try:
        _, marks, problems = parse_yaml(text, limits)
    except FatalInput:
        marks, problems = {}, []
    return data, marks, problems


def _check_depth(data: Any, limit: int) -> None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise FatalInput("too_deep", f"嵌套超过 {limit} 层", f"nesting deeper than {limit} levels")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
