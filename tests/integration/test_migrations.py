"""The register's frozen Alembic migrations (ecology.register.migrations, run by store.migrate).

Each test runs on SQLite and PostgreSQL where it takes ``database_url``. A register
made by the first release is tests/fixtures/register-release-1.sqlite3 (see
make_release_1_register.py); on PostgreSQL the same old shape is rebuilt from the
DDL that release ran, and the fixture's rows loaded into it.
"""

from __future__ import annotations

import ast
import datetime as dt
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ecology.register import migrations, store

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
RELEASE_1 = FIXTURES / "register-release-1.sqlite3"
RELEASE_1_POSTGRES_DDL = FIXTURES / "register-release-1.postgresql.sql"
PROCESSES = 4


# ------------------------------------------------------------------ helpers

def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _file(url: str) -> Path:
    return Path(sa.engine.make_url(url).database)


def _contents(url: str, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Return every row of every table, sorted; only ``columns[table]`` where given.

    A plain engine (not the app's), so reading changes nothing in the database."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    with engine.connect() as conn:
        metadata.reflect(conn)
        out = {}
        for name, table in metadata.tables.items():
            wanted = [table.c[c] for c in columns[name]] if columns and name in columns else list(table.c)
            out[name] = sorted((tuple(row) for row in conn.execute(sa.select(*wanted))), key=repr)
    engine.dispose()
    return out


def _column_names(url: str) -> dict[str, list[str]]:
    engine = sa.create_engine(url)
    inspector = sa.inspect(engine)
    names = {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}
    engine.dispose()
    return names


def _shape(engine: sa.Engine) -> dict[str, tuple]:
    """Return {table: (columns as (name, type, nullable), primary key, indexes)} as the database has it."""
    inspector = sa.inspect(engine)
    shape = {}
    for table in inspector.get_table_names():
        columns = [(c["name"], c["type"].compile(engine.dialect), c["nullable"]) for c in inspector.get_columns(table)]
        primary = inspector.get_pk_constraint(table)["constrained_columns"]
        indexes = sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table))
        shape[table] = (columns, primary, indexes)
    return shape


def _live_shape(dialect: sa.Dialect) -> dict[str, tuple]:
    """Return the same description of the live tables the app queries (store.TABLES)."""
    shape = {}
    for table in store._METADATA.tables.values():
        columns = [(c.name, c.type.compile(dialect), c.nullable) for c in table.columns]
        indexes = sorted((i.name, tuple(c.name for c in i.columns)) for i in table.indexes)
        shape[table.name] = (columns, [c.name for c in table.primary_key], indexes)
    return shape


def _assert_matches_live_tables(engine: sa.Engine, bookkeeping: set[str]) -> None:
    shape = _shape(engine)
    assert set(shape) == set(store._METADATA.tables) | bookkeeping
    live = _live_shape(engine.dialect)
    for table, expected in live.items():
        assert shape[table] == expected, table
    # Alembic's own comparison too: what autogenerate would want to add, drop or retype.
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, kind, _parent: not (kind == "table" and name in bookkeeping),
        })
        assert compare_metadata(context, store._METADATA) == []


def _load_release_1_into_postgres(url: str) -> None:
    """Make on PostgreSQL what the first release made there, holding the fixture's rows."""
    engine = sa.create_engine(url)
    source = sa.create_engine(f"sqlite:///file:{RELEASE_1}?mode=ro&uri=true")
    with engine.begin() as conn:
        for statement in RELEASE_1_POSTGRES_DDL.read_text().split(";\n\n"):
            if statement.strip():
                conn.exec_driver_sql(statement)
        # The old shape's own column types read the SQLite values back as dates, times and booleans.
        old = sa.MetaData()
        old.reflect(conn)
        with source.connect() as reading:
            for table in old.sorted_tables:
                rows = [dict(row) for row in reading.execute(sa.select(table)).mappings()]
                if rows:
                    conn.execute(table.insert(), rows)
        for table, column in (("changes", "change_id"), ("maturity_assessments", "assessment_id"),
                              ("schema_migrations", "version")):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                                 f"(SELECT MAX({column}) FROM {table}))"))
    source.dispose()
    engine.dispose()


@pytest.fixture
def release_1_register(database_url: str) -> str:
    """Return the URL of a register exactly as the first release left it."""
    if _is_sqlite(database_url):
        shutil.copyfile(RELEASE_1, _file(database_url))
    else:
        _load_release_1_into_postgres(database_url)
    return database_url


@pytest.fixture
def foreign_table(database_url: str):
    """Give the database a table of someone else's (dropped afterwards on PostgreSQL)."""
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE visits (visit_id INTEGER PRIMARY KEY, note TEXT)")
        conn.exec_driver_sql("INSERT INTO visits VALUES (1, 'not a register')")
    yield database_url
    if not _is_sqlite(database_url):
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS visits")
    engine.dispose()


# Each process waits for the same moment, opens the register and prints what it found. Plain
# subprocesses, not multiprocessing: a spawned child re-imports the parent's __main__, which a
# page test earlier in the run (AppTest) has replaced with a page script.
_OPEN_AT_ONCE = """
import sys, time
from ecology.register import store
url, start = sys.argv[1], float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
try:
    register = store.Store.open(url)
    print("opened", store.schema_revision(register.engine))
    register.engine.dispose()
except Exception as error:  # reported to the test, which shows it
    print("failed", repr(error))
"""


# ------------------------------------------------------------------ the scripts

def test_revisions_are_numbered_in_one_line_and_their_files_say_so():
    script = migrations.script()
    assert store.REVISIONS == tuple(f"{n:04d}" for n in range(1, len(store.REVISIONS) + 1))
    assert script.get_heads() == [store.HEAD] and store.HEAD == store.REVISIONS[-1]
    for previous, revision in zip((None, *store.REVISIONS), store.REVISIONS):
        found = script.get_revision(revision)
        assert found.down_revision == previous
        assert Path(found.path).name.startswith(f"{revision}_")
    assert set(store._LEGACY_REVISIONS.values()) <= set(store.REVISIONS)


def test_no_revision_imports_the_live_schema():
    for path in sorted((migrations.SCRIPT_LOCATION / "versions").glob("0*.py")):
        tree = ast.parse(path.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not [name for name in imported if name.split(".")[0] == "ecology"], path.name


def test_new_revision_writes_the_next_numbered_file_from_the_template(tmp_path, monkeypatch):
    copy = tmp_path / "migrations"
    shutil.copytree(migrations.SCRIPT_LOCATION, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "SCRIPT_LOCATION", copy)
    migrations.script.cache_clear()
    try:
        made = migrations.new_revision("add a thing")
        following = f"{int(store.HEAD) + 1:04d}"
        assert made == copy / "versions" / f"{following}_add_a_thing.py"
        text = made.read_text()
        assert f"revision = '{following}'" in text and f"down_revision = '{store.HEAD}'" in text
        assert "Frozen" in text
        assert migrations.revisions()[-1] == following
    finally:
        migrations.script.cache_clear()


# ------------------------------------------------------------------ new registers

def test_a_migrated_database_has_exactly_the_live_tables_and_columns(database_url):
    engine = store.make_engine(database_url)
    store.migrate(engine)
    # A change to store.TABLES (or ecology.schema) without a revision fails here.
    _assert_matches_live_tables(engine, {"alembic_version"})
    engine.dispose()


def test_opening_a_register_already_up_to_date_does_not_import_alembic(database_url):
    # Alembic (and the dialects it loads) cost about 0.1 s of every server start; only a schema
    # change needs it. The first open makes the register; a second process only reads its revision.
    store.Store.open(database_url).engine.dispose()
    code = ("import sys; from ecology.register import store; register = store.Store.open(sys.argv[1]); "
            "print(store.schema_revision(register.engine), 'alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, database_url], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [store.HEAD, "False"]


def test_an_upgrade_that_fails_part_way_leaves_the_register_at_its_old_revision(database_url):
    engine = store.make_engine(database_url)
    store.migrate(engine, target="0001")
    with engine.begin() as conn:  # in the way of revision 0003, after 0002 has run
        conn.exec_driver_sql("CREATE TABLE maturity_assessments (placeholder INTEGER)")
    with pytest.raises(sa.exc.DBAPIError):
        store.migrate(engine)
    assert store.schema_revision(engine) == "0001"
    assert "verified_by" not in {c["name"] for c in sa.inspect(engine).get_columns("assets")}  # 0002 undone too
    engine.dispose()


def test_downgrading_and_upgrading_again_keeps_the_records(database_url):
    register = store.Store.open(database_url)
    register.add("assets", {"asset_id": "t:1", "name": "Kept", "is_sample": False}, who="tester")
    with register.engine.connect().execution_options(write=True) as conn, conn.begin():
        migrations.downgrade(conn, "0001")
    assert store.schema_revision(register.engine) == "0001"
    assert "maturity_assessments" not in sa.inspect(register.engine).get_table_names()
    assert store.migrate(register.engine) == ["0002", "0003"]
    assert register.get("assets", "t:1")["name"] == "Kept"
    register.engine.dispose()


def test_several_processes_opening_a_new_database_at_once_make_one_register(database_url):
    start = time.time() + 4  # time for every interpreter to start and import before the moment
    processes = [subprocess.Popen([sys.executable, "-c", _OPEN_AT_ONCE, database_url, str(start)],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(PROCESSES)]
    outcomes = [process.communicate(timeout=180) for process in processes]
    assert [out.strip() for out, _err in outcomes] == [f"opened {store.HEAD}"] * PROCESSES, outcomes
    engine = store.make_engine(database_url)
    _assert_matches_live_tables(engine, {"alembic_version"})
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(store.HEAD,)]
    engine.dispose()


# ------------------------------------------------------------------ registers from the first release

def test_the_release_1_fixture_is_a_self_contained_register_at_version_3():
    assert not RELEASE_1.with_name(RELEASE_1.name + "-wal").exists()
    assert RELEASE_1.stat().st_size < 300_000
    contents = _contents(f"sqlite:///file:{RELEASE_1}?mode=ro&uri=true")
    assert "alembic_version" not in contents
    assert [row[0] for row in contents["schema_migrations"]] == [1, 2, 3]
    actions = {row[3] for row in contents["changes"]}
    assert {"seed", "edit", "retire", "verify", "undo", "add", "assess"} <= actions


def test_schema_revision_reads_a_release_1_register_without_changing_it(release_1_register):
    before = _contents(release_1_register)
    engine = store.make_engine(release_1_register)
    assert store.schema_revision(engine) == "0003"
    engine.dispose()
    assert _contents(release_1_register) == before


def test_a_release_1_register_is_stamped_and_upgraded_keeping_every_row(release_1_register):
    fixture = _contents(f"sqlite:///file:{RELEASE_1}?mode=ro&uri=true")
    before = _contents(release_1_register)
    assert {t: len(rows) for t, rows in before.items()} == {t: len(rows) for t, rows in fixture.items()}
    old_columns = _column_names(release_1_register)
    engine = store.make_engine(release_1_register)
    assert store.migrate(engine) == list(store.REVISIONS[store.REVISIONS.index("0003") + 1:])
    assert store.schema_revision(engine) == store.HEAD
    engine.dispose()
    after = _contents(release_1_register, columns=old_columns)
    assert after.pop("alembic_version") == [(store.HEAD,)]
    assert after == before  # every row of every table, the history and schema_migrations included


def test_a_register_upgraded_from_release_1_has_the_same_schema_as_a_new_one(release_1_register):
    engine = store.make_engine(release_1_register)
    store.migrate(engine)
    _assert_matches_live_tables(engine, {"alembic_version", "schema_migrations"})
    engine.dispose()


def test_the_app_reads_and_writes_a_register_upgraded_from_release_1(release_1_register):
    fixture = _contents(f"sqlite:///file:{RELEASE_1}?mode=ro&uri=true")
    register = store.Store.open(release_1_register)
    everything = register.records("assets", include_retired=True)
    assert len(everything) == len(fixture["assets"])
    assert len(register.records("assets")) == len(fixture["assets"]) - 1  # one was retired
    assert len(register.records("practitioners")) == len(fixture["practitioners"])
    assert register.is_seeded()
    history = register.history()
    assert sorted(history["change_id"]) == sorted(row[0] for row in fixture["changes"])
    undone = history[history["action"] == "undo"].iloc[0]
    assert history.set_index("change_id").loc[undone["undoes"], "undone_by"] == undone["change_id"]
    assert any(name.endswith("(renamed)") for name in everything["name"])
    assert everything["verified_by"].dropna().tolist() == ["checker@example.org"]
    assert len(register.assessments("E54000054")) == len(fixture["maturity_assessments"])
    new_id = register.add_assessment("E54000054", "strategy", 2, "asserted", "", who="tester")
    assert new_id == len(fixture["maturity_assessments"]) + 1
    assert register.history(limit=1)["change_id"].iloc[0] == len(fixture["changes"]) + 1
    register.engine.dispose()


def test_a_register_at_release_1_version_1_is_stamped_at_0001_then_upgraded(database_url):
    engine = store.make_engine(database_url)
    now = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        migrations.upgrade(conn, "0001")  # the same tables the first release's version 1 made
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.exec_driver_sql("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                             "description TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)")
        conn.execute(sa.text("INSERT INTO schema_migrations VALUES (1, 'records', :now)"), {"now": now})
        conn.execute(sa.text("INSERT INTO assets (asset_id, name, is_sample, version, created_at, updated_at) "
                             "VALUES ('old:1', 'Kept', false, 4, :now, :now)"), {"now": now})
    assert store.schema_revision(engine) == "0001"
    assert store.migrate(engine) == ["0002", "0003"]
    kept = store.Store(engine).get("assets", "old:1")
    assert (kept["name"], kept["version"], kept["verified_by"]) == ("Kept", 4, None)
    engine.dispose()


# ------------------------------------------------------------------ refusing what it does not know

def _refused(url: str, error: type[store.UnknownSchema]) -> store.UnknownSchema:
    """Open ``url`` expecting ``error``; check that neither the rows nor (SQLite) the file's bytes changed."""
    before = _file(url).read_bytes() if _is_sqlite(url) else None
    contents = _contents(url)
    with pytest.raises(error) as refused:
        store.Store.open(url)
    engine = store.make_engine(url)
    with pytest.raises(error):
        store.schema_revision(engine)
    engine.dispose()
    if _is_sqlite(url):
        assert _file(url).read_bytes() == before
    assert _contents(url) == contents
    assert "Nothing was changed" in str(refused.value)
    return refused.value


def test_a_register_at_a_revision_this_version_does_not_know_is_refused_unchanged(database_url):
    register = store.Store.open(database_url)
    register.add("assets", {"asset_id": "t:1", "name": "From the future", "is_sample": False}, who="tester")
    with register.engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    register.engine.dispose()
    refused = _refused(database_url, store.NewerSchema)
    assert str(refused) == (
        "This register was made by a newer version of Creative Health Ecologies (schema revision 0099); "
        f"this version knows revisions up to {store.HEAD}. Nothing was changed: upgrade the app or open "
        "another register.")


def test_a_release_1_register_numbered_above_version_3_is_refused_unchanged(release_1_register):
    engine = sa.create_engine(release_1_register)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO schema_migrations (version, description, applied_at) "
                             "VALUES (4, 'from a later release', :now)"), {"now": dt.datetime.now(dt.timezone.utc)})
    engine.dispose()
    refused = _refused(release_1_register, store.NewerSchema)
    assert "(schema revision 0004)" in str(refused)


def test_a_database_holding_other_tables_is_refused_unchanged(foreign_table):
    refused = _refused(foreign_table, store.NotARegister)
    assert refused.tables == ["visits"] and "not a Creative Health Ecologies register" in str(refused)
