"""The package's shape: subpackages along its seams, the core never imports streamlit, no import cycle
among ecology's modules (counting imports inside functions too), and no module of 500 lines or more."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ecology"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _walk_run_time(tree: ast.AST):
    """Yield every node, leaving out ``if TYPE_CHECKING:`` blocks (imports for annotations only)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _imports(path: Path) -> set[str]:
    """Return every ecology module this file imports at run time, anywhere in it."""
    found = set()
    for node in _walk_run_time(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ecology")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ecology"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations/versions" not in str(p)}
    return {name: {i for i in _imports(path) if i in modules and i != name} for name, path in modules.items()}


def test_the_core_never_imports_streamlit():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(n == "streamlit" or n.startswith("streamlit.") or n.startswith("streamlit_") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    """Return one path per import cycle found (a package importing its own submodules is not one)."""
    edges = {a: {b for b in targets if not b.startswith(a + ".")} for a, targets in graph.items()}
    cycles = []
    for start in sorted(edges):
        seen, stack = set(), [(start, (start,))]
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join((*path, nxt)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*path, nxt)))
    return cycles


def test_the_cycle_finder_finds_a_cycle_of_three():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})[0] == "a -> b -> c -> a"
    assert _cycles({"a": {"a.b"}, "a.b": {"c"}, "c": set()}) == []


def test_there_is_no_import_cycle_among_ecologys_modules():
    assert _cycles(_graph()) == []


def test_no_module_is_500_lines_or_more():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert len(sizes) > 60
    assert {name: n for name, n in sizes.items() if n >= 500} == {}


SUBPACKAGES = {"analysis", "cli", "maps", "places", "register", "reports", "sources", "ui"}


def test_the_package_is_a_few_foundation_modules_over_subpackages_along_its_seams():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == SUBPACKAGES
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= 15, top
    for sub in ("register/ingest", "register/readers"):
        assert len(list((PACKAGE / sub).glob("*.py"))) >= 5, sub  # one module per job or format
