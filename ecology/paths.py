"""Where the project's files live, with environment overrides.

Every path the app or the build reads is resolved here so that tests can point
the whole project at temporary folders through environment variables.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ecology import settings
from ecology.settings import DEFAULT_DATABASE, DEFAULT_RAW_DIR, PROJECT_ROOT  # noqa: F401 (named here too)

# The shared mirror of real data sits beside the repository on the team's machines
# and in CI; a user without it can point ECOLOGY_RAW_DIR elsewhere or download.


def raw_dir() -> Path | None:
    """Return the local mirror of raw sources, or None when there is none.

    ``ECOLOGY_RAW_DIR`` wins when set (even if it does not exist, so that a typo
    is reported rather than silently ignored); otherwise ``../shared/data/raw``
    when it exists.
    """
    return settings.current().raw_dir


STAMP_NAME = "build_stamp.json"  # written last by each build; its change marks new data


def build_dir() -> Path:
    """Return the folder the data build writes and the app reads (git-ignored)."""
    return settings.current().build_dir


def cache_dir() -> Path:
    """Return the folder where downloaded raw files are kept (git-ignored)."""
    return settings.current().cache_dir


def authored_data_dir() -> Path:
    """Return the folder of authored, committed data files (taxonomy, maturity framework and
    evidence, the sources manifest): package data, found through importlib.resources so an
    installed package reads them too."""
    return Path(str(resources.files("ecology") / "data"))


def static_dir() -> Path:
    """Return the folder Streamlit serves at ``/app/static/``."""
    return PROJECT_ROOT / "static"


def database_url() -> str:
    """Return the register's SQLAlchemy URL: ``ECOLOGY_DATABASE_URL`` (e.g. a PostgreSQL
    server) or a SQLite file under data/register/ (git-ignored)."""
    return settings.current().database_url
