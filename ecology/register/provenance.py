"""Which fields of an imported record the file gave, and what writing an import may change.

A new record from a file is filled in where the file is silent: the source
name the importer chose, ``IMPORT_LICENCE``, status "active", not a sample, no
verification date. Those describe the import, not the thing, so a row merged
into a record already in the register takes only the fields the file gave (a
mapped column with a non-blank value that passed the checks), recorded per row
in ``Prepared.given``. In particular a merge never replaces a record's licence,
source, attribution, sample flag, status or verification with a default: a real
venue stays attributed to its publisher.

Location fields move together: when the file places the row (coordinates, or a
postcode), its point and the area codes worked out from it are given. One
exception: a row placed only by the postcode the register already holds for the
record tells nothing new, and the stored point (a publisher's own coordinates)
is usually more precise than a postcode centroid, so it is kept.

A verification date from the file replaces the stored one only when it is
later (an old directory must not make a record look staler than it is); then
``verified_by`` is cleared, because the date is the file's claim, not a check by
anyone named in this register (the history says who imported it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecology import schema
from ecology.places import postcode

if TYPE_CHECKING:
    from ecology.register.ingest import Prepared

IMPORT_LICENCE = "Imported by the user"
DEFAULT_STATUS = "active"
# Fields that move with a row's point: where it is, and the area codes derived from it.
LOCATION = {"assets": ("postcode", "latitude", "longitude", *schema.DERIVED),
            "practitioners": ("postcode_district", "latitude", "longitude", *schema.DERIVED)}


def _present(value: object, n: int) -> np.ndarray:
    """Return per row whether ``value`` (a column, or one value for every row) holds something."""
    if value is None or np.isscalar(value):
        return np.full(n, value is not None and not pd.isna(value) and value != "")
    series = value if isinstance(value, pd.Series) else pd.Series(value)
    present = series.notna().to_numpy(dtype=bool)
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        present = present & (series.astype("string") != "").fillna(False).to_numpy(dtype=bool)  # "": no terms
    return present


def given(kind: str, from_file: dict[str, object], placed: np.ndarray, n: int) -> pd.DataFrame:
    """Return a boolean frame (one column per schema field, one row per file row): True where
    ``from_file`` (field values before any default is filled in) holds a value, and for the
    location fields where the row was ``placed`` from the file."""
    spec = schema.ASSET_COLUMNS if kind == "assets" else schema.PRACTITIONER_COLUMNS
    location = LOCATION[kind]
    placed = np.asarray(placed, dtype=bool)
    columns = {}
    for name in spec:
        if name == location[0]:  # the postcode (district): only when the file gave one
            columns[name] = placed & _present(from_file.get(name), n)
        elif name in location:  # a point and its area codes: whenever the file placed the row
            columns[name] = placed
        elif name in from_file and name != "is_sample":  # no file says what is a generated sample
            columns[name] = _present(from_file[name], n)
        else:
            columns[name] = np.zeros(n, dtype=bool)
    return pd.DataFrame(columns, index=range(n))


def keep_stored_points(kind: str, given_rows: pd.DataFrame, in_store: list[tuple[int, str, str]],
                       existing: pd.DataFrame | None, origin: np.ndarray, postcodes: pd.Series) -> None:
    """Mark as not given (in place) the location of rows placed only by the postcode the
    register already holds for the record they repeat."""
    if kind != "assets" or existing is None or not {"asset_id", "postcode"} <= set(existing.columns):
        return
    stored = dict(zip(existing["asset_id"].astype(str), postcode.normalise(existing["postcode"]).tolist()))
    mine = postcode.normalise(pd.Series(postcodes, dtype="string")).tolist()
    same = [position for position, existing_id, _why in in_store
            if origin[position] == "postcode" and _same_text(stored.get(existing_id), mine[position])]
    if same:  # one assignment: a row at a time takes seconds for a whole directory re-imported
        given_rows.loc[same, list(LOCATION[kind])] = False


def _same_text(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a == b


def with_defaults(fields: dict[str, object], *, source: str) -> dict[str, object]:
    """Return the fields with the import's defaults filled in where the file was silent."""
    out = dict(fields)
    out["source"] = fields["source"].fillna(source) if "source" in fields else source
    out["licence"] = fields["licence"].fillna(IMPORT_LICENCE) if "licence" in fields else IMPORT_LICENCE
    if "status" in fields:
        out["status"] = fields["status"].fillna(DEFAULT_STATUS)
    out["is_sample"] = False
    return out


# -- writing a prepared import ------------------------------------------------------------


def merge_values(row: dict, given: list[str], current: dict, *, id_column: str) -> dict:
    """Return what merging an imported ``row`` (database values) changes in the stored record
    ``current``: the ``given`` fields, never the id or the sample flag, whose value differs.
    A file's verification date counts only when later than the stored one, and then clears
    ``verified_by`` (see the module docstring)."""
    fields = {name: row.get(name) for name in given if name not in (id_column, "is_sample")}
    if "last_verified" in fields:
        new, old = fields["last_verified"], current.get("last_verified")
        if new is None or (old is not None and new <= old):
            del fields["last_verified"]
        else:
            fields["verified_by"] = None
    return {name: value for name, value in fields.items() if current.get(name) != value}


@dataclass(frozen=True)
class ImportPlan:
    """What writing a prepared import does with the rows already in the register."""

    merge_into: dict[int, str]  # record position -> id of the record it updates
    skip: tuple[int, ...]  # record positions left out
    versions: dict[str, int]  # id -> version read when the file was checked (merges are checked against it)


def in_store(prepared: "Prepared") -> dict[int, str]:
    """Return {record position: id of the register's record it repeats}."""
    found = prepared.duplicates
    found = found[(found["existing_id"].fillna("") != "") & (found["record_index"] >= 0)]
    return dict(zip(found["record_index"].astype(int), found["existing_id"].astype(str)))


def plan(prepared: "Prepared", versions: dict[str, int], *, merge: bool) -> ImportPlan:
    """Return how to write ``prepared``: rows already in the register are merged (``merge``) or
    skipped; ``versions`` are the register's versions of those records when the file was checked."""
    pairs = in_store(prepared)
    if not merge:
        return ImportPlan({}, tuple(pairs), {})
    missing = sorted(set(pairs.values()) - set(versions))
    if missing:
        raise ValueError(f"no version was read for {', '.join(missing[:5])}: read them when checking the file")
    return ImportPlan(pairs, (), {record_id: int(versions[record_id]) for record_id in pairs.values()})
