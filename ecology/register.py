"""Opening the register the app reads: migrated, and seeded on first start.

On first start the register is empty, so it is filled once with what the data
build made: the real venues (museums, libraries, cinemas), the generated sample
offers and the generated sample practitioners, each marked as such. From then on the app reads assets from the
register, and a coordinator's imports and edits add to it. Real venues that a
newer build adds (cinemas) are offered to an older register once each.
"""

from __future__ import annotations

import pandas as pd

from ecology import geography, paths, store


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


def open_register(url: str | None = None, locate=None) -> store.Store:
    """Return the register at ``url`` (default ``ECOLOGY_DATABASE_URL`` or the SQLite file),
    migrated to the latest schema and seeded if it was empty."""
    register = store.Store.open(url, locate=locate)
    if not register.is_seeded():
        register.seed(seed_records())
        return register
    if register.never_held("practitioners"):
        # A register seeded by an older version lacks kinds added since (practitioners).
        register.seed_new_kinds({k: v for k, v in seed_records().items() if k != "assets"})
    assets = paths.build_dir() / "assets.parquet"
    if assets.is_file():
        # ... and real venues added since (cinemas); those it ever held are left as they are.
        register.seed_new_venues(pd.read_parquet(assets, columns=list(store.KINDS["assets"].columns)))
    return register
