"""Each package is used through its face: the names its `__init__` binds are exactly its `__all__`, no module
reaches past another package's face into its submodules, and neither adapter (cli, web) calls a stage itself.

Read from the source (AST), so the tests see what an import-linter or a reader sees, not what happens to be loaded.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "orchestrator"
PACKAGES = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file())
PAST_A_FACE_ALLOWED: dict[tuple[str, str], str] = {}
"""(importing module, imported module) → why; empty today."""
STAGE_ENTRY_POINTS = {
    "assess",
    "decide",
    "plan_waves",
    "render_artifacts",
    "load_paths",
    "load_file",
    "load_bytes",
    "check_portfolio",
    "build_ledger",
    "annual_files",
    "evaluation_files",
    "inventory_files",
    "WaveExecutor",
    "write_tree",
}
"""What the application layer composes: an adapter that calls one of these is composing stages by hand."""


def _bound(init: Path) -> set[str]:
    """The names a face binds: at import, or on first use (the names under `if TYPE_CHECKING:` that its
    `__getattr__` binds, orchestrator/_lazy.py); what it imports from `typing` is machinery, not a name it shows."""
    names: set[str] = set()
    nodes = list(ast.parse(init.read_text(encoding="utf-8")).body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            nodes += node.body
        elif isinstance(node, ast.ImportFrom) and node.module not in ("__future__", "typing"):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return {n for n in names if not n.startswith("_")}


def _imports(path: Path) -> list[str]:
    """Absolute names of the orchestrator modules `path` imports from."""
    package = list(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])  # an __init__'s is its folder
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.append(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return [f for f in found if f.startswith("orchestrator.")]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_exactly_what_the_face_binds(package: str) -> None:
    face = importlib.import_module(f"orchestrator.{package}")
    declared = set(getattr(face, "__all__", []))
    assert declared == _bound(ROOT / package / "__init__.py")
    assert all(hasattr(face, name) for name in declared)  # a lazily bound name, too, is there when asked


def test_no_module_reaches_past_another_packages_face() -> None:
    past = []
    for path in sorted(ROOT.rglob("*.py")):
        own = path.relative_to(ROOT).parts[0] if len(path.relative_to(ROOT).parts) > 1 else None
        for target in _imports(path):
            parts = target.split(".")
            if len(parts) > 2 and parts[1] != own and parts[1] in PACKAGES:
                importer = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
                if (importer, target) not in PAST_A_FACE_ALLOWED:
                    past.append((importer, target))
    assert past == []


@pytest.mark.parametrize("adapter", ["cli", "web"])
def test_adapters_leave_composing_the_stages_to_the_application_layer(adapter: str) -> None:
    called = []
    for path in sorted((ROOT / adapter).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in STAGE_ENTRY_POINTS:
                    called.append((path.name, node.lineno, name))
    assert called == []


DOOR = {"orchestrator.app", "orchestrator.contracts", "orchestrator._lazy", "orchestrator._gcpause"}
DOOR_CROSSINGS = {("orchestrator.cli.web_cmds", "orchestrator.web")}
"""`govmig serve` starting the web service: the one crossing besides the door (pyproject.toml says so too)."""


@pytest.mark.parametrize("adapter", ["cli", "web"])
def test_adapters_import_of_the_orchestrator_only_the_door(adapter: str) -> None:
    """cli and web stand on the application layer (`Site` and its use cases) and the contracts, nothing else."""
    past = []
    for path in sorted((ROOT / adapter).rglob("*.py")):
        importer = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for target in _imports(path):
            package = ".".join(target.split(".")[:2])
            own = package == f"orchestrator.{adapter}"
            if package not in DOOR and not own and (importer, package) not in DOOR_CROSSINGS:
                past.append((importer, target))
    assert past == []
