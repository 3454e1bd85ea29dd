"""Packaging: the locks pin what requirements*.txt and pyproject.toml name, every entry with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if found:
            pins[found.group(1).lower().replace("_", "-")] = found.group(2)
    return pins


def _entries(lock: Path) -> list[str]:
    return re.split(r"\n(?=[a-z0-9])", lock.read_text(encoding="utf-8").strip())


def test_each_lock_pins_what_its_requirements_name_and_every_entry_has_a_hash():
    for requirements, lock in (("requirements.txt", "requirements.lock"),
                               ("requirements-test.txt", "requirements-test.lock")):
        wanted, locked = _pins(ROOT / requirements), _pins(ROOT / lock)
        if requirements == "requirements-test.txt":
            wanted |= _pins(ROOT / "requirements.txt")
        assert {name: locked.get(name) for name in wanted} == wanted, lock
        assert all("--hash=sha256:" in entry for entry in _entries(ROOT / lock) if "==" in entry), lock
        assert "file://" not in (ROOT / lock).read_text(encoding="utf-8")  # no machine's own index


def test_the_package_declares_the_same_pins_and_ships_its_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {}
    for requirement in project["project"]["dependencies"] + project["project"]["optional-dependencies"]["postgres"]:
        name, version = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(.+)", requirement).groups()
        declared[name.lower().replace("_", "-")] = version
    assert declared == _pins(ROOT / "requirements.txt")
    assert project["project"]["scripts"]["ecology"] == "ecology.cli.main:main"
    shipped = project["tool"]["setuptools"]["package-data"]["ecology"]
    for data in (ROOT / "ecology" / "data").iterdir():
        assert any(Path(data.name).match(pattern.split("/")[-1]) for pattern in shipped if pattern.startswith("data/"))


def test_the_package_ships_every_file_the_code_reads_beside_it():
    # mapview reads leaflet_map.js from beside itself: an installed package without it draws no map.
    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["ecology"]
    beside = [path.relative_to(ROOT / "ecology") for path in (ROOT / "ecology").rglob("*")
              if path.is_file() and path.suffix not in (".py", ".pyc") and "data" not in path.parts
              and "__pycache__" not in path.parts and "migrations" not in path.parts]
    assert beside, "expected at least the map component's script"
    for path in beside:
        assert any(path.match(pattern) for pattern in shipped), f"{path} is not in the package data"
