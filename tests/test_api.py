"""The public API is one list; the package has no import cycle; the README names every module."""

from __future__ import annotations

import ast
import importlib
import re
from importlib import metadata
from pathlib import Path

import peerlib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "peerlib"


def _type_checking_imports() -> dict[str, str]:
    """name -> module of the imports under ``if TYPE_CHECKING:`` in ``peerlib/__init__.py``."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    [block] = [
        n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
    ]
    found = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        assert node.level == 1
        for alias in node.names:
            found[alias.asname or alias.name] = str(node.module)
    return found


def test_type_checking_imports_and_lazy_exports_agree() -> None:
    assert _type_checking_imports() == peerlib._EXPORTS


def test_every_public_name_resolves_from_its_module() -> None:
    assert peerlib.__all__ == ["__version__", *sorted(peerlib._EXPORTS)]
    for name, module in peerlib._EXPORTS.items():
        value = getattr(peerlib, name)
        assert getattr(importlib.import_module(f"peerlib.{module}"), name) is value
        assert value.__module__.startswith("peerlib"), name


def test_version_is_the_installed_distributions() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", peerlib.__version__)
    assert metadata.version("peerlib") == peerlib.__version__


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (``build.plan``...)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """The package modules ``name`` imports at module level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    modules = _modules()
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                out.add(sub if sub in modules else target)
    return {m for m in out if m in modules and m != name and m != ""}


def test_the_import_graph_has_no_cycle() -> None:
    # type-checking-only and lazy imports of __init__ are not edges: it imports nothing eagerly
    graph = {name: _imports(name, path) for name, path in _modules().items() if name}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle.extend([*trail, node, nxt])
                return True
            if nxt not in state and visit(nxt, [*trail, node]):
                return True
        state[node] = 2
        return False

    for node in sorted(graph):
        if node not in state and visit(node, []):
            break
    assert cycle == []


def test_the_readme_names_every_public_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("Modules, one concern each:", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_.]+)`", section))
    public = {n for n in _modules() if n and not any(p.startswith("_") for p in n.split("."))}
    assert named == public
