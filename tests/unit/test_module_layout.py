"""The package's shape: the core never imports streamlit, no import cycle among ecology's modules
(counting imports inside functions too), and the modules split from the register stay small."""

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


def test_there_is_no_import_cycle_among_the_registers_and_readers_modules():
    graph = _graph()
    # A package imports its own submodules (ecology.ui -> ecology.ui.loaders): not a cycle of modules.
    edges = {a: {b for b in targets if not b.startswith(a + ".") and a != "ecology"} for a, targets in graph.items()}
    cycles = []
    for start in ("ecology.register.store", "ecology.register.database", "ecology.register.tables", "ecology.register.writing",
                  "ecology.register.readers", "ecology.register.ingest", "ecology.schema", "ecology.places.crs"):
        seen, stack = set(), [(start, (start,))]
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join((*path, nxt)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*path, nxt)))
    assert cycles == []


def test_the_register_modules_are_under_500_lines():
    for name in ("store.py", "register_engine.py", "register_tables.py", "register_import.py", "schema.py", "crs.py"):
        assert len((PACKAGE / name).read_text(encoding="utf-8").splitlines()) < 500, name
