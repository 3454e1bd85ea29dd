"""Preparing an import: every check in order, and its result (``Prepared``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecology import schema
from ecology.places import postcode
from ecology.register import provenance
from ecology.schema import Issue  # noqa: F401 (the report's rows; named here too)
from ecology.register.ingest.columns import check_kind, check_mapping, drop_personal
from ecology.register.ingest.fields import (cells_of, check_dates, check_required, check_email, check_flags,
                                            check_status, check_text, check_vocabulary, check_website)
from ecology.register.ingest.identity import choose_ids, find_in_store, find_repeats, name_key
from ecology.register.ingest.location import Location, area_codes, locate_assets, locate_practitioners
from ecology.register.ingest.report import Report

if TYPE_CHECKING:
    from ecology.places.geography import PointAssigner, PostcodeTable
    from ecology.register.readers import RawTable


IMPORT_LICENCE = provenance.IMPORT_LICENCE


# -- the result --------------------------------------------------------------------------------

DUPLICATE_COLUMNS = ["row", "record_index", "record_id", "existing_id", "reason"]


@dataclass
class Prepared:
    """Records ready to store, with every issue and duplicate found on the way."""

    kind: str
    records: pd.DataFrame
    record_rows: np.ndarray
    issues: list[Issue]
    duplicates: pd.DataFrame
    total_rows: int
    # One row per record, one column per field: True where the file gave the value (what a merge takes).
    given: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)

    def rejected_rows(self) -> list[int]:
        """Return the row numbers with at least one error (not imported), ascending."""
        return sorted({i.row for i in self.issues if i.severity == "error" and i.row is not None})

    def summary(self) -> dict:
        """Return counts: rows, accepted, rejected, warnings, duplicates_in_store, repeats_in_file."""
        in_store = int((self.duplicates["existing_id"] != "").sum())
        return {"rows": int(self.total_rows), "accepted": int(len(self.records)),
                "rejected": len(self.rejected_rows()),
                "warnings": sum(i.severity == "warning" for i in self.issues),
                "duplicates_in_store": in_store, "repeats_in_file": int(len(self.duplicates) - in_store)}

    def report_frame(self) -> pd.DataFrame:
        """Return one row per issue: row, column, field, severity, message, value (row order, file-level first)."""
        frame = pd.DataFrame([vars(i) for i in self.issues],
                             columns=["row", "column", "field", "severity", "message", "value"])
        frame["row"] = frame["row"].astype("Int64")
        return frame.sort_values("row", kind="stable", na_position="first").reset_index(drop=True)

    def report_json(self) -> dict:
        """Return summary, notes, issues and duplicates as plain JSON-ready values."""
        return {"kind": self.kind, "summary": self.summary(), "notes": list(self.notes),
                "issues": [vars(i).copy() for i in self.issues],
                "duplicates": [{k: (int(v) if k in ("row", "record_index") else str(v)) for k, v in r.items()}
                               for r in self.duplicates.to_dict(orient="records")]}


# -- prepare -------------------------------------------------------------------------------------
def _carry_reader_issues(report: Report, raw: "RawTable", columns: dict[str, str]) -> None:
    """Copy the reader's issues, with the field their column maps to; reader errors reject the row."""
    target_of = {column: target for target, column in columns.items()}
    position = {int(n): i for i, n in enumerate(report.numbers)}
    for issue in raw.issues:
        target = issue.field or target_of.get(issue.column, "")
        report.issues.append(Issue(issue.row, issue.column, target, issue.severity, issue.message, issue.value))
        report.reader_rows.setdefault(issue.column, set()).add(issue.row)
        if issue.severity == "error" and issue.row in position:
            report.failed[position[issue.row]] = True


def _vocabularies(report: Report, values: dict, columns: dict, multi: dict, single: dict) -> dict:
    out = {}
    for target, vocabulary in {**multi, **single}.items():
        if target in values:
            out[target] = check_vocabulary(report, values[target], columns[target], target, vocabulary, target in multi)
    return out


def _asset_fields(report: Report, values: dict, columns: dict, postcodes,
                  today: pd.Timestamp) -> tuple[dict, Location]:
    """Return the asset fields the file gives (besides ids and area codes; missing where it gives
    none, defaults come later) per row, and each row's location."""
    n = len(report.numbers)
    check_required(report, values, columns, "name", "every asset needs a name")
    fields = {t: values[t] for t in ("name", "organisation", "address", "attribution") if t in values}
    fields.update(_vocabularies(report, values, columns, schema.MULTI_VALUED, schema.SINGLE_VALUED))
    if "website" in values:
        fields["website"] = check_website(report, values["website"], columns["website"])
    if "contact_email" in values:
        fields["contact_email"] = check_email(report, values["contact_email"], columns["contact_email"])
    blank = pd.Series([pd.NA] * n, dtype="string")
    fields["status"] = check_status(report, values.get("status", blank), columns.get("status", ""))
    fields["last_verified"] = check_dates(report, values.get("last_verified", blank), columns.get("last_verified", ""),
                                     "last_verified", today)
    fields.update({t: values[t] for t in ("source", "licence") if t in values})
    location = locate_assets(report, values, columns, postcodes)
    fields.update(postcode=location.postcode, latitude=np.round(location.lat, 6), longitude=np.round(location.lon, 6))
    return fields, location


def _practitioner_fields(report: Report, values: dict, columns: dict, postcodes,
                         today: pd.Timestamp) -> tuple[dict, Location]:
    """Return the practitioner fields the file gives (besides ids and area codes) per row, and each
    district centroid."""
    if "postcode_district" not in values:
        check_required(report, values, columns, "postcode_district", "every practitioner is placed by it")
    fields = _vocabularies(report, values, columns, schema.PRACTITIONER_MULTI_VALUED,
                           schema.PRACTITIONER_SINGLE_VALUED)
    for flag in schema.PRACTITIONER_FLAGS:
        if flag in values:
            fields[flag] = check_flags(report, values[flag], columns[flag], flag)
    fields.update({t: values[t] for t in ("source", "licence") if t in values})
    location = locate_practitioners(report, values, columns, postcodes)
    fields.update(postcode_district=location.postcode, latitude=np.round(location.lat, 6),
                  longitude=np.round(location.lon, 6))
    return fields, location


def _fallback_keys(kind: str, fields: dict, location: Location, report: Report, source: str) -> list[str]:
    """Return per row the text an id is derived from when the file gives none."""
    if kind == "practitioners":
        return [f"{source}|{n}|{d}" for n, d in zip(report.numbers, location.postcode.fillna("").tolist())]
    names = fields["name"].fillna("").str.casefold().tolist() if "name" in fields else [""] * len(report.numbers)
    codes = postcode.normalise(location.postcode).fillna("").tolist()
    return [f"{a}|{b}|{lat:.5f}|{lon:.5f}" for a, b, lat, lon in zip(names, codes, location.lat, location.lon)]


def _record_ids(kind: str, values: dict, fields: dict, location: Location, report: Report, source: str) -> np.ndarray:
    id_field = "asset_id" if kind == "assets" else "practitioner_id"
    blank = pd.Series([pd.NA] * len(report.numbers), dtype="string")
    return choose_ids(values.get(id_field, blank), values.get("source_id", blank),
                _fallback_keys(kind, fields, location, report, source), source)


def _duplicate_frame(report: Report, ids, repeat, first, in_store, kept) -> pd.DataFrame:
    record_index = np.cumsum(kept) - 1
    rows = [(int(report.numbers[i]), -1, str(ids[i]), "", f"repeats row {report.numbers[first[i]]}")
            for i in np.flatnonzero(repeat)]
    rows += [(int(report.numbers[i]), int(record_index[i]), str(ids[i]), existing, why)
             for i, existing, why in in_store]
    frame = pd.DataFrame(rows, columns=DUPLICATE_COLUMNS)
    return frame.sort_values("row", kind="stable").reset_index(drop=True)


def prepare(raw: "RawTable", kind: str, mapping: dict[str, str | None] | None = None, *,
            postcodes: "PostcodeTable", assigner: "PointAssigner", existing: pd.DataFrame | None = None,
            source: str = "Imported file", today: pd.Timestamp | None = None) -> Prepared:
    """Return the validated records of ``raw`` (``mapping`` None = ``suggest_mapping``) with their issues.

    ``existing`` (the store's records: id column, and name/postcode for assets)
    is used only to report duplicates. Coordinates are WGS84 degrees.
    """
    check_kind(kind)
    today = pd.Timestamp(today if today is not None else pd.Timestamp.now()).normalize().tz_localize(None)
    columns = check_mapping(raw, kind, mapping)
    report = Report(raw.row_numbers)
    if kind == "practitioners":
        columns = drop_personal(report, raw, columns)
    _carry_reader_issues(report, raw, columns)
    values = {t: check_text(report, cells_of(raw, c), c, t) for t, c in columns.items()}
    build = _asset_fields if kind == "assets" else _practitioner_fields
    fields, location = build(report, values, columns, postcodes, today)
    given = provenance.given(kind, fields, location.origin != "", len(report.numbers))
    fields = provenance.with_defaults(fields, source=source)
    codes = area_codes(report, location, columns, assigner, "postcode" if kind == "assets" else "postcode_district")
    ids = _record_ids(kind, values, fields, location, report, source)
    label = raw.row_label
    keys = name_key(fields["name"], location.postcode) if kind == "assets" and "name" in fields else None
    repeat_keys = {"same id": ids}
    if keys is not None:
        repeat_keys["same name and postcode"] = keys.to_numpy(dtype=object)
    repeat, first = find_repeats(report, repeat_keys, label)
    kept = ~report.failed & ~repeat
    id_field = "asset_id" if kind == "assets" else "practitioner_id"
    in_store = find_in_store(ids, keys, existing, id_field, kept)
    provenance.keep_stored_points(kind, given, in_store, existing, location.origin, location.postcode)
    table = pd.DataFrame({**{k: (v.to_numpy() if isinstance(v, pd.Series) else v) for k, v in fields.items()},
                          id_field: ids, **{c: codes[c].to_numpy() for c in schema.DERIVED}},
                         index=range(len(ids)))
    spec = schema.ASSET_COLUMNS if kind == "assets" else schema.PRACTITIONER_COLUMNS
    records = schema.conform(table[kept], spec)
    unused = [c for c in raw.frame.columns if c not in columns.values()]
    notes = list(raw.notes) + ([f"Columns not imported (not mapped to a field): {', '.join(unused)}."]
                               if unused else [])
    return Prepared(kind, records, np.asarray(report.numbers)[kept], report.issues,
                    _duplicate_frame(report, ids, repeat, first, in_store, kept), len(ids),
                    given=given[kept].reset_index(drop=True), notes=notes)
