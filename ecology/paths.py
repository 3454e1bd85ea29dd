"""Where the project's files live, with environment overrides.

Every path the app or the build reads is resolved here so that tests can point
the whole project at temporary folders through environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The shared mirror of real data sits beside the repository on the team's machines
# and in CI; a user without it can point ECOLOGY_RAW_DIR elsewhere or download.
DEFAULT_RAW_DIR = PROJECT_ROOT.parent / "shared" / "data" / "raw"


def raw_dir() -> Path | None:
    """Return the local mirror of raw sources, or None when there is none.

    ``ECOLOGY_RAW_DIR`` wins when set (even if it does not exist, so that a typo
    is reported rather than silently ignored); otherwise ``../shared/data/raw``
    when it exists.
    """
    configured = os.environ.get("ECOLOGY_RAW_DIR")
    if configured:
        return Path(configured).expanduser()
    return DEFAULT_RAW_DIR if DEFAULT_RAW_DIR.is_dir() else None


STAMP_NAME = "build_stamp.json"  # written last by each build; its change marks new data


def build_dir() -> Path:
    """Return the folder the data build writes and the app reads (git-ignored)."""
    return Path(os.environ.get("ECOLOGY_BUILD_DIR", PROJECT_ROOT / "data" / "build"))


def cache_dir() -> Path:
    """Return the folder where downloaded raw files are kept (git-ignored)."""
    return Path(os.environ.get("ECOLOGY_CACHE_DIR", PROJECT_ROOT / "data" / "cache"))


def authored_data_dir() -> Path:
    """Return the folder of authored, committed data files (taxonomy and the like)."""
    return PROJECT_ROOT / "data"


def static_dir() -> Path:
    """Return the folder Streamlit serves at ``/app/static/``."""
    return PROJECT_ROOT / "static"


DEFAULT_DATABASE = PROJECT_ROOT / "data" / "register" / "ecology.sqlite3"


def database_url() -> str:
    """Return the register's SQLAlchemy URL: ``ECOLOGY_DATABASE_URL`` (e.g. a PostgreSQL
    server) or a SQLite file under data/register/ (git-ignored)."""
    return os.environ.get("ECOLOGY_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE}"
