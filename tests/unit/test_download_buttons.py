"""Every download button in the app leaves the page as it is: its click fetches the file and does
not rerun the script. A rerun would redraw the whole page (maps included) for nothing, and the
file ids of the other download buttons would change under a user clicking them one after another."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "ecology").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])


def _download_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == "download_button"]


def _on_click(call: ast.Call):
    for keyword in call.keywords:
        if keyword.arg == "on_click":
            return keyword.value.value if isinstance(keyword.value, ast.Constant) else ast.unparse(keyword.value)
    return None


def test_the_app_has_download_buttons_to_check():
    found = sum(len(_download_calls(path)) for path in SOURCES)
    assert found >= 10, f"only {found} download_button calls found: has the layout moved?"


def test_every_download_button_does_not_rerun_the_page():
    rerunning = [f"{path.relative_to(ROOT)}:{call.lineno} on_click={_on_click(call)!r}"
                 for path in SOURCES for call in _download_calls(path) if _on_click(call) != "ignore"]
    assert rerunning == []
