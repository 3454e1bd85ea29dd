"""Asset tables out of the app (and CSV back in): CSV, GeoJSON and Open Referral UK JSON.

Pure functions on a ``schema.ASSET_COLUMNS`` table; nothing here draws a page.

CSV
    Written so a spreadsheet cannot run it: a text cell that a spreadsheet would
    read as a formula gets a leading apostrophe, which ``read_csv`` takes off
    again. Missing values are empty unquoted cells and empty strings are ``""``,
    so the two survive a round trip.

GeoJSON
    RFC 7946 FeatureCollection of Points ([longitude, latitude], WGS84).

Open Referral UK
    Follows ORUK version 3.0, the UK profile of the Human Services Data
    Specification (HSDS) 3.0, as published in the OpenReferralUK/uk-profile
    repository (``schema/*.json`` and ``profile/*.json``) and the compliance
    criteria at https://openreferraluk.org/developers/compliance. Required
    fields used here:

    - organization: id, name, description
    - service: id, name, status (and organization_id, required for flat data)
    - location: id
    - address: id, address_1, city, state_province, postal_code, country,
      address_type (HSDS 3.0 "addresses" with address_type "physical"; ORUK 1
      called these physical_addresses)
    - service_at_location: id (and service_id, location_id for flat data)
    - taxonomy: id, name, description
    - taxonomy_term: id, taxonomy (the ORUK profile replaces HSDS "name" with
      "term"; "code" is kept from HSDS 3.0 to carry our term id)
    - attribute (v3's replacement for service_taxonomy): id (and link_id,
      taxonomy_term_id, link_entity for flat data)
    - cost_option: id (and service_id)

    The record has no town or county, so the required address city and
    state_province are written as empty strings. Optional fields with no value
    are left out, as the compliance criteria ask, except taxonomy_term
    parent_id, which is written as null to say "top level" explicitly.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ecology import schema, taxonomy

ORUK_VERSION = "3.0"
# Never change: every exported id is derived from it, and consumers match
# records across exports by those ids.
ID_NAMESPACE = uuid.UUID("5c598c7f-c61b-4327-84aa-5b4fda90c4a1")
VOCABULARY_PREFIX = "creative-health-ecologies"
TERM_SEPARATOR = "; "

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# One or more apostrophes before a trigger also get one more, so that reading
# back can always remove exactly one and get the original text.
_TRIGGER = "[" + re.escape("".join(FORMULA_TRIGGERS)) + "]"
_NEEDS_PREFIX = re.compile("'*" + _TRIGGER)
_HAS_PREFIX = re.compile("'+" + _TRIGGER)
# One CSV field (quoted, or bare up to the next comma or line end) and what
# follows it. A quoted field that is not followed by a separator falls back to
# the bare form, as spreadsheets do.
_CSV_FIELD = re.compile(r'(?:"([^"]*(?:""[^"]*)*)"|([^,\r\n]*))(,|\r\n|\n|\r|\Z)')

_FLOAT_COLUMNS = tuple(c for c, t in schema.ASSET_COLUMNS.items() if t == "float64")
_DATE_COLUMNS = tuple(c for c, t in schema.ASSET_COLUMNS.items() if t.startswith("datetime"))
_BOOL_COLUMNS = tuple(c for c, t in schema.ASSET_COLUMNS.items() if t == "bool")
_TRUE_WORDS = {"true", "1", "yes"}
_VOCABULARY_FIELDS = {**schema.MULTI_VALUED, **schema.SINGLE_VALUED}
_COST_OPTIONS = {"free": ("Free", 0), "low_cost": ("Low cost", None), "paid": ("Paid", None)}


# -- shared helpers ---------------------------------------------------------

def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _text(value: object) -> str | None:
    return None if _missing(value) else str(value)


def _date(value: object) -> str | None:
    return None if _missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _coordinate(value: object, limit: float) -> float | None:
    if _missing(value):
        return None
    number = float(value)
    return number if math.isfinite(number) and -limit <= number <= limit else None


def _distinct(values: Iterable[object]) -> list[str]:
    """Return the non-empty texts in ``values``, each once, in order of first appearance."""
    seen: dict[str, None] = {}
    for value in values:
        text = _text(value)
        if text and text.strip():
            seen.setdefault(text, None)
    return list(seen)


def _records(assets: pd.DataFrame) -> list[dict[str, object]]:
    return schema.conform(assets).to_dict(orient="records")


def _stable_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


# -- CSV ------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """Return ``text`` with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if _NEEDS_PREFIX.match(text) else text


def restore(text: str) -> str:
    """Return ``text`` without the apostrophe that ``neutralise`` added (unchanged otherwise)."""
    return text[1:] if _HAS_PREFIX.match(text) else text


def _csv_field(value: str | None) -> str:
    if value is None:
        return ""
    if value == "" or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_cell(column: str, value: object) -> str | None:
    """Return the CSV text of one cell (None for a missing value), already neutralised."""
    if column in _FLOAT_COLUMNS:
        # repr is the shortest text that reads back as the identical float;
        # numbers are never prefixed (a spreadsheet must see -2.23 as a number).
        return None if _missing(value) else repr(float(value))
    if column in _DATE_COLUMNS:
        return _date(value)
    if column in _BOOL_COLUMNS:
        return "true" if bool(value) else "false"
    if _missing(value):
        return None
    if column in schema.MULTI_VALUED:
        return neutralise(TERM_SEPARATOR.join(schema.split_terms(value)))
    return neutralise(str(value))


def to_csv(assets: pd.DataFrame) -> str:
    """Return the assets as CSV text (header row, then one row per asset, CRLF line ends).

    Columns are ``schema.ASSET_COLUMNS`` in order; several-term fields are term
    ids joined by "; ", dates YYYY-MM-DD, is_sample "true"/"false", coordinates
    plain numbers. Text cells that start like a formula get a leading "'".
    The text has no byte-order mark; encode it as UTF-8 (or "utf-8-sig" for Excel).
    """
    columns = list(schema.ASSET_COLUMNS)
    lines = [",".join(_csv_field(c) for c in columns)]
    for record in _records(assets):
        lines.append(",".join(_csv_field(_csv_cell(c, record[c])) for c in columns))
    return "\r\n".join(lines) + "\r\n"


def table_to_csv(table: pd.DataFrame) -> str:
    """Return any display table as CSV text (CRLF line ends), every text cell neutralised.

    For reports and checking lists: numbers stay numbers, dates are YYYY-MM-DD,
    missing cells are empty.
    """
    def cell(value: object) -> str | None:
        if _missing(value):
            return None
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        if isinstance(value, (int, float, np.integer, np.floating)):
            return repr(value.item() if isinstance(value, np.generic) else value)
        if isinstance(value, (pd.Timestamp, dt.date)):
            return value.strftime("%Y-%m-%d")
        return neutralise(str(value))

    lines = [",".join(_csv_field(neutralise(str(c))) for c in table.columns)]
    for row in table.itertuples(index=False, name=None):
        lines.append(",".join(_csv_field(cell(v)) for v in row))
    return "\r\n".join(lines) + "\r\n"


def _parse_csv(text: str) -> list[list[str | None]]:
    """Return the rows of CSV ``text``; a bare empty field is None, a quoted one is ""."""
    rows: list[list[str | None]] = []
    row: list[str | None] = []
    position, end = 0, len(text)
    while position < end:
        match = _CSV_FIELD.match(text, position)
        quoted, bare, separator = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            row.append(quoted.replace('""', '"'))
        else:
            row.append(bare if bare else None)
        if separator != ",":
            rows.append(row)
            row = []
        position = match.end()
    if row:  # the text ended with a comma: one more, empty, field
        rows.append(row + [None])
    return rows


def _from_csv_cell(column: str, value: str | None) -> object:
    if column in _FLOAT_COLUMNS:
        return math.nan if value is None or not value.strip() else float(value)
    if column in _BOOL_COLUMNS:
        return value is not None and value.strip().lower() in _TRUE_WORDS
    if value is None:
        return pd.NA
    value = restore(value)
    if column in schema.MULTI_VALUED:
        return schema.join_terms([t.strip() for t in value.split(";")])
    return value


def read_csv(text: str) -> pd.DataFrame:
    """Return the asset table in CSV ``text`` (as written by ``to_csv``), passed through ``schema.conform``.

    Takes off the formula-guard apostrophes and turns "a; b" back into "|a|b|".
    Columns the text lacks come back empty; unknown columns are dropped.
    Raises ValueError when a row has a different number of cells from the header.
    """
    rows = _parse_csv(text.removeprefix("\ufeff"))
    if not rows:
        return schema.conform(pd.DataFrame({c: pd.Series(dtype="object") for c in schema.ASSET_COLUMNS}))
    header = [name or "" for name in rows[0]]
    body = [r for r in rows[1:] if r != [None]]  # blank lines
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"CSV row {number} has {len(row)} cells; the header has {len(header)}")
    position = {name: i for i, name in enumerate(header)}
    data: dict[str, list[object]] = {}
    for column in schema.ASSET_COLUMNS:
        index = position.get(column)
        cells = [None if index is None else row[index] for row in body]
        # Every column is built here (conform cannot make a missing float column).
        data[column] = [_from_csv_cell(column, cell) for cell in cells]
    return schema.conform(pd.DataFrame(data, dtype="object"))


# -- GeoJSON ----------------------------------------------------------------------

def _json_value(column: str, value: object) -> object:
    if column in schema.MULTI_VALUED:
        return None if _missing(value) else schema.split_terms(value)
    if column in _DATE_COLUMNS:
        return _date(value)
    if column in _BOOL_COLUMNS:
        return bool(value)
    if column in _FLOAT_COLUMNS:
        return None if _missing(value) or not math.isfinite(float(value)) else float(value)
    return _text(value)


def to_geojson(assets: pd.DataFrame) -> dict:
    """Return the assets as a GeoJSON FeatureCollection (RFC 7946) of Point features.

    Each feature has ``id`` = asset_id, geometry [longitude, latitude] and every
    other column as a property (several-term fields as lists of term ids, dates
    as "YYYY-MM-DD", missing values as null). Assets without a usable point
    (missing or out of range) are left out and counted in the top-level member
    ``assets_without_coordinates``. Top-level ``attribution`` and ``licence``
    list the distinct texts of all the input rows, in order of first appearance.
    Every value is a plain Python type, so ``json.dumps(..., allow_nan=False)`` works.
    """
    records = _records(assets)
    features = []
    for record in records:
        lat = _coordinate(record["latitude"], 90)
        lon = _coordinate(record["longitude"], 180)
        if lat is None or lon is None:
            continue
        properties = {c: _json_value(c, record[c]) for c in schema.ASSET_COLUMNS if c not in _FLOAT_COLUMNS}
        feature: dict[str, object] = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                                      "properties": properties}
        if properties["asset_id"] is not None:
            feature["id"] = properties["asset_id"]
        features.append(feature)
    return {
        "type": "FeatureCollection",
        "features": features,
        "assets_without_coordinates": len(records) - len(features),
        "attribution": _distinct(r["attribution"] for r in records),
        "licence": _distinct(r["licence"] for r in records),
    }


# -- Open Referral UK ---------------------------------------------------------------

def _organisation_key(name: str) -> str:
    # Spacing and case differences in a free-text name are not different organisations.
    return " ".join(name.split()).casefold()


def _service_description(record: dict[str, object]) -> str | None:
    parts = []
    for field, title in (("activities", "Activities"), ("health_focus", "Health focus"),
                         ("audiences", "Audiences"), ("settings", "Settings"),
                         ("referral_routes", "Referral routes")):
        labels = schema.term_labels(field, record[field])
        if labels:
            parts.append(f"{title}: {labels}.")
    if record["is_sample"]:
        # A feed consumer must not mistake an invented record for a real offer.
        parts.insert(0, "Generated sample record, not a real service.")
    return " ".join(parts) or None


def _vocabulary_terms(record: dict[str, object], field: str) -> list[str]:
    value = record[field]
    if field in schema.MULTI_VALUED:
        return schema.split_terms(value)
    text = _text(value)
    return [text] if text else []


def to_oruk(assets: pd.DataFrame) -> dict:
    """Return the assets as Open Referral UK 3.0 JSON (flat lists linked by id).

    Top-level lists: ``organizations`` (one per distinct organisation name; an
    asset without one is its own organisation), ``services`` (one per asset,
    with nested ``cost_options`` and ``attributes`` linking it to taxonomy
    terms), ``locations`` (assets with a point, an address or a postcode; with
    nested ``addresses``), ``service_at_locations``, ``taxonomies`` (one per
    vocabulary used) and ``taxonomy_terms`` (one per vocabulary term used).
    Also ``attribution`` and ``licence`` (distinct texts in order of first
    appearance) and ``oruk_version``. Ids are UUID5s of the asset id,
    organisation name or term id, so they are the same in every export.
    Raises ValueError when an asset_id is missing or repeated (ids would clash).
    """
    records = _records(assets)
    asset_ids = [_text(r["asset_id"]) for r in records]
    for number, asset_id in enumerate(asset_ids, start=1):
        if not asset_id:
            raise ValueError(f"asset_id missing on row {number}")
    if len(set(asset_ids)) != len(asset_ids):
        raise ValueError("asset_id values repeat, so ORUK ids would clash")

    organisations: dict[str, dict[str, object]] = {}
    services, locations, links = [], [], []
    terms: dict[tuple[str, str], dict[str, object]] = {}
    taxonomies: dict[str, dict[str, object]] = {}

    for record, asset_id in zip(records, asset_ids):
        name = _text(record["name"]) or asset_id
        organisation_name = _text(record["organisation"])
        if organisation_name and organisation_name.strip():
            organisation_id = _stable_id("organisation", _organisation_key(organisation_name))
        else:
            organisation_name, organisation_id = name, _stable_id("asset-organisation", asset_id)
        organisation = organisations.setdefault(organisation_id, {
            "id": organisation_id, "name": organisation_name, "description": "", "_count": 0})
        organisation["_count"] += 1

        service_id = _stable_id("service", asset_id)
        status = "inactive" if (_text(record["status"]) or "").strip().lower() == "inactive" else "active"
        service: dict[str, object] = {"id": service_id, "organization_id": organisation_id, "name": name,
                                      "status": status}
        optional = {"description": _service_description(record), "url": _text(record["website"]),
                    "email": _text(record["contact_email"]), "assured_date": _date(record["last_verified"])}
        service.update({k: v for k, v in optional.items() if v})

        cost = _text(record["cost"])
        if cost:
            option, amount = _COST_OPTIONS.get(cost, (taxonomy.label_of("cost", cost), None))
            cost_option: dict[str, object] = {"id": _stable_id("cost-option", asset_id), "service_id": service_id,
                                              "option": option}
            if amount is not None:
                cost_option["amount"] = amount
            service["cost_options"] = [cost_option]

        attributes = []
        for field, vocabulary in _VOCABULARY_FIELDS.items():
            for term_id in _vocabulary_terms(record, field):
                if vocabulary not in taxonomies:
                    taxonomies[vocabulary] = {
                        "id": _stable_id("taxonomy", vocabulary), "name": f"{VOCABULARY_PREFIX}:{vocabulary}",
                        "description": f"Creative Health Ecologies vocabulary: {vocabulary.replace('_', ' ')}"}
                term = terms.get((vocabulary, term_id))
                if term is None:
                    label = taxonomy.label_of(vocabulary, term_id)
                    term = terms[(vocabulary, term_id)] = {
                        "id": _stable_id(f"term:{vocabulary}", term_id), "code": term_id, "name": label,
                        "description": f"{label} ({vocabulary.replace('_', ' ')} in the Creative Health Ecologies "
                                       "vocabulary)", "term": label,
                        "taxonomy": f"{VOCABULARY_PREFIX}:{vocabulary}",
                        "taxonomy_id": taxonomies[vocabulary]["id"], "parent_id": None}
                attributes.append({"id": _stable_id(f"attribute:{field}:{term_id}", asset_id),
                                   "link_id": service_id, "link_entity": "service", "link_type": vocabulary,
                                   "taxonomy_term_id": term["id"]})
        if attributes:
            service["attributes"] = attributes
        services.append(service)

        lat = _coordinate(record["latitude"], 90)
        lon = _coordinate(record["longitude"], 180)
        address, postcode = _text(record["address"]), _text(record["postcode"])
        if (lat is None or lon is None) and not address and not postcode:
            continue
        location_id = _stable_id("location", asset_id)
        # location_type is required by the UK profile; every asset here is a place people go to.
        location: dict[str, object] = {"id": location_id, "location_type": "physical", "name": name}
        if lat is not None and lon is not None:
            location.update(latitude=lat, longitude=lon)
        if address or postcode:
            location["addresses"] = [{
                "id": _stable_id("address", asset_id), "location_id": location_id, "address_1": address or "",
                "city": "", "state_province": "", "postal_code": postcode or "", "country": "GB",
                "address_type": "physical"}]
        locations.append(location)
        links.append({"id": _stable_id("service-at-location", asset_id), "service_id": service_id,
                      "location_id": location_id})

    for organisation in organisations.values():
        count = organisation.pop("_count")
        organisation["description"] = (
            f"Provides {count} creative health offer{'s' if count != 1 else ''} "
            "listed in the Creative Health Ecologies directory.")

    return {
        "oruk_version": ORUK_VERSION,
        "organizations": list(organisations.values()),
        "services": services,
        "locations": locations,
        "service_at_locations": links,
        "taxonomies": list(taxonomies.values()),
        "taxonomy_terms": list(terms.values()),
        "attribution": _distinct(r["attribution"] for r in records),
        "licence": _distinct(r["licence"] for r in records),
    }
