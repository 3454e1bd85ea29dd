"""A register's fingerprint (ecology/register/identity.py): the key its snapshots on disk are kept under."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecology.register import identity, startup, store
from tests.conftest import _empty_postgres
from tests.integration.test_store import _asset

FROZEN = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.timezone.utc)


def _make_again(url: str) -> None:
    """Remove the register at ``url`` so the next open makes a new one in its place."""
    if url.startswith("sqlite"):
        database = Path(sa.engine.make_url(url).database)
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            path.unlink(missing_ok=True)
    else:
        _empty_postgres(url)


def test_a_register_made_again_in_the_same_place_with_the_same_history_has_a_new_fingerprint(database_url,
                                                                                               monkeypatch):
    # Every change at the same second and as many of them: only the register's own id tells them apart.
    monkeypatch.setattr(store, "_now", lambda: FROZEN)
    seen = []
    for asset_id in ("test:first", "test:second"):
        register = store.Store.open(database_url)
        identity.give_id(register)
        register.add("assets", _asset(asset_id), "alice")
        seen.append(register.fingerprint())
        register.engine.dispose()
        _make_again(database_url)
    assert None not in seen and seen[0] != seen[1]


def test_an_add_a_retirement_and_an_undo_each_change_the_fingerprint_and_a_read_does_not(database_url):
    register = store.Store.open(database_url)
    identity.give_id(register)
    seen = [register.fingerprint()]
    register.records("assets")
    assert register.fingerprint() == seen[0]
    register.add("assets", _asset("test:one"), "alice")
    seen.append(register.fingerprint())
    register.retire("assets", "test:one", 1, "alice")
    seen.append(register.fingerprint())
    register.undo(int(register.history(kind="assets").iloc[0]["change_id"]), "alice")
    seen.append(register.fingerprint())
    assert None not in seen and len(set(seen)) == 4
    register.engine.dispose()


def test_the_app_gives_a_register_its_id_once_and_keeps_it(database_url):
    assert identity.register_id(store.Store.open(database_url)) is None  # opened, not yet by the app
    first = identity.register_id(startup.open_register(database_url))
    assert first and identity.register_id(startup.open_register(database_url)) == first


def test_a_register_without_an_id_or_in_memory_has_no_fingerprint(database_url):
    assert store.Store.open(database_url).fingerprint() is None
    in_memory = store.Store.open("sqlite://")
    identity.give_id(in_memory)
    assert in_memory.fingerprint() is None
