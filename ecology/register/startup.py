"""Opening the register the app reads: migrated, and seeded on first start.

On first start the register is empty, so it is filled once with what the data
build made: the real venues (museums, libraries, cinemas), the generated sample
offers and the generated sample practitioners, each marked as such. From then on the app reads assets from the
register, and a coordinator's imports and edits add to it. Real venues that a
newer build adds (cinemas) are offered to an older register once each.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy.engine import make_url

from ecology import paths
from ecology.places import geography
from ecology.register import identity, store


def seed_records() -> dict[str, pd.DataFrame]:
    """Return {kind: records} to seed an empty register with, from the data build: real venues,
    generated sample offers and generated sample practitioners."""
    assets = paths.build_dir() / "assets.parquet"
    if not assets.is_file():
        raise geography.BuildMissing(f"{paths.build_dir()} has no asset table: run `make data` first")
    records = {"assets": pd.read_parquet(assets)}
    practitioners = paths.build_dir() / "practitioners.parquet"
    if practitioners.is_file():
        records["practitioners"] = pd.read_parquet(practitioners)
    return records


class RegisterMissing(store.StoreError):
    """There is no register to read yet (or it needs upgrading); ``str()`` says how to make one."""


def open_for_reading(url: str | None = None, locate=None) -> store.Store:
    """Return the register at ``url`` for a command that only reads: never created, seeded or
    upgraded here. RegisterMissing when there is none yet (or it is at an older revision)."""
    url = url or paths.database_url()
    shown = sa_url(url)
    make = ("start the app once and open it in a browser (make run), or import a file "
            "(python -m ecology import FILE --kind assets), "
            "which makes and seeds it")
    if url.startswith("sqlite"):
        database = make_url(url).database
        if not database or database == ":memory:" or not Path(database).is_file():
            raise RegisterMissing(f"There is no register at {shown} yet: {make}. A command that only reads "
                                  "never makes one.")
    engine = store.make_engine(url)
    try:
        revision = store.schema_revision(engine)
    except BaseException:
        engine.dispose()
        raise
    if revision is None:
        engine.dispose()
        raise RegisterMissing(f"The database at {shown} holds no register yet: {make}.")
    if revision != store.HEAD:
        engine.dispose()
        raise RegisterMissing(f"The register at {shown} is at schema revision {revision}, older than this version's "
                              f"{store.HEAD}: start the app once (or import a file) to upgrade it. A command that "
                              "only reads never changes it.")
    return store.Store(engine, locate)


def sa_url(url: str) -> str:
    """Return a database URL as shown to people: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def open_register(url: str | None = None, locate=None) -> store.Store:
    """Return the register at ``url`` (default ``ECOLOGY_DATABASE_URL`` or the SQLite file),
    migrated to the latest schema and seeded if it was empty."""
    register = store.Store.open(url, locate=locate)
    identity.give_id(register)  # what its snapshots on disk are kept under (ecology.snapshots)
    if not register.is_seeded():
        register.seed(seed_records())
        return register
    if register.never_held("practitioners"):
        # A register seeded by an older version lacks kinds added since (practitioners).
        register.seed_new_kinds({k: v for k, v in seed_records().items() if k != "assets"})
    assets = paths.build_dir() / "assets.parquet"
    if assets.is_file():
        # ... and real venues added since (cinemas); those it ever held are left as they are. Three
        # columns tell whether there is any (the usual answer, no); the whole file only then.
        keys = pd.read_parquet(assets, columns=[store.KINDS["assets"].id_column, "kind", "is_sample"])
        if register.unheld_venue_ids(keys):
            register.seed_new_venues(pd.read_parquet(assets, columns=list(store.KINDS["assets"].columns)))
    return register
