"""One asset edited in a form: checked by the same rules as an import, and diffed.

The form's values go through ``ingest.prepare`` as a one-row table, so a
record typed by an editor meets exactly the checks a file row does (HTML,
formulas, lengths, vocabulary, location, duplicates).

Saving never marks a record verified by itself: only an editor who ticks "I
checked this record today" sets its last verified date (today) and who verified
it (them). Unticked, both stay as they were, and a new record stays never
verified: correcting a typo is not checking that an offer still runs.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology import schema
from ecology.register import ingest
from ecology.register.readers import RawTable

STATUSES = ("active", "inactive")
EDITOR_SOURCE = "Added by an editor"
FIELD_LABELS = {
    "name": "Name", "organisation": "Organisation", "kind": "Kind", "activities": "Activities",
    "health_focus": "Health focus", "audiences": "Audiences", "settings": "Settings",
    "referral_routes": "Referral routes", "cost": "Cost", "address": "Address", "postcode": "Postcode",
    "latitude": "Latitude", "longitude": "Longitude", "website": "Website", "contact_email": "Email",
    "status": "Status", "last_verified": "Last verified", "verified_by": "Verified by",
}
# What the form edits; the rest (id, source, licence, sample flag, area codes) is kept or derived,
# and the verification is set only by the "I checked this record today" tick.
VERIFICATION = ("last_verified", "verified_by")
EDITABLE = tuple(name for name in FIELD_LABELS if name not in VERIFICATION)


@dataclass(frozen=True)
class EditCheck:
    record: dict | None  # the record to store (None when an error stops it)
    issues: list[ingest.Issue]


def blank() -> dict:
    """Return the values a new record's form starts with."""
    return {"kind": "programme", "status": "active", "last_verified": None, "verified_by": None, "version": 0}


def number_text(value: object) -> str:
    """Return a coordinate as form text ("" when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def _cell(field_name: str, value: object) -> str | None:
    """Return a form value as the text a file cell would hold."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(value)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def check(values: dict, *, record_id: str | None, base: dict, postcodes, assigner, existing: pd.DataFrame,
          today: pd.Timestamp, checked_today: bool = False, editor: str | None = None) -> EditCheck:
    """Return the record an editor's form values make, or the issues that stop it.

    ``record_id`` is None for a new record; ``base`` is the record as read (its id,
    source, licence, attribution, sample flag and verification are kept); ``existing``
    holds the register's ids, names and postcodes (for duplicates). ``checked_today``
    (the editor ticked "I checked this record today") makes it verified ``today`` by
    ``editor``; otherwise the verification is the base's (none for a new record).
    """
    if checked_today and not editor:
        raise ValueError("a record checked today needs the name of the editor who checked it")
    cells = {name: _cell(name, values.get(name)) for name in EDITABLE}
    if cells["latitude"] is None or cells["longitude"] is None:
        # Place it by postcode: stale coordinates must not win over a changed postcode.
        cells["latitude"] = cells["longitude"] = None
    raw = RawTable(frame=pd.DataFrame([cells], dtype=object), row_numbers=np.array([1]), row_label="record",
                   file_format="form")
    others = existing[existing["asset_id"] != record_id] if record_id else existing
    prepared = ingest.prepare(raw, "assets", {name: name for name in EDITABLE}, postcodes=postcodes,
                              assigner=assigner, existing=others,
                              source=base.get("source") or EDITOR_SOURCE, today=today)
    # The form sends no verification date: the import's "no date" warning says nothing here.
    issues = [issue for issue in prepared.issues if issue.field != "last_verified"]
    if prepared.records.empty:
        return EditCheck(None, issues)
    clashes = prepared.duplicates[prepared.duplicates["existing_id"].fillna("") != ""]
    if len(clashes) and record_id is None:
        other = clashes["existing_id"].iloc[0]
        issues.append(ingest.Issue(1, "", "name", "error",
                                   f"the register already holds this asset ({other}, {clashes['reason'].iloc[0]}): "
                                   "edit that record instead of adding a second one"))
        return EditCheck(None, issues)
    record = prepared.records.iloc[0].to_dict()
    if record_id is not None:
        record["asset_id"] = record_id
        for kept in ("source", "licence", "attribution", "is_sample"):
            record[kept] = base.get(kept)
    else:
        record["source"] = EDITOR_SOURCE
    if checked_today:
        record["last_verified"], record["verified_by"] = pd.Timestamp(today).normalize(), editor
    else:
        record["last_verified"], record["verified_by"] = base.get("last_verified"), base.get("verified_by")
    return EditCheck(record, issues)


def _same(a: object, b: object) -> bool:
    missing_a = a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a)) or a == ""
    missing_b = b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b)) or b == ""
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, (dt.date, pd.Timestamp)) or isinstance(b, (dt.date, pd.Timestamp)):
        return pd.Timestamp(a).date() == pd.Timestamp(b).date()
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) < 1e-7
    return a == b


def changes(current: dict, record: dict) -> dict:
    """Return {field: new value} for the editable fields, the verification and the area codes
    that differ."""
    fields = (*EDITABLE, *VERIFICATION, *schema.DERIVED)
    return {name: record.get(name) for name in fields if not _same(current.get(name), record.get(name))}
