"""Opening the register's database: engines for SQLite and PostgreSQL, the schema revision a
database is at, migrating it under a lock, and the errors and time limits of writing to it.

The schema is made and upgraded by the frozen Alembic revisions in ``ecology/migrations``:
``migrate`` runs them when a register is opened, check and upgrade in one transaction under a
lock, and refuses a database it does not know (``UnknownSchema``) without changing anything. A
register made by the first release has no ``alembic_version`` but a ``schema_migrations`` table
(versions 1-3); it is stamped at the matching revision, then upgraded.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa

from ecology import paths
from ecology.register import migrations

class StoreError(Exception):
    """A request the register cannot carry out; str() is the message for the user."""


class TookTooLong(StoreError):
    """A write ran past its time limit and was rolled back: nothing of it was written."""


WRITE_TIME_LIMIT_S = 120.0  # 100,000 rows write in about 10 s; far longer means a stuck or overloaded server


class Conflict(StoreError):
    """The record changed since it was read (or is gone). ``current`` is how it is now."""

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.current = current


# ------------------------------------------------------------------ schema


REVISIONS = migrations.revisions()  # oldest first
HEAD = REVISIONS[-1]
# The first release numbered its migrations in ``schema_migrations``; each number is
# the schema one frozen revision makes.
_LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0003"}
# The pg_advisory_xact_lock key: any constant, as long as every copy of the app uses it.
_MIGRATION_LOCK = 0x65636F6C6F677901  # "ecology" + 1


def unavailable(error: BaseException) -> bool:
    """Return True when ``error`` says the register cannot be reached or used just now (a server
    gone or refusing, a connection dropped, a SQLite file locked, full or unreadable), as opposed
    to a fault in the code (bad SQL, a broken constraint)."""
    if isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return True
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, sqlite3.OperationalError)


class UnknownSchema(StoreError):
    """The database is not a register this version can open; nothing in it was changed."""


class NewerSchema(UnknownSchema):
    """The register was made (or upgraded) by a newer version of the app."""

    def __init__(self, found: str):
        super().__init__(
            f"This register was made by a newer version of Creative Health Ecologies (schema revision "
            f"{found}); this version knows revisions up to {HEAD}. Nothing was changed: upgrade the app "
            f"or open another register.")
        self.found = found


class NotARegister(UnknownSchema):
    """The database already holds tables, without a register's bookkeeping."""

    def __init__(self, tables: list[str]):
        super().__init__(
            f"This database is not a Creative Health Ecologies register: it already holds other tables "
            f"({', '.join(tables)}). Nothing was changed: open an empty database or an existing register.")
        self.tables = tables


# ------------------------------------------------------------------ engine

def default_url() -> str:
    """Return the database URL: ``ECOLOGY_DATABASE_URL`` or the SQLite file under data/."""
    return paths.database_url()


def _sqlite_setup(engine: sa.Engine) -> None:
    """A busy timeout, and BEGIN IMMEDIATE for writes (``migrate`` switches the file to WAL).

    pysqlite's own transaction handling starts transactions lazily, which lets
    two writers both read and then one fail at commit. Taking the write lock at
    BEGIN (IMMEDIATE) makes the second writer wait (up to the busy timeout).
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def make_engine(url: str) -> sa.Engine:
    """Return an engine for ``url`` (SQLite files get their folder made; ``migrate`` turns on WAL)."""
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 10})
        _sqlite_setup(engine)
        return engine
    # A server that stops answering (rather than refusing) is given up on after 10 s, so a page
    # says so instead of hanging; pre-ping replaces connections that died while the server was away.
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _register_state(conn: sa.Connection) -> tuple[str | None, bool]:
    """Return (the revision the database is at, None when empty; True when only the first
    release's ``schema_migrations`` says so). UnknownSchema for a database not to touch."""
    tables = set(sa.inspect(conn).get_table_names())
    heads = migrations.current_heads(conn) if "alembic_version" in tables else ()
    if heads:
        if len(heads) > 1 or heads[0] not in REVISIONS:
            raise NewerSchema(", ".join(heads))
        return heads[0], False
    if "schema_migrations" in tables:
        legacy = conn.execute(sa.text("SELECT MAX(version) FROM schema_migrations")).scalar()
        if legacy is not None and legacy > max(_LEGACY_REVISIONS):
            raise NewerSchema(f"{legacy:04d}")
        if legacy in _LEGACY_REVISIONS:
            return _LEGACY_REVISIONS[legacy], True
    foreign = sorted(tables - {"alembic_version", "schema_migrations"})
    if foreign:
        raise NotARegister(foreign)
    return None, False


def schema_revision(engine: sa.Engine) -> str | None:
    """Return the revision the register is at (``HEAD`` when up to date, None when the database
    is empty); a first-release register not yet upgraded gives the revision its
    ``schema_migrations`` matches. UnknownSchema for a database this version cannot open."""
    with engine.connect() as conn:
        return _register_state(conn)[0]


def _use_wal(engine: sa.Engine) -> None:
    """Switch a SQLite file to WAL (readers never wait for a writer); the file keeps the mode.

    Done once the register is known rather than on connect, so a refused file is left as it was.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    # The switch needs an exclusive lock. While it holds a shared lock, another process in its
    # own BEGIN IMMEDIATE makes SQLite answer "database is locked" at once (waiting would
    # deadlock), without the busy timeout: so step back and try again.
    deadline = time.monotonic() + 30
    while True:
        raw = engine.raw_connection()  # outside any transaction: journal_mode cannot change inside one
        try:
            cursor = raw.cursor()
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        finally:
            raw.close()
        time.sleep(0.05)


def migrate(engine: sa.Engine, target: str = HEAD) -> list[str]:
    """Bring the register up to revision ``target``; return the revisions applied, oldest first.

    Check and upgrade are one transaction under a lock (BEGIN IMMEDIATE on SQLite, an advisory
    lock on PostgreSQL): of two processes opening a new database at once, the second waits and
    then finds nothing left to do. A failure, or UnknownSchema, rolls everything back.
    """
    if target not in REVISIONS:
        raise ValueError(f"unknown revision {target!r} (known: {', '.join(REVISIONS)})")
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
        current, legacy = _register_state(conn)
        if legacy:
            migrations.stamp(conn, current)
        done = REVISIONS.index(current) + 1 if current else 0
        applied = list(REVISIONS[done:REVISIONS.index(target) + 1])
        if applied:
            migrations.upgrade(conn, target)
    _use_wal(engine)
    return applied


class _PastLimit(Exception):
    """Raised inside a time-limited write once its time is up (import_records says so)."""


_LIMIT_MESSAGES = ("statement timeout", "canceling statement", "interrupted")


def _stopped_by_limit(error: BaseException) -> bool:
    """Return True when ``error`` is the database stopping a statement at our time limit."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(message in text for message in _LIMIT_MESSAGES)


@contextlib.contextmanager
def _time_limited(conn: sa.Connection, seconds: float):
    """Bound one write transaction to ``seconds``: yield ``late(position)``, which raises TookTooLong
    in Python loops once the time is up, while the database stops a statement still running then
    (PostgreSQL's statement_timeout; a SQLite progress handler)."""
    deadline = time.monotonic() + seconds

    def late(position: int = 0) -> None:
        if position % 1000 == 0 and time.monotonic() > deadline:
            raise _PastLimit

    if conn.dialect.name == "postgresql":
        # SET (not SET LOCAL: no transaction has begun yet) for this connection, undone below.
        conn.exec_driver_sql(f"SET statement_timeout = {max(1, int(seconds * 1000))}")
        conn.commit()
        try:
            yield late
        finally:
            if not conn.invalidated:
                conn.exec_driver_sql("SET statement_timeout = 0")
                conn.commit()
        return
    raw = conn.connection.dbapi_connection
    raw.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        yield late
    finally:
        raw.set_progress_handler(None, 0)
