"""Every setting the app, the build and the commands read from the environment, in one place.

``VARIABLES`` is the table the README's "Settings" section shows (a test checks they agree);
``current()`` reads them now, so a changed environment (a test's monkeypatch, a new shell)
takes effect at the next call. No other module reads ``ECOLOGY_*`` variables itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT.parent / "shared" / "data" / "raw"
DEFAULT_DATABASE = PROJECT_ROOT / "data" / "register" / "ecology.sqlite3"
DEFAULT_PUBLIC_URL = "http://localhost:8501"
DEFAULT_STALE_MONTHS = 12


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # as the README shows it
    meaning: str


VARIABLES = (
    Variable("ECOLOGY_RAW_DIR", "`../shared/data/raw` when it exists",
             "the local mirror of raw source files (`<dataset>/<file>`)"),
    Variable("ECOLOGY_DOWNLOAD_BASE", "unset", "a web address serving the mirror's layout; used for files not in the mirror"),
    Variable("ECOLOGY_CACHE_DIR", "`data/cache`", "where downloaded raw files are kept"),
    Variable("ECOLOGY_SNAPSHOTS_DIR", "`snapshots/` in the cache folder",
             "where a server keeps the tables it computed, for the next start (safe to delete)"),
    Variable("ECOLOGY_BUILD_DIR", "`data/build`", "where the build writes and the app reads"),
    Variable("ECOLOGY_TILES", "`none`", "basemap: `none` (no outside requests), `osm` (OpenStreetMap), or a "
             "`{z}/{x}/{y}` URL template"),
    Variable("ECOLOGY_TILES_ATTRIBUTION", "–", "the credit line for a custom tile layer"),
    Variable("ECOLOGY_DATABASE_URL", "SQLite file `data/register/ecology.sqlite3`",
             "the register's database (SQLAlchemy URL, e.g. PostgreSQL)"),
    Variable("ECOLOGY_STALE_MONTHS", "`12`", "months without verification before a record is listed as stale"),
    Variable("ECOLOGY_EDITOR_PASSWORD_HASH", "unset", "one editor's password hash (see \"Editors: signing in\")"),
    Variable("ECOLOGY_EDITOR_NAME", "`editor`", "the name of that editor"),
    Variable("ECOLOGY_PUBLIC_URL", f"`{DEFAULT_PUBLIC_URL}`",
             "the app's address, for the \"reopen this view\" link of a briefing made by the command"),
    Variable("ECOLOGY_TEST_DATABASE_URL", "set by `make test` as root",
             "the PostgreSQL server the register's tests also run on (tests only)"),
    Variable("ECOLOGY_SEEDS_DIR", "`../shared/seeds`", "the seed documents the maturity quotes are checked against "
             "(tests only)"),
    Variable("ECOLOGY_EVIDENCE_FILE", "`../shared/evidence/ics_creative_health_evidence_2026-12.csv`",
             "the reviewed web evidence the maturity decisions are checked against (tests only)"),
    Variable("ECOLOGY_RAISE_PAGE_ERRORS", "unset", "set by the test suite: a page's error is raised, not shown as "
             "an id (tests only)"),
)
NAMES = frozenset(v.name for v in VARIABLES)


@dataclass(frozen=True)
class Settings:
    raw_dir_setting: str  # ECOLOGY_RAW_DIR as given ("" when unset): see raw_dir
    download_base: str | None
    cache_dir: Path
    snapshots_dir: Path
    build_dir: Path
    tiles: str
    tiles_attribution: str
    database_url: str
    stale_months: int
    editor_password_hash: str
    editor_name: str
    public_url: str
    raise_page_errors: bool

    @property
    def raw_dir(self) -> Path | None:
        """Return the raw mirror, or None when there is none (the build downloads). A configured
        mirror wins even when missing, so a typo is reported rather than ignored; looked up only
        when asked, so reading the settings on a page's rerun touches no disk."""
        if self.raw_dir_setting:
            return Path(self.raw_dir_setting).expanduser()
        return DEFAULT_RAW_DIR if DEFAULT_RAW_DIR.is_dir() else None

    @property
    def editor_environment(self) -> dict[str, str]:
        """Return the two editor variables as ``auth.resolve`` reads them."""
        return {"ECOLOGY_EDITOR_PASSWORD_HASH": self.editor_password_hash, "ECOLOGY_EDITOR_NAME": self.editor_name}


def _months(text: str) -> int:
    return int(text) if text.strip().isdigit() and int(text) > 0 else DEFAULT_STALE_MONTHS


def current(environ: Mapping[str, str] | None = None) -> Settings:
    """Return the settings from ``environ`` (default: the process environment, read now)."""
    env = os.environ if environ is None else environ
    return Settings(
        raw_dir_setting=env.get("ECOLOGY_RAW_DIR") or "",
        download_base=env.get("ECOLOGY_DOWNLOAD_BASE") or None,
        cache_dir=Path(env.get("ECOLOGY_CACHE_DIR") or PROJECT_ROOT / "data" / "cache"),
        snapshots_dir=Path(env.get("ECOLOGY_SNAPSHOTS_DIR") or Path(env.get("ECOLOGY_CACHE_DIR") or PROJECT_ROOT / "data"
                                                                     / "cache") / "snapshots"),
        build_dir=Path(env.get("ECOLOGY_BUILD_DIR") or PROJECT_ROOT / "data" / "build"),
        tiles=(env.get("ECOLOGY_TILES") or "none").strip(),
        tiles_attribution=env.get("ECOLOGY_TILES_ATTRIBUTION") or "Basemap: see configuration",
        database_url=env.get("ECOLOGY_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE}",
        stale_months=_months(env.get("ECOLOGY_STALE_MONTHS", "")),
        editor_password_hash=(env.get("ECOLOGY_EDITOR_PASSWORD_HASH") or "").strip(),
        editor_name=(env.get("ECOLOGY_EDITOR_NAME") or "").strip(),
        public_url=(env.get("ECOLOGY_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
        raise_page_errors=bool(env.get("ECOLOGY_RAISE_PAGE_ERRORS")),
    )


def readme_rows() -> list[str]:
    """Return the README's settings table rows, one per variable."""
    return [f"| `{v.name}` | {v.default} | {v.meaning} |" for v in VARIABLES]
