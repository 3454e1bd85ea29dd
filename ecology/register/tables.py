"""The register's tables and rows: the record kinds, their SQLAlchemy tables (the live schema the
frozen migrations must match), and records as database and history values."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecology import schema

# Bookkeeping columns every record table has beside its schema fields.
BOOKKEEPING = ("version", "created_at", "updated_at", "retired_at", "verified_by")
SEED_KEY = "seeded"
ACTIONS = ("add", "edit", "retire", "restore", "verify", "import", "merge", "undo", "seed")


@dataclass(frozen=True)
class Kind:
    """One kind of record: its table, id column and schema columns."""

    name: str  # "assets" | "practitioners"
    table: str
    id_column: str
    columns: dict[str, str]


KINDS = {
    "assets": Kind("assets", "assets", "asset_id", schema.ASSET_COLUMNS),
    "practitioners": Kind("practitioners", "practitioners", "practitioner_id", schema.PRACTITIONER_COLUMNS),
}


def _sql_type(dtype: str) -> sa.types.TypeEngine:
    if dtype == "float64":
        return sa.Double()
    if dtype.startswith("datetime"):
        return sa.Date()
    if dtype in ("bool", "boolean"):
        return sa.Boolean()
    return sa.Text()


def _record_table(metadata: sa.MetaData, kind: Kind) -> sa.Table:
    """Return the record table as the app reads and writes it (the head revision's)."""
    columns = [sa.Column(kind.id_column, sa.Text, primary_key=True)]
    for name, dtype in kind.columns.items():
        if name != kind.id_column:
            columns.append(sa.Column(name, _sql_type(dtype), nullable=dtype != "bool"))
    columns += [
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.Column("verified_by", sa.Text),
    ]
    return sa.Table(kind.table, metadata, *columns)


def _tables() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    """Return the live tables. Changing them needs a new revision in ecology/migrations
    (tests/unit/test_migrations.py fails until the migrated database matches)."""
    metadata = sa.MetaData()
    tables = {name: _record_table(metadata, kind) for name, kind in KINDS.items()}
    tables["changes"] = sa.Table(
        "changes", metadata,
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_type", sa.Text, nullable=False),
        sa.Column("record_id", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.Text),  # JSON of the record before (null for an addition)
        sa.Column("after", sa.Text),  # JSON of the record after
        sa.Column("note", sa.Text),
        sa.Column("batch", sa.Text),  # the import a change belongs to
        sa.Column("undoes", sa.Integer),
        sa.Column("undone_by", sa.Integer),
        sa.Index("changes_record", "record_type", "record_id"),
    )
    tables["maturity"] = _maturity_table(metadata)
    tables["meta"] = sa.Table(
        "meta", metadata,
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    return metadata, tables


def _maturity_table(metadata: sa.MetaData) -> sa.Table:
    # Append-only: a self-assessment is never updated, so every version is kept.
    return sa.Table(
        "maturity_assessments", metadata,
        sa.Column("assessment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("icb_code", sa.Text, nullable=False),
        sa.Column("criterion", sa.Text, nullable=False),
        sa.Column("stage", sa.Integer),  # 1-4, or null for "not assessed"
        sa.Column("confidence", sa.Text),  # evidenced | asserted
        sa.Column("evidence", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("assessed_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_by", sa.Text, nullable=False),
        sa.Index("maturity_icb", "icb_code", "criterion"),
    )


_METADATA, TABLES = _tables()


# ------------------------------------------------------------------ values

def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _plain(value: object) -> object:
    """Return ``value`` as a plain Python value a database driver and JSON accept."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value
    return value


def _json_default(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in the history")


def _to_json(record: dict | None) -> str | None:
    return None if record is None else json.dumps(record, default=_json_default, sort_keys=True)


def _from_json(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)


def _row_values(kind: Kind, record: dict) -> dict:
    """Return the schema fields of ``record`` as database values (unknown keys dropped)."""
    values = {}
    for name, dtype in kind.columns.items():
        value = _plain(record.get(name))
        if dtype.startswith("datetime") and isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        if dtype.startswith("datetime") and isinstance(value, dt.datetime):
            value = value.date()
        if dtype == "bool":
            value = bool(value) if value is not None else False
        values[name] = value
    return values


def _comparable(kind: Kind, record: dict) -> dict:
    """Return the fields of a stored record that a change can alter, JSON-safe."""
    keep = (*kind.columns, "version", "retired_at", "verified_by")
    return {name: _plain(record.get(name)) for name in keep}


def _column_values(series: pd.Series, dtype: str) -> list:
    """Return one column as plain Python values for the driver (None for missing)."""
    missing = series.isna().to_numpy()
    if dtype == "bool":
        return series.astype(bool).tolist()
    if dtype.startswith("datetime"):
        dates = series.dt.date.to_numpy(dtype=object)
        return [None if gap else value for value, gap in zip(dates, missing)]
    values = series.astype(object).to_numpy()
    return [None if gap else value for value, gap in zip(values.tolist(), missing)]


def _frame_rows(kind: Kind, frame: pd.DataFrame) -> list[dict]:
    """Return the rows of a record table as dicts of database values (converted a column at a time)."""
    frame = schema.conform(frame, kind.columns)
    names = list(kind.columns)
    columns = [_column_values(frame[name], dtype) for name, dtype in kind.columns.items()]
    return [dict(zip(names, values)) for values in zip(*columns)]
