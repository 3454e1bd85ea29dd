"""Shared fixtures: the data build the unit and page tests read, and the databases."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from ecology.sources import build

# The register's tests run on SQLite and on a real PostgreSQL server. `.ci/run` and
# `make test` start one and pass its URL here; without it the PostgreSQL half is
# skipped on a developer's machine and fails in CI.
POSTGRES_URL = os.environ.get("ECOLOGY_TEST_DATABASE_URL", "")
REGISTER_TABLES = ("changes", "assets", "practitioners", "maturity_assessments", "meta", "schema_migrations",
                   "alembic_version")

# The app under test (page tests in this process, browser tests in servers started
# from it) gets a register of its own, seeded on first open, never the user's.
_APP_REGISTER = Path(tempfile.mkdtemp(prefix="ecology-test-register-")) / "register.sqlite3"
os.environ["ECOLOGY_DATABASE_URL"] = f"sqlite:///{_APP_REGISTER}"
# ... and a folder of its own for the snapshots its servers keep (ecology.snapshots), never the user's.
os.environ["ECOLOGY_SNAPSHOTS_DIR"] = str(_APP_REGISTER.parent / "snapshots")
# Pages report an error to viewers as a short id (ecology.ui.shell.errors_reported); tests want the
# exception itself, so AppTest's `at.exception` and the browser tests still see every failure.
os.environ["ECOLOGY_RAISE_PAGE_ERRORS"] = "1"


@pytest.fixture(scope="session")
def built() -> None:
    """Make sure data/build is complete (a no-op when it is up to date), and the app's test
    register made and seeded from it (commands that only read never make one)."""
    from ecology.register import startup

    build.build(report=lambda _message: None)
    startup.open_register(None).engine.dispose()


def _empty_postgres(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in REGISTER_TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    """Return the URL of an empty database: a SQLite file, or the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.sqlite3'}"
    if not POSTGRES_URL:
        message = "ECOLOGY_TEST_DATABASE_URL is not set: start PostgreSQL with .ci/start-postgres"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return _empty_postgres(POSTGRES_URL)
