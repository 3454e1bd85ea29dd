"""Alembic's entry point for the register: run the revisions on the connection handed over.

``ecology.register.store.migrate`` opens the connection, begins the transaction and takes
the lock; this only runs the revisions inside it (Alembic sees the transaction
already begun and does not start or commit one of its own).
"""

from __future__ import annotations

from alembic import context


def run() -> None:
    if context.is_offline_mode():
        raise RuntimeError("the register's migrations run on a live connection (ecology.register.store.migrate)")
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("open the register with ecology.register.store.migrate(), which hands Alembic its connection")
    context.configure(
        connection=connection,
        # SQLite cannot drop or alter a column in place: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
