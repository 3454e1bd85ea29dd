"""The records the app works on, defined once.

An asset table is a pandas DataFrame with exactly ``ASSET_COLUMNS``. Fields
that hold several vocabulary terms (activities, health focus, audiences,
settings, referral routes) are stored as one string with the term ids between
pipes, e.g. ``"|singing|dance|"``: that keeps the table flat (CSV and Parquet
alike) and makes "has term X" one vectorised substring test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology import taxonomy

# field name -> the vocabulary its terms come from
MULTI_VALUED = {
    "activities": "activity",
    "health_focus": "health_focus",
    "audiences": "audience",
    "settings": "setting",
    "referral_routes": "referral_route",
}
SINGLE_VALUED = {"kind": "kind", "cost": "cost"}

ASSET_COLUMNS = {
    "asset_id": "string",  # stable: "<source>:<source id>", e.g. "museum:mm.domus.WM019"
    "name": "string",
    "organisation": "string",
    "kind": "string",  # a `kind` term id
    "activities": "string",  # "|id|id|" (see module docstring)
    "health_focus": "string",
    "audiences": "string",
    "settings": "string",
    "referral_routes": "string",
    "cost": "string",  # a `cost` term id, or missing when unknown
    "address": "string",
    "postcode": "string",
    "latitude": "float64",  # WGS84 degrees
    "longitude": "float64",
    "website": "string",
    "contact_email": "string",  # organisational addresses only
    "status": "string",  # "active" or "inactive"
    "last_verified": "datetime64[s]",  # date the record was last checked
    "source": "string",  # dataset title or "Generated sample"
    "licence": "string",
    "attribution": "string",
    "is_sample": "bool",
    "lad_code": "string",  # derived from the point: local authority (E06-E09)
    "icb_code": "string",  # derived: integrated care board (E54)
    "region_code": "string",  # derived: NHS England region (E40)
}
DERIVED = ("lad_code", "icb_code", "region_code")

# A practitioner is pseudonymous: no name and no address, only the postcode
# district (e.g. "M14"), whose centroid places them (DESIGN.md 3.3 and 6).
PRACTITIONER_MULTI_VALUED = {"disciplines": "activity", "health_focus": "health_focus"}
PRACTITIONER_SINGLE_VALUED = {"practice_type": "practice_type"}
PRACTITIONER_FLAGS = (  # yes / no / unknown (pandas "boolean")
    "trained_safeguarding", "trained_edi", "trained_mhfa", "has_supervision", "in_peer_network",
    "paid_fairly", "lived_experience_led", "ethnically_diverse", "disabled",
)
PRACTITIONER_COLUMNS = {
    "practitioner_id": "string",  # "<source>:<source id>"
    "disciplines": "string",  # "|activity ids|"
    "practice_type": "string",  # a `practice_type` term id
    "postcode_district": "string",  # outward code only, e.g. "M14"; never a full postcode
    "latitude": "float64",  # WGS84 centroid of the postcode district
    "longitude": "float64",
    **{flag: "boolean" for flag in PRACTITIONER_FLAGS},
    "health_focus": "string",
    "source": "string",
    "licence": "string",
    "is_sample": "bool",
    "lad_code": "string",  # derived from the district centroid
    "icb_code": "string",
    "region_code": "string",
}

def join_terms(term_ids: list[str] | tuple[str, ...]) -> str:
    """Return the stored form of several term ids: ``"|a|b|"`` ("" for none)."""
    ids = [t for t in term_ids if t]
    return f"|{'|'.join(ids)}|" if ids else ""


def split_terms(stored: object) -> list[str]:
    """Return the term ids of a stored multi-valued field (``"|a|b|"`` -> ["a", "b"])."""
    if not isinstance(stored, str):
        return []
    return [t for t in stored.split("|") if t]


def term_labels(field: str, stored: object) -> str:
    """Return a field's terms as readable labels, e.g. "Singing, Dance"."""
    vocabulary = MULTI_VALUED.get(field) or SINGLE_VALUED[field]
    ids = split_terms(stored) if field in MULTI_VALUED else ([stored] if isinstance(stored, str) and stored else [])
    return ", ".join(taxonomy.label_of(vocabulary, t) for t in ids)


def labels_column(field: str, column: pd.Series) -> pd.Series:
    """Return ``term_labels`` for a whole column, working out each distinct value once.

    A column of 100,000 rows holds only a few hundred distinct term strings, so
    this is hundreds of times faster than labelling row by row.
    """
    codes, distinct = pd.factorize(column)  # missing values get code -1
    labels = np.array([term_labels(field, value) for value in distinct] + [""], dtype=object)
    return pd.Series(labels[codes], index=column.index, dtype="string")


@dataclass(frozen=True)
class Issue:
    """One problem an import found: the row (``RawTable.row_numbers`` value, None = whole file),
    the file's column, the record field, how bad, and what."""

    row: int | None
    column: str
    field: str
    severity: str  # "error" (row not imported) | "warning" (imported; something changed or noted)
    message: str
    value: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input row: row number (1-based, as a person counts), field, message."""

    row: int
    field: str
    message: str


def conform(frame: pd.DataFrame, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Return ``frame`` with exactly ``columns`` (default ``ASSET_COLUMNS``) in order and dtype.

    Missing columns come back empty.
    """
    out = pd.DataFrame(index=frame.index)
    for column, dtype in (columns or ASSET_COLUMNS).items():
        values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index, dtype="object")
        if dtype == "bool":
            out[column] = values.fillna(False).astype(bool)
        elif dtype == "boolean":
            out[column] = values.astype("boolean")
        elif dtype.startswith("datetime"):
            out[column] = pd.to_datetime(values, errors="coerce").astype(dtype)
        elif dtype == "float64":
            out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
        else:
            out[column] = values.astype(dtype)
    return out.reset_index(drop=True)


def validate(frame: pd.DataFrame) -> list[Problem]:
    """Return every problem in an asset table (empty when it is valid).

    Checks: ids present and unique; names present; coordinates in range; every
    vocabulary field holds only known term ids.
    """
    problems: list[Problem] = []
    for position, row in enumerate(frame.itertuples(index=False), start=1):
        values = row._asdict()
        if not values.get("asset_id"):
            problems.append(Problem(position, "asset_id", "missing"))
        if not values.get("name") or pd.isna(values.get("name")):
            problems.append(Problem(position, "name", "missing"))
        lat, lon = values.get("latitude"), values.get("longitude")
        if pd.notna(lat) and not (49 <= lat <= 61):
            problems.append(Problem(position, "latitude", f"{lat} is outside the UK"))
        if pd.notna(lon) and not (-9 <= lon <= 3):
            problems.append(Problem(position, "longitude", f"{lon} is outside the UK"))
        for field, vocabulary in MULTI_VALUED.items():
            known = {t.id for t in taxonomy.terms(vocabulary)}
            for term in split_terms(values.get(field)):
                if term not in known:
                    problems.append(Problem(position, field, f"unknown {vocabulary} term {term!r}"))
        for field, vocabulary in SINGLE_VALUED.items():
            value = values.get(field)
            if isinstance(value, str) and value and value not in {t.id for t in taxonomy.terms(vocabulary)}:
                problems.append(Problem(position, field, f"unknown {vocabulary} term {value!r}"))
    duplicated = frame["asset_id"].duplicated(keep="first")
    for position in (duplicated[duplicated].index + 1):
        problems.append(Problem(int(position), "asset_id", "duplicate id"))
    return problems
