"""One settings object: every ECOLOGY_* variable is read in ecology/settings.py and listed in the
README's table, exactly as the settings module describes it (no data build needed)."""

from __future__ import annotations

import re
from pathlib import Path

from ecology import settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_table_lists_every_setting_as_the_settings_module_describes_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `ECOLOGY_")]
    assert table == settings.readme_rows()


def test_no_module_but_settings_reads_an_ecology_variable_from_the_environment():
    readers = []
    for path in (ROOT / "ecology").rglob("*.py"):
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"(os\.environ|getenv)\b[^\n]*ECOLOGY_", text):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_every_ecology_variable_named_anywhere_is_a_known_setting():
    named = set()
    for folder in ("ecology", "tests", "pages", ".ci"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in ("", ".py", ".sh", ".toml"):
                named |= set(re.findall(r"ECOLOGY_[A-Z][A-Z_]*[A-Z]", path.read_text(encoding="utf-8", errors="ignore")))
    named -= {"ECOLOGY_EDITOR"}  # the prefix test servers clear
    assert named <= settings.NAMES, sorted(named - settings.NAMES)


def test_settings_are_read_from_the_given_environment_each_time():
    chosen = settings.current({"ECOLOGY_DATABASE_URL": "postgresql+psycopg://h/db", "ECOLOGY_STALE_MONTHS": "6",
                               "ECOLOGY_TILES": " osm ", "ECOLOGY_PUBLIC_URL": "https://example.org/app/",
                               "ECOLOGY_RAW_DIR": "~/mirror"})
    assert chosen.database_url == "postgresql+psycopg://h/db" and chosen.stale_months == 6
    assert chosen.tiles == "osm" and chosen.public_url == "https://example.org/app"
    assert chosen.raw_dir == Path("~/mirror").expanduser()
    default = settings.current({})
    assert default.database_url == f"sqlite:///{settings.DEFAULT_DATABASE}" and default.stale_months == 12
    assert settings.current({"ECOLOGY_STALE_MONTHS": "-3"}).stale_months == 12  # nonsense falls back
