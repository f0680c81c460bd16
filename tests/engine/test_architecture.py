"""The engine's import structure, read from the source with `ast` (nothing is imported).

docs/architecture.md draws the layers: `wire` and `signal` import nothing else of the engine,
`detection` imports them, `clinical` imports detection (and what lies below it), `cli` anything;
`arrays` and `validation` are shared by all. The engine never imports Home Assistant or the
integration around it, no module imports itself through a cycle, and no module re-exports a name
it imported (`__all__` lists only what a module defines).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import custom_components.retro_balance.engine as engine_package

ENGINE = Path(engine_package.__file__).parent
SIMULATOR = ENGINE.parents[2] / "pad_simulator"
DEVTOOLS = ENGINE.parents[2] / "devtools"
ENGINE_NAME = "custom_components.retro_balance.engine"

SHARED = frozenset({"arrays", "validation"})
"""Root modules every layer may use; they import nothing of the engine themselves."""

LAYERS: dict[str, frozenset[str]] = {
    "wire": frozenset(),
    "signal": frozenset(),
    "detection": frozenset({"signal", "wire"}),
    "clinical": frozenset({"detection", "signal", "wire"}),
    "trends": frozenset({"clinical", "detection", "signal", "wire"}),
    "coach": frozenset({"clinical", "detection", "signal", "wire"}),
    "cli": frozenset({"trends", "coach", "clinical", "detection", "signal", "wire"}),
    "__main__": frozenset({"cli"}),
}
"""Which parts of the engine each part may import (besides itself and `SHARED`)."""


@dataclass(frozen=True, slots=True)
class Import:
    """One imported module, as seen in `source` at `line`."""

    source: str
    target: str
    line: int


def module_name(path: Path, root: Path, package: str) -> str:
    """Dotted name of the module at `path` inside the package rooted at `root`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(path, root, package): path for path in sorted(root.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[Import]:
    """The modules `path` imports (relative imports resolved; `from p import m` → `p.m`)."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = name.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                if keep < 1:
                    raise AssertionError(f"{name}:{node.lineno}: relative import above the root")
                base = ".".join(parts[:keep] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            yield Import(name, base, node.lineno)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield Import(name, f"{base}.{alias.name}", node.lineno)


def import_graph(root: Path, package: str) -> tuple[dict[str, Path], list[Import]]:
    """The package's modules and every import they make."""
    found = modules(root, package)
    known = set(found)
    edges = [edge for name, path in found.items() for edge in imports_of(name, path, known)]
    return found, edges


def cycles(nodes: set[str], edges: list[Import]) -> list[list[str]]:
    """Strongly connected groups of more than one module, or a module importing itself."""
    graph: dict[str, set[str]] = {node: set() for node in nodes}
    for edge in edges:
        if edge.target in nodes:
            graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def part_of(name: str) -> str:
    """The engine part a module belongs to: its sub-package, or the root module's name."""
    rest = name.removeprefix(ENGINE_NAME).lstrip(".")
    return rest.split(".")[0] if rest else ""


ENGINE_MODULES, ENGINE_IMPORTS = import_graph(ENGINE, ENGINE_NAME)


def outside_imports(edges: list[Import]) -> list[str]:
    """Imports of Home Assistant, the integration, the simulator or the tests."""
    return [
        f"{edge.source}:{edge.line} imports {edge.target}"
        for edge in edges
        if edge.target.split(".")[0] in ("homeassistant", "pad_simulator", "tests")
        or (edge.target.startswith("custom_components") and not edge.target.startswith(ENGINE_NAME))
    ]


def test_the_graph_sees_the_engine() -> None:
    """A guard for the tests below: they would pass on an empty graph."""
    assert f"{ENGINE_NAME}.detection.stance" in ENGINE_MODULES
    pairs = {(edge.source, edge.target) for edge in ENGINE_IMPORTS}
    assert (f"{ENGINE_NAME}.wire.sequencing", f"{ENGINE_NAME}.wire.messages") in pairs
    # `from . import sway_norms` is an import of the module, not only of the package
    assert (f"{ENGINE_NAME}.clinical.sway_reference", f"{ENGINE_NAME}.clinical.sway_norms") in pairs


def test_the_checks_catch_a_cycle_and_a_home_assistant_import(tmp_path: Path) -> None:
    """The checkers themselves, on a package made to break both rules."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    (package / "sub" / "b.py").write_text("from ..a import X\n")
    (package / "c.py").write_text("def f():\n    from homeassistant.core import HomeAssistant\n")
    found, edges = import_graph(package, "pkg")
    assert cycles(set(found), edges) == [["pkg.a", "pkg.sub.b"]]
    assert outside_imports(edges) == ["pkg.c:2 imports homeassistant.core"]


def test_no_import_cycle_in_the_engine() -> None:
    assert cycles(set(ENGINE_MODULES), ENGINE_IMPORTS) == []


@pytest.mark.parametrize(
    ("root", "package", "example"),
    [
        (SIMULATOR, "pad_simulator", "pad_simulator.device"),
        (DEVTOOLS, "devtools", "devtools.stack"),
    ],
)
def test_no_import_cycle_in_the_simulator_and_the_devtools(
    root: Path, package: str, example: str
) -> None:
    found, edges = import_graph(root, package)
    assert example in found
    assert cycles(set(found), edges) == []


def test_cycles_are_found() -> None:
    """The checker itself: a two-module loop and a self-import are reported, a chain is not."""
    loop = [Import("a", "b", 1), Import("b", "a", 1), Import("b", "c", 2), Import("d", "d", 1)]
    assert cycles({"a", "b", "c", "d"}, loop) == [["a", "b"], ["d"]]
    assert cycles({"a", "b", "c"}, [Import("a", "b", 1), Import("b", "c", 1)]) == []


def test_the_engine_imports_neither_home_assistant_nor_the_integration() -> None:
    assert outside_imports(ENGINE_IMPORTS) == []


def test_every_import_follows_the_layers() -> None:
    parts = {part_of(name) for name in ENGINE_MODULES} - {""}
    assert parts - SHARED <= set(LAYERS), (
        f"engine parts without a layer rule: {sorted(parts - SHARED - set(LAYERS))}; "
        "add them to LAYERS here and to docs/architecture.md"
    )
    wrong = []
    for edge in ENGINE_IMPORTS:
        if not edge.target.startswith(ENGINE_NAME + ".") or edge.target == ENGINE_NAME:
            continue
        source, target = part_of(edge.source), part_of(edge.target)
        if source in ("", target) or (target in SHARED and source not in SHARED):
            continue
        allowed = LAYERS.get(source, frozenset())
        if target not in allowed:
            wrong.append(f"{edge.source}:{edge.line} ({source}) imports {edge.target} ({target})")
    assert wrong == []


@pytest.mark.parametrize("name", sorted(ENGINE_MODULES), ids=lambda name: part_of(name) or "root")
def test_no_module_reexports_what_it_imports(name: str) -> None:
    tree = ast.parse(ENGINE_MODULES[name].read_text())
    imported: set[str] = set()
    exported: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            for alias in node.names:
                if alias.asname is not None and alias.asname == alias.name:
                    exported.append(alias.name)  # `import x as x`: the re-export idiom
                imported.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            exported += [
                element.value
                for element in ast.walk(node.value)
                if isinstance(element, ast.Constant) and isinstance(element.value, str)
            ]
    assert sorted(set(exported) & imported) == []
