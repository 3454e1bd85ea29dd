"""What a register's contents are called across processes: the key its snapshots are kept under.

``Store.revision`` is enough inside one server (the register cannot be swapped under it unseen);
a key written to disk must also tell apart a register made again where another was, with as many
changes. So each register gets a random id of its own when the app first opens it (kept in its
``meta`` table), and the fingerprint joins it to the count, first and last of the changes every
write logs.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

IDENTITY_KEY = "register_id"


def register_id(register) -> str | None:
    """Return the register's own random id (None until ``give_id`` has given it one)."""
    with register.engine.connect() as conn:
        return _id_in(register, conn)


def _id_in(register, conn: sa.Connection) -> str | None:
    meta = register._tables["meta"]
    return conn.execute(sa.select(meta.c.value).where(meta.c.key == IDENTITY_KEY)).scalar()


def give_id(register) -> str:
    """Give the register a random id if it has none yet (one write, once); return its id."""
    found = register_id(register)
    if found:
        return found
    meta = register._tables["meta"]
    try:
        with register.engine.connect().execution_options(write=True) as conn, conn.begin():
            conn.execute(meta.insert().values(key=IDENTITY_KEY, value=uuid.uuid4().hex))
    except sa.exc.IntegrityError:  # another process gave it one meanwhile
        pass
    return register_id(register)


def fingerprint(register) -> str | None:
    """Return the key of ``register``'s contents (a ``store.Store``), or None where it has none that
    holds across processes: no id yet, or an in-memory database that dies with its process."""
    database = register.engine.url.database
    if register.engine.dialect.name == "sqlite" and (not database or database == ":memory:"):
        return None
    changes = register._tables["changes"]
    with register.engine.connect() as conn:  # one connection for the id and the changes
        own = _id_in(register, conn)
        if own is None:
            return None
        count = conn.execute(sa.select(sa.func.count()).select_from(changes)).scalar()
        first = conn.execute(sa.select(changes.c.at).order_by(changes.c.change_id).limit(1)).scalar()
        last = conn.execute(sa.select(changes.c.change_id, changes.c.at)
                            .order_by(changes.c.change_id.desc()).limit(1)).one_or_none()
    return f"{register.describe()}#{own}#{count}.{tuple(last) if last else None}.{first}"
