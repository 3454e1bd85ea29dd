"""The register's schema history as frozen Alembic revisions (``versions/``).

``ecology.register.store.migrate`` runs them; nobody needs an ``alembic.ini``: the
configuration is built here, and the connection (already inside the
transaction that holds the migration lock) reaches ``env.py`` through
``Config.attributes``.

Frozen means each revision spells out the tables and columns it makes, so what
it does never changes when ``ecology.schema`` or ``ecology.register.store`` change
later. A revision must not import anything from ``ecology``.

To change the schema (a developer's steps):

1. Change the live tables (``ecology.schema`` / ``ecology.register.tables._tables``).
2. Make a revision file, numbered after the last one::

       .venv/bin/python -c "from ecology.register import migrations; print(migrations.new_revision('what it changes'))"

3. Write its ``upgrade()`` (and ``downgrade()``) out literally with
   ``op.add_column`` / ``op.create_table``; ``op.batch_alter_table`` for what
   SQLite cannot ALTER (dropping or changing a column).
4. ``tests/unit/test_migrations.py`` fails until the migrated database matches
   the live tables exactly.
"""

from __future__ import annotations

import functools
from pathlib import Path

from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic is imported only to change a schema: opening a register that is already up to date (every
# start of the app but the first) needs only the revision numbers and the alembic_version table,
# and importing Alembic (with the dialects it loads) cost about 0.1 s of each server start.
SCRIPT_LOCATION = Path(__file__).resolve().parent


def config(connection: sa.Connection | None = None) -> Config:
    """Return an Alembic configuration for the register's scripts, running on ``connection``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    # "0004_what_it_changes.py": files sort in the order they apply.
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


def revisions() -> tuple[str, ...]:
    """Return every revision id, oldest first: the number each file of ``versions/`` starts with
    (the file template puts it there, and numbers sort in the order they apply; a test holds this
    against Alembic's own chain of down-revisions)."""
    return tuple(sorted(path.name.split("_", 1)[0] for path in (SCRIPT_LOCATION / "versions").glob("[0-9]*_*.py")))


def current_heads(conn: sa.Connection) -> tuple[str, ...]:
    """Return the revisions ``alembic_version`` holds (empty when there is none), as Alembic reads them."""
    return tuple(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def stamp(conn: sa.Connection, revision: str) -> None:
    """Record that the database is at ``revision`` without running anything."""
    from alembic import command

    command.stamp(config(conn), revision)


def upgrade(conn: sa.Connection, target: str) -> None:
    from alembic import command

    command.upgrade(config(conn), target)


def downgrade(conn: sa.Connection, target: str) -> None:
    from alembic import command

    command.downgrade(config(conn), target)


def new_revision(message: str) -> Path:
    """Write an empty revision after the newest one; return its file."""
    known = revisions()
    rev_id = f"{int(known[-1]) + 1:04d}" if known else "0001"
    from alembic import command

    made = command.revision(config(), message=message, rev_id=rev_id)
    script.cache_clear()
    return Path(made.path)
