"""The register going away mid-session (PostgreSQL through a forwarder the test cuts), and a
register this version cannot open: plain words on the page and in the commands, nothing lost,
and the next rerun recovers once the database is back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from tests.page.page_runner import open_page
from tests.page.tcp_proxy import TcpProxy

from ecology.register import store

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("ECOLOGY_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.usefixtures("built")
AWAY = "cannot be reached just now"


@pytest.fixture
def postgres_via_proxy(monkeypatch):
    """An empty PostgreSQL register reached through a TcpProxy; the app's URL points at the proxy."""
    if not POSTGRES_URL:
        message = "ECOLOGY_TEST_DATABASE_URL is not set: start PostgreSQL with .ci/start-postgres"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    direct = sa.engine.make_url(POSTGRES_URL)
    engine = sa.create_engine(direct)
    with engine.begin() as conn:
        for table in ("changes", "assets", "practitioners", "maturity_assessments", "meta", "schema_migrations",
                      "alembic_version"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    engine.dispose()
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432).start()
    url = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    monkeypatch.setenv("ECOLOGY_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield proxy, url
    proxy.stop()
    st.cache_resource.clear()
    st.cache_data.clear()


def _shown_count(at) -> str:
    return next(m.value for m in at.markdown if "assets**" in m.value)


def test_postgresql_going_away_mid_session_is_said_plainly_and_the_page_recovers_when_it_returns(postgres_via_proxy):
    proxy, _url = postgres_via_proxy
    at = open_page("pages/1_Assets.py", place="Bradford")
    before = _shown_count(at)

    proxy.stop()  # the server goes away while the session is open
    at.run()
    assert not at.exception
    message = next(e.value for e in at.error if AWAY in e.value)
    assert "Nothing was changed or lost" in message and "Traceback" not in message
    assert "127.0.0.1" not in message and "psycopg" not in message  # no server details for viewers
    assert any(b.label == "Try again" for b in at.button)
    assert not any("assets**" in m.value for m in at.markdown)  # no half-drawn figures

    proxy.start()  # back on the same address: the same open register reconnects
    next(b for b in at.button if b.label == "Try again").click().run()
    assert not at.exception and not any(AWAY in e.value for e in at.error)
    assert _shown_count(at) == before


def test_a_save_while_postgresql_is_away_is_refused_whole_and_goes_through_once_it_returns(postgres_via_proxy):
    proxy, url = postgres_via_proxy
    register = store.Store.open(url)
    register.add("assets", {"asset_id": "t:1", "name": "Before", "is_sample": False}, who="tester")
    version = int(register.records("assets").set_index("asset_id").at["t:1", "version"])

    proxy.stop()
    with pytest.raises(sa.exc.DBAPIError) as failed:
        register.update("assets", "t:1", {"name": "During"}, expected_version=version, who="tester")
    assert store.unavailable(failed.value)

    proxy.start()
    assert register.records("assets").set_index("asset_id").at["t:1", "name"] == "Before"  # nothing half-written
    register.update("assets", "t:1", {"name": "After"}, expected_version=version, who="tester")
    after = register.records("assets").set_index("asset_id")
    assert after.at["t:1", "name"] == "After" and int(after.at["t:1", "version"]) == version + 1
    assert len(register.history(kind="assets", record_id="t:1")) == 2  # the add and one update: the failed save left no trace
    register.engine.dispose()


def _command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecology", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_a_command_says_in_one_line_that_postgresql_is_away(postgres_via_proxy):
    proxy, url = postgres_via_proxy
    store.Store.open(url).engine.dispose()
    proxy.stop()
    done = _command("clusters", "--database", url)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error: the register could not be read or written")


@pytest.fixture
def newer_register(tmp_path, monkeypatch) -> tuple[str, Path]:
    path = tmp_path / "newer.sqlite3"
    url = f"sqlite:///{path}"
    register = store.Store.open(url)
    register.add("assets", {"asset_id": "t:1", "name": "From the future", "is_sample": False}, who="tester")
    with register.engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    register.engine.dispose()
    monkeypatch.setenv("ECOLOGY_DATABASE_URL", url)
    st.cache_resource.clear()
    yield url, path
    st.cache_resource.clear()


def test_a_newer_register_is_refused_in_plain_words_by_the_page_and_the_command_and_left_unchanged(newer_register):
    url, path = newer_register
    before = path.read_bytes()
    at = open_page("pages/1_Assets.py", place="Bradford")
    message = next(e.value for e in at.error if "could not be opened" in e.value)
    assert "made by a newer version" in message and "(schema revision 0099)" in message
    done = _command("clusters", "--database", url)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"error: {store.NewerSchema('0099')}"]
    assert path.read_bytes() == before


def test_a_briefing_asked_for_while_the_register_is_away_is_a_one_page_note_saying_so(monkeypatch):
    from ecology.places import geography
    from ecology.ui import loaders, shell

    def away(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(loaders, "briefing_file", away)
    tree = geography.PlaceTree.from_table(geography.place_table())
    context = shell.PageContext(tree, "E08000032", shell.ALL_THEMES)
    note = shell._briefing_download(context, None, "http://example.test/?place=Bradford", "html").decode()
    assert "Bradford: briefing not made" in note and "could not be reached" in note
    assert shell._briefing_download(context, None, "", "pdf").startswith(b"%PDF")
