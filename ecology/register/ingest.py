"""A raw table (``ecology.register.readers``) -> validated asset or practitioner records and a report.

``suggest_mapping`` guesses which file column holds which field; ``prepare``
checks every row and returns a ``Prepared``: the records that can be imported
(conformed to the schema, area codes filled), one ``Issue`` per problem naming
the row, column and field, and the rows that duplicate the store or repeat in
the file. Checks are vectorised over columns, so 100,000 rows take seconds.

Choices made here (documented for the import page):
- a missing, unreadable or future "last verified" date is left missing: the
  record counts as never verified (freshness lists it first), with a warning
  saying so; nothing is marked verified on the import day;
- defaults (the source name, ``IMPORT_LICENCE``, status "active", not a
  sample) fill in new records only: ``Prepared.given`` says which fields each
  row's file gave, and a merge into a stored record takes only those (see
  ``ecology.register.provenance``);
- a row holding HTML or script, or a value too long for its field, is not
  imported (an error), rather than imported with the value changed;
- practitioners without an id get ``import:<uuid5 of source, row, district>``,
  so importing the same file twice gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecology import schema, taxonomy
from ecology.places import postcode
from ecology.register import provenance
from ecology.places.crs import to_wgs84
from ecology.schema import Issue  # noqa: F401 (the report's rows; named here too)

if TYPE_CHECKING:
    from ecology.places.geography import PointAssigner, PostcodeTable
    from ecology.register.readers import RawTable

KINDS = ("assets", "practitioners")
IMPORT_LICENCE = provenance.IMPORT_LICENCE
# Never change: ids of imported rows without one are derived from it.
IMPORT_NAMESPACE = uuid.UUID("0d7c1f4e-2b8a-4f55-9c36-6a1e9b3d2f70")
SHOWN_VALUE_CHARS = 80


# -- column mapping ------------------------------------------------------------------------

_SOURCE_ID = ("id", "source id", "ref", "reference", "record id", "uid", "identifier", "service id", "ref no")
_HEALTH_FOCUS = ("health focus", "health", "health area", "health condition", "condition", "health need",
                 "health outcome", "health focuses")
_PROVENANCE = {"source": ("source", "data source"), "licence": ("licence", "license")}
# field -> column names (reduced by ``_key``) that mean it, in the order the mapping page lists them
_ASSET_SYNONYMS = {
    "asset_id": ("asset id",),
    "source_id": _SOURCE_ID,
    "name": ("name", "asset name", "service name", "offer name", "activity name", "programme name",
             "project name", "title", "venue name", "group name"),
    "organisation": ("organisation", "organization", "organisation name", "organization name", "org", "org name",
                     "provider", "provider name", "delivered by", "company"),
    "kind": ("kind", "type", "asset type", "kind of asset", "record type"),
    "activities": ("activities", "activity", "art form", "artform", "art forms", "creative activity", "discipline"),
    "health_focus": _HEALTH_FOCUS,
    "audiences": ("audiences", "audience", "who for", "who is it for", "target audience", "participants",
                  "client group", "beneficiaries", "age group"),
    "settings": ("settings", "setting", "venue type", "delivery setting"),
    "referral_routes": ("referral routes", "referral route", "referral", "referrals", "how to refer",
                        "access route"),
    "cost": ("cost", "price", "fee", "charge", "cost type"),
    "address": ("address", "full address", "street address", "address 1", "address line 1", "location address"),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code", "pcd"),
    "latitude": ("latitude", "lat", "y lat", "wgs84 latitude"),
    "longitude": ("longitude", "lon", "long", "lng", "x lon", "wgs84 longitude"),
    "easting": ("easting", "eastings", "os easting", "grid easting", "x"),
    "northing": ("northing", "northings", "os northing", "grid northing", "y"),
    "website": ("website", "url", "web", "web address", "web site", "link", "homepage"),
    "contact_email": ("contact email", "email", "e mail", "email address", "contact e mail"),
    "status": ("status", "active"),
    "last_verified": ("last verified", "verified", "date verified", "last checked", "date checked",
                      "last updated", "updated", "assured date", "verified on"),
    **_PROVENANCE,
    "attribution": ("attribution",),
}
_PRACTITIONER_SYNONYMS = {
    "practitioner_id": ("practitioner id",),
    "source_id": _SOURCE_ID,
    "disciplines": ("disciplines", "discipline", "art form", "art forms", "artform", "activities", "activity",
                    "creative practice", "practice"),
    "practice_type": ("practice type", "type", "type of practice", "organisation type", "business type"),
    "postcode_district": ("postcode district", "district", "postal district", "outward code", "postcode",
                          "post code", "home postcode", "work postcode"),
    "trained_safeguarding": ("trained safeguarding", "safeguarding", "safeguarding training"),
    "trained_edi": ("trained edi", "edi", "edi training", "equality and diversity", "equality diversity",
                    "equality diversity and inclusion"),
    "trained_mhfa": ("trained mhfa", "mhfa", "mental health first aid"),
    "has_supervision": ("has supervision", "supervision"),
    "in_peer_network": ("in peer network", "peer network", "peer support"),
    "paid_fairly": ("paid fairly", "fair pay", "fairly paid"),
    "lived_experience_led": ("lived experience led", "lived experience", "lived experience leadership"),
    "ethnically_diverse": ("ethnically diverse", "ethnic diversity", "global majority"),
    "disabled": ("disabled", "disability"),
    "health_focus": _HEALTH_FOCUS,
    **_PROVENANCE,
}
_TARGETS = {"assets": _ASSET_SYNONYMS, "practitioners": _PRACTITIONER_SYNONYMS}
# Column names that hold personal data about a practitioner: never imported.
_PERSONAL = re.compile(r"\b(e ?mail|phone|telephone|mobile|tel|address|street|birth|dob|birthday|forename|"
                       r"surname|nhs number|ni number|national insurance)\b|"
                       r"^(full |first |last |given |family |your |contact |practitioner |person s )?name$")


def _key(name: object) -> str:
    """Return a column name reduced for matching: lower case, words only ("Post-Code" -> "post code")."""
    text = str(name).lower().replace("&", " and ").replace("(s)", "s")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _lookup(kind: str) -> dict[str, str]:
    """Return {reduced name or synonym: target} for a kind (the field's own name included)."""
    lookup: dict[str, str] = {}
    for target, synonyms in _TARGETS[kind].items():
        for name in (target, *synonyms):
            lookup.setdefault(_key(name), target)
    return lookup


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


def mapping_targets(kind: str) -> list[str]:
    """Return the fields a file column can be mapped to, in display order."""
    _check_kind(kind)
    return list(_TARGETS[kind])


def is_personal_column(name: str) -> bool:
    """Return True when a column name says it holds personal data (name, email, phone, address, birth date)."""
    return bool(_PERSONAL.search(_key(name)))


def suggest_mapping(columns: list[str], kind: str) -> dict[str, str | None]:
    """Return {file column: target field or None}; each target is given to its first matching column."""
    _check_kind(kind)
    lookup, used, mapping = _lookup(kind), set(), {}
    for column in columns:
        key = _key(column)
        target = lookup.get(key) or lookup.get(key.removesuffix("s"))
        if kind == "practitioners" and is_personal_column(column):
            target = None
        if target in used:
            target = None
        used.add(target)
        mapping[column] = target
    return mapping


def _check_mapping(raw: "RawTable", kind: str, mapping: dict[str, str | None] | None) -> dict[str, str]:
    """Return {target: file column}; raise ValueError for unknown columns/targets or a target used twice."""
    mapping = suggest_mapping(list(raw.frame.columns), kind) if mapping is None else mapping
    targets, by_target = set(mapping_targets(kind)), {}
    for column, target in mapping.items():
        if target is None:
            continue
        if column not in raw.frame.columns:
            raise ValueError(f"the mapping names column {column!r}, which the file does not have")
        if target not in targets:
            raise ValueError(f"{target!r} is not a field {kind} can be mapped to")
        if target in by_target:
            raise ValueError(f"columns {by_target[target]!r} and {column!r} are both mapped to {target!r}")
        by_target[target] = column
    return by_target


# -- collecting issues ---------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Whitespace spelled out: pandas runs ``\s`` through Python's re, ten times slower than pyarrow's RE2.
_SPACES = "[ \t\n\r\f\v\u00a0\u2000-\u200b\u3000]+"


def shown(value: object) -> str:
    """Return a value as it appears in a report: control characters removed, at most 80 characters."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


class _Report:
    """Issues for a table's rows, and which rows have an error."""

    def __init__(self, numbers: np.ndarray):
        self.numbers = np.asarray(numbers)
        self.failed = np.zeros(len(self.numbers), dtype=bool)
        self.issues: list[Issue] = []
        self.reader_rows: dict[str, set[int]] = {}  # column -> rows the reader already reported on

    def reported(self, column: str) -> np.ndarray:
        """Return True for rows whose ``column`` the reader already reported (so it is not said twice)."""
        return np.isin(self.numbers, list(self.reader_rows.get(column, ())))

    def add(self, mask, column: str, target: str, severity: str, message, values=None) -> None:
        """Add one issue per True in ``mask``; ``message`` is a str, a per-row sequence or a function of position."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return
        values = None if values is None else np.asarray(values, dtype=object)
        for i in positions:
            text = message if isinstance(message, str) else message(i) if callable(message) else message[i]
            self.issues.append(Issue(int(self.numbers[i]), column, target, severity, text,
                                     "" if values is None else shown(values[i])))
        if severity == "error":
            self.failed[positions] = True

    def file(self, severity: str, message: str, column: str = "", target: str = "") -> None:
        self.issues.append(Issue(None, column, target, severity, message))


# -- text cells ----------------------------------------------------------------------------

_LIMITS = {"name": 300, "organisation": 300, "address": 500, "postcode": 20, "postcode_district": 20,
           "website": 2000, "contact_email": 254, "asset_id": 200, "practitioner_id": 200, "source_id": 200,
           "source": 300, "licence": 300, "attribution": 1000, "status": 30, "last_verified": 40,
           "latitude": 40, "longitude": 40, "easting": 40, "northing": 40}
DEFAULT_LIMIT = 2000
_WS = "[ \t\n\r\f\v]*"
_HTML = (f"(?i)<{_WS}/?{_WS}[a-z!][^<>]*>|<{_WS}script|javascript{_WS}:|vbscript{_WS}:"
         f"|data{_WS}:{_WS}text/html")
_GUARD = r"'+[=+\-@\t\r]"  # export.neutralise's apostrophe(s) before a formula trigger


def _cells(raw: "RawTable", column: str) -> pd.Series:
    """Return a column as stripped strings (missing where blank), without export's formula guard."""
    values = pd.Series(raw.frame[column].to_numpy(dtype=object), dtype="string").str.strip()
    guarded = values.str.match(_GUARD).fillna(False)
    values = values.mask(guarded, values.str[1:])  # take off the one apostrophe export.neutralise added
    return values.mask(values == "")


def _check_text(report: _Report, values: pd.Series, column: str, target: str) -> pd.Series:
    """Report HTML, formulas, over-long values and control characters; return the cleaned values."""
    present = values.notna().to_numpy()
    text = values.fillna("")
    lengths = text.str.len().to_numpy()
    limit = _LIMITS.get(target, DEFAULT_LIMIT)
    too_long = present & (lengths > limit)
    report.add(too_long, column, target, "error",
               lambda i: f"{target} is {lengths[i]:,} characters long; the limit is {limit:,}. Shorten it.", values)
    checked = present
    html = checked & text.str.contains(_HTML, regex=True).to_numpy()
    report.add(html, column, target, "error",
               f"{target} contains HTML markup or a script link; the directory holds plain text only. "
               "Remove the markup.", values)
    # Text that starts like a formula ("-Minus Group", "@Home Arts", "=SUM(1)") is stored as it
    # is: every CSV or spreadsheet export puts an apostrophe in front (export.neutralise), so no
    # spreadsheet runs it. A leading "=" is unusual enough in a name to be pointed out.
    first = text.str[:1].to_numpy(dtype=object)
    formula = checked & ~html & (first == "=")
    report.add(formula, column, target, "warning",
               f"{target} starts with '=': kept as text; exports put an apostrophe in front so a spreadsheet "
               "shows it rather than running it as a formula.", values)
    control = checked & text.str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", regex=True).to_numpy()
    report.add(control, column, target, "warning",
               f"{target} held invisible control characters; they were removed.", values)
    cleaned = values.str.replace(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", regex=True)
    if target != "address":  # only an address may keep its line breaks
        cleaned = cleaned.str.replace(_SPACES, " ", regex=True)
    return cleaned


# -- vocabularies ----------------------------------------------------------------------------


def _parse_terms(text: str, vocabulary: str) -> tuple[list[str], list[str]]:
    """Return (term ids, unknown values) of one cell; splits on ; | first, then on / and ,."""
    whole = taxonomy.resolve(vocabulary, text)
    if whole:
        return [whole], []
    ids, unknown = [], []
    for part in (p.strip() for p in re.split(r"[;|]", text)):
        if not part:
            continue
        found = taxonomy.resolve(vocabulary, part)
        pieces = [(part, found)] if found else [(p.strip(), taxonomy.resolve(vocabulary, p)) for p in
                                                re.split(r"[/,]", part) if p.strip()]
        for piece, term in pieces:
            if term and term not in ids:
                ids.append(term)
            elif not term:
                unknown.append(piece)
    return ids, unknown


def _known_labels(vocabulary: str) -> str:
    return ", ".join(t.label for t in taxonomy.terms(vocabulary))


def _vocabulary(report: _Report, values: pd.Series, column: str, target: str, vocabulary: str,
                multi: bool) -> pd.Series:
    """Return stored terms ("|a|b|" when ``multi``, else one id); warn about unknown or extra values."""
    codes, distinct = pd.factorize(values)
    parsed = [_parse_terms(str(v), vocabulary) for v in distinct]
    stored = [schema.join_terms(ids) if multi else (ids[0] if ids else None) for ids, _ in parsed]
    messages = []
    for ids, unknown in parsed:
        parts = []
        if unknown:
            kept = " (the other terms were kept)" if ids else ""
            parts.append(f"{', '.join(repr(u) for u in unknown)} is not a known {vocabulary.replace('_', ' ')} "
                         f"term, so it was left out{kept}. Known terms: {_known_labels(vocabulary)}.")
        if not multi and len(ids) > 1:
            parts.append(f"{target} takes one term; only the first ({ids[0]}) was kept.")
        messages.append(" ".join(parts))
    row_messages = np.array(messages + [""], dtype=object)[codes]
    report.add(row_messages != "", column, target, "warning", row_messages, values)
    result = np.array(stored + [None], dtype=object)[codes]
    return pd.Series(result, index=values.index, dtype="string")


# -- yes/no, numbers, dates, links -----------------------------------------------------------

_YES = {"yes", "y", "true", "t", "1"}
_NO = {"no", "n", "false", "f", "0"}


def _flags(report: _Report, values: pd.Series, column: str, target: str) -> pd.Series:
    """Return a pandas "boolean" Series from yes/no/true/false/1/0/y/n (unknown otherwise, with a warning)."""
    lower = values.str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[lower.isin(_YES).fillna(False).to_numpy()] = True
    result[lower.isin(_NO).fillna(False).to_numpy()] = False
    unknown = values.notna().to_numpy() & result.isna().to_numpy()
    report.add(unknown, column, target, "warning",
               f"{target} should be yes or no; this value was not understood, so it was left unknown.", values)
    return result


def _numbers(report: _Report, values: pd.Series, column: str, target: str) -> np.ndarray:
    """Return floats (NaN where blank); a value that is not a number is an error. "53,48" reads as 53.48."""
    text = values.where(values.str.contains(".", regex=False).fillna(True), values.str.replace(",", ".",
                                                                                               regex=False))
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = values.notna().to_numpy() & ~np.isfinite(numbers)
    report.add(bad, column, target, "error", f"{target} is not a number.", values)
    return np.where(bad, np.nan, numbers)


def _local_dates(instants: pd.Series) -> pd.Series:
    """Return UTC instants as naive times in England (a date stays its own day)."""
    return instants.dt.tz_convert("Europe/London").dt.tz_localize(None)


def _dates(report: _Report, values: pd.Series, column: str, target: str, today: pd.Timestamp) -> pd.Series:
    """Return dates (ISO first, then day-first forms such as 01/03/2026); blank, unreadable and
    future ones are missing (never verified), never ``today``: no one checked the record today."""
    codes, distinct = pd.factorize(values)
    # utc=True: real feeds mix UTC offsets ("+00:00", "+01:00"), which pandas refuses to put in one
    # column otherwise; each instant is then read as its date in England.
    parsed = _local_dates(pd.to_datetime(pd.Series(distinct, dtype="string"), format="ISO8601", errors="coerce",
                                         utc=True))
    rest = parsed.isna().to_numpy()
    if rest.any():
        # By position: the parsed subset's own index would line values up with the wrong rows.
        parsed[rest] = _local_dates(pd.to_datetime(pd.Series(distinct[rest], dtype="string"), format="mixed",
                                                   dayfirst=True, errors="coerce", utc=True)).to_numpy()
    dates = pd.Series(np.append(parsed.dt.normalize().to_numpy(), np.datetime64("NaT"))[codes], index=values.index)
    bad = values.notna().to_numpy() & dates.isna().to_numpy()
    report.add(bad, column, target, "warning",
               f"{target} is not a date (use YYYY-MM-DD or DD/MM/YYYY); the row is recorded as never verified "
               "(a record it merges into keeps its own date).", values)
    future = (dates > today).fillna(False).to_numpy()
    report.add(future, column, target, "warning",
               f"{target} is in the future; the row is recorded as never verified (a record it merges into "
               "keeps its own date).", values)
    missing = int((values.isna() & ~pd.Series(bad, index=values.index)).sum())
    if missing:
        report.file("warning", f"{missing:,} row(s) had no {target} date: they are recorded as never verified "
                    "(records they merge into keep their own date).", column, target)
    return dates.mask(bad | future)


_URL = r"(?i)https?://[^ \t\n\r\f\v<>\"]+"
_BARE_DOMAIN = r"(?i)(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/[^ \t\n\r\f\v<>\"]*)?"


def _website(report: _Report, values: pd.Series, column: str) -> pd.Series:
    """Return http(s) addresses; "www.x.org" gets "https://" (warning); anything else is an error."""
    web = values.str.fullmatch(_URL).fillna(True).to_numpy()
    bare = ~web & values.str.fullmatch(_BARE_DOMAIN).fillna(False).to_numpy()
    report.add(bare, column, "website", "warning", "website had no http:// or https://; https:// was added.",
               values)
    report.add(~web & ~bare, column, "website", "error",
               "website is not a web address: it must start with http:// or https://.", values)
    return values.where(~bare, "https://" + values)


def _email(report: _Report, values: pd.Series, column: str) -> pd.Series:
    """Return the addresses; one not shaped like name@domain.tld is an error."""
    ok = values.str.fullmatch(r"[^@ \t\n\r\f\v<>\"(),;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+").fillna(True).to_numpy()
    report.add(~ok, column, "contact_email", "error",
               "contact_email is not an email address (expected something like info@example.org).", values)
    return values


def _status(report: _Report, values: pd.Series, column: str) -> pd.Series:
    """Return "active"/"inactive" ("closed", "no", "ended" ... read as inactive); missing where blank
    or not understood (a new record then gets the default, a merged one keeps its own)."""
    lower = values.str.lower()
    inactive = lower.isin(["inactive", "closed", "ended", "stopped", "no", "false", "0", "paused",
                           "suspended", "archived"]).fillna(False)
    active = lower.isin(["active", "open", "running", "yes", "true", "1", "live", "current"]).fillna(False)
    unknown = (values.notna() & ~inactive & ~active).to_numpy()
    report.add(unknown, column, "status", "warning",
               "status should be active or inactive; this value was not understood, so it was left out "
               "(a new record is recorded as active).", values)
    return pd.Series(np.where(inactive, "inactive", np.where(active, "active", None)), index=values.index,
                     dtype="string")


# -- location ----------------------------------------------------------------------------------

# England's extent in degrees: a latitude in the longitude range (and the reverse) means swapped columns.
_ENGLAND_LAT = (49.8, 55.9)
_ENGLAND_LON = (-6.5, 1.9)
# Said only of points outside England, so areas that straddle the border (CH, SY, HR, TD) are safe.
_AREA_COUNTRY = {**dict.fromkeys("AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE".split(), "a Scottish"),
                 **dict.fromkeys("CF LD LL NP SA SY CH HR".split(), "a Welsh"),
                 "BT": "a Northern Irish", "JE": "a Jersey", "GY": "a Guernsey", "IM": "an Isle of Man"}
_DISTRICT = r"[A-Z]{1,2}[0-9][A-Z0-9]?"


@dataclass
class _Location:
    """Per row: WGS84 lat/lon (NaN = none), where it came from, and the postcode to store."""

    lat: np.ndarray
    lon: np.ndarray
    origin: np.ndarray  # "latitude" | "easting" | "postcode" | ""
    postcode: pd.Series


def _pair(report: _Report, values: dict, columns: dict, first: str, second: str) -> tuple[np.ndarray, np.ndarray]:
    """Return two number columns (NaN where blank or not a number)."""
    empty = pd.Series([pd.NA] * len(report.numbers), dtype="string")
    a = _numbers(report, values.get(first, empty), columns.get(first, ""), first)
    b = _numbers(report, values.get(second, empty), columns.get(second, ""), second)
    return a, b


def _coordinates(report: _Report, values: dict, columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return latitude, longitude in range (swapped back where needed); errors for out-of-range values."""
    lat, lon = _pair(report, values, columns, "latitude", "longitude")
    swapped = ((lon >= _ENGLAND_LAT[0]) & (lon <= _ENGLAND_LAT[1]) & (lat >= _ENGLAND_LON[0])
               & (lat <= _ENGLAND_LON[1]))
    report.add(swapped, columns.get("latitude", ""), "latitude", "warning",
               lambda i: f"latitude ({lat[i]:g}) and longitude ({lon[i]:g}) look swapped for a place in England; "
                         "they were swapped back.")
    lat, lon = np.where(swapped, lon, lat), np.where(swapped, lat, lon)
    with np.errstate(invalid="ignore"):
        bad_lat, bad_lon = np.abs(lat) > 90, np.abs(lon) > 180
    report.add(bad_lat, columns.get("latitude", ""), "latitude", "error",
               lambda i: f"latitude {lat[i]:g} is outside -90 to 90 degrees.", values.get("latitude"))
    report.add(bad_lon, columns.get("longitude", ""), "longitude", "error",
               lambda i: f"longitude {lon[i]:g} is outside -180 to 180 degrees.", values.get("longitude"))
    lat[bad_lat | bad_lon], lon[bad_lat | bad_lon] = np.nan, np.nan
    return lat, lon


def _grid(report: _Report, values: dict, columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return WGS84 latitude, longitude from easting/northing (British National Grid metres)."""
    east, north = _pair(report, values, columns, "easting", "northing")
    with np.errstate(invalid="ignore"):
        outside = ((east < 0) | (east > 700_000) | (north < 0) | (north > 1_300_000))
    report.add(outside, columns.get("easting", ""), "easting", "error",
               lambda i: f"easting {east[i]:g}, northing {north[i]:g} is outside the British National Grid "
                         "(0-700,000 m east, 0-1,300,000 m north).", values.get("easting"))
    east[outside], north[outside] = np.nan, np.nan
    if not np.isfinite(east).any():
        return np.full(len(east), np.nan), np.full(len(east), np.nan)
    lon, lat = to_wgs84(east, north)
    return lat, lon


def _half_pairs(report: _Report, values: dict, columns: dict, fallback: np.ndarray) -> None:
    """Report a latitude without longitude (or easting without northing): an error unless placed otherwise."""
    for first, second in (("latitude", "longitude"), ("easting", "northing")):
        if first not in values and second not in values:
            continue
        a = values[first].notna().to_numpy() if first in values else np.zeros(len(fallback), bool)
        b = values[second].notna().to_numpy() if second in values else np.zeros(len(fallback), bool)
        for severity, mask in (("error", ~fallback), ("warning", fallback)):
            report.add((a ^ b) & mask, columns.get(first if a.any() else second, ""), first, severity,
                       f"{first} and {second} must both be given; only one was"
                       + (", so the postcode was used." if severity == "warning" else " and there is no postcode."))


def _postcode_issues(report: _Report, geo: pd.DataFrame, given: pd.Series, column: str, placed: np.ndarray) -> None:
    """Report postcodes that could not be located: an error when the row has no other location."""
    bad = given.notna().to_numpy() & (geo["status"].to_numpy() != "ok")
    reasons = geo["reason"].to_numpy()
    for severity, mask, tail in (("error", bad & ~placed, " The row has no other location, so it was not imported."),
                                 ("warning", bad & placed, " The coordinates given were used.")):
        report.add(mask, column, "postcode", severity, lambda i, tail=tail: f"postcode is {reasons[i]}.{tail}", given)


def _locate_assets(report: _Report, values: dict, columns: dict, postcodes: "PostcodeTable") -> _Location:
    """Return each row's location: latitude/longitude, else easting/northing, else the postcode."""
    n = len(report.numbers)
    if not {"postcode", "latitude", "longitude", "easting", "northing"} & set(values):
        _required(report, values, columns, "postcode", "every asset needs a location (or map latitude and "
                  "longitude, or easting and northing)")
    lat, lon = _coordinates(report, values, columns)
    grid_lat, grid_lon = _grid(report, values, columns) if {"easting", "northing"} & set(values) else (
        np.full(n, np.nan), np.full(n, np.nan))
    given = values.get("postcode", pd.Series([pd.NA] * n, dtype="string"))
    geo = postcodes.geocode(given.tolist())
    has_ll, has_en = np.isfinite(lat) & np.isfinite(lon), np.isfinite(grid_lat) & np.isfinite(grid_lon)
    has_pc = geo["status"].to_numpy() == "ok"
    origin = np.select([has_ll, has_en, has_pc], ["latitude", "easting", "postcode"], "")
    lat = np.select([has_ll, has_en, has_pc], [lat, grid_lat, geo["lat"].to_numpy()], np.nan)
    lon = np.select([has_ll, has_en, has_pc], [lon, grid_lon, geo["lon"].to_numpy()], np.nan)
    _half_pairs(report, values, columns, has_pc)
    _postcode_issues(report, geo, given, columns.get("postcode", ""), has_ll | has_en)
    # no location at all; a feature whose geometry the reader rejected has been told so already
    nothing = ~given.notna().to_numpy() & ~report.reported("geometry")
    nothing &= bool({"postcode", "latitude", "longitude", "easting", "northing"} & set(values))
    for name in ("latitude", "longitude", "easting", "northing"):
        if name in values:
            nothing &= values[name].isna().to_numpy()
    report.add(nothing, "", "postcode", "error",
               "No location: give a postcode, or latitude and longitude, or easting and northing.")
    tidy = geo["postcode"].where(geo["status"] != "invalid")  # an invalid postcode is not stored
    return _Location(lat, lon, origin, pd.Series(tidy.to_numpy(), dtype="string"))


def _outside_message(location: _Location, label: str) -> callable:
    def message(i: int) -> str:
        where = f"{location.lat[i]:.5f}, {location.lon[i]:.5f}"
        if location.origin[i] == "postcode" and isinstance(location.postcode[i], str):
            code = location.postcode[i]
            area = re.match(r"[A-Z]+", code).group(0)
            country = _AREA_COUNTRY.get(area)
            why = f": {area} is {country} postcode area" if country else ""
            return f"{label} {code} is outside England{why}. This directory covers England only."
        return f"The point {where} (from {location.origin[i]}) is outside England. This directory covers England only."
    return message


def _areas(report: _Report, location: _Location, columns: dict, assigner: "PointAssigner",
           postcode_field: str) -> pd.DataFrame:
    """Return lad/icb/region codes per row; a located point outside England is an error."""
    codes = assigner.assign(location.lon, location.lat)
    outside = np.isfinite(location.lat) & codes["lad_code"].isna().to_numpy()
    label = postcode_field.replace("_", " ")
    for origin, target in (("latitude", "latitude"), ("easting", "easting"), ("postcode", postcode_field)):
        report.add(outside & (location.origin == origin), columns.get(target, ""), target, "error",
                   _outside_message(location, label), location.postcode if origin == "postcode" else None)
    return codes


def district_centroids(postcodes: "PostcodeTable", districts: list[str]) -> pd.DataFrame:
    """Return lat, lon (WGS84 mean of the district's located postcodes) and count, one row per district."""
    rows = []
    for district in districts:
        width = len(district) + 3
        low, high = postcode.pack(pd.Series([district + "0AA", district + "9ZZ"]))
        start, stop = np.searchsorted(postcodes.keys, [low, high + 1])
        keys = postcodes.keys[start:stop]
        # "M1" + "4AB" sorts among "M14 5AB"-style keys: keep only codes exactly district + 3 long.
        mine = (keys % 37 ** (postcode.MAX_LENGTH - width) == 0) if width < postcode.MAX_LENGTH else np.ones(
            len(keys), bool)
        lat = postcodes.lat[start:stop][mine].astype("float64")
        lon = postcodes.lon[start:stop][mine].astype("float64")
        located = np.isfinite(lat)
        rows.append((district, lat[located].mean() if located.any() else np.nan,
                     lon[located].mean() if located.any() else np.nan, int(located.sum())))
    frame = pd.DataFrame(rows, columns=["district", "lat", "lon", "count"]).set_index("district")
    return frame.astype({"lat": "float64", "lon": "float64", "count": "int64"})


def _locate_practitioners(report: _Report, values: dict, columns: dict, postcodes: "PostcodeTable") -> _Location:
    """Return each row's postcode district (full postcodes cut, with a warning) and its centroid."""
    n, column = len(report.numbers), columns.get("postcode_district", "")
    given = values.get("postcode_district", pd.Series([pd.NA] * n, dtype="string"))
    norm = postcode.normalise(given)
    full = postcode.is_valid(norm).to_numpy()
    district = norm.where(~full, norm.str[:-3])
    report.add(full, column, "postcode_district", "warning",
               "A full postcode was given; only its district was kept (practitioner records never hold a "
               "full postcode).", district)  # the district, not the full postcode, goes into the report
    shaped = district.str.fullmatch(_DISTRICT).fillna(False).to_numpy()
    report.add(given.notna().to_numpy() & ~shaped, column, "postcode_district", "error",
               "postcode_district is not a postcode district (expected the first half of a postcode, e.g. M14).",
               given.where(~pd.Series(full), district))
    report.add(given.isna().to_numpy() & ("postcode_district" in values), column, "postcode_district", "error",
               "postcode_district is missing: every practitioner needs one to be placed.")
    district = district.where(pd.Series(shaped))
    codes, distinct = pd.factorize(district)
    centroids = district_centroids(postcodes, list(distinct))
    lat = np.append(centroids["lat"].to_numpy(), np.nan)[codes]
    lon = np.append(centroids["lon"].to_numpy(), np.nan)[codes]
    report.add(shaped & ~np.isfinite(lat), column, "postcode_district", "error",
               "postcode_district has no located postcodes in the postcode directory (NSPL May 2025).", district)
    origin = np.where(np.isfinite(lat), "postcode", "")
    return _Location(lat, lon, origin, pd.Series(district.to_numpy(), dtype="string"))


# -- ids and duplicates -----------------------------------------------------------------------


def _name_key(names: pd.Series, postcodes: pd.Series) -> pd.Series:
    """Return "name|POSTCODE" ignoring case and spacing (missing when either is missing)."""
    name = names.astype("string").str.casefold().str.replace(_SPACES, " ", regex=True).str.strip()
    code = postcodes.astype("string").str.upper().str.replace(_SPACES, "", regex=True)
    return (name + "|" + code).mask(name.isna() | code.isna() | (code == ""))


def source_slug(source: str) -> str:
    """Return the id prefix of a source name: "Bradford Directory.xlsx" -> "bradford-directory-xlsx"."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(source).casefold()).strip("-")
    return slug[:60] or "import"


def _ids(given: pd.Series, source_ids: pd.Series, fallback: list[str], source: str) -> np.ndarray:
    """Return ids: the given id, else "import:<source slug>:<source id>" (two directories that
    both number rows 1, 2, 3 must not clash), else "import:<uuid5 of fallback>"."""
    prefix = f"import:{source_slug(source)}:"
    ids = given.astype(object).where(given.notna(), (prefix + source_ids).astype(object))
    ids = np.array(ids.where(ids.notna(), None).to_numpy(dtype=object), dtype=object)  # a writable copy
    for i in np.flatnonzero(pd.isna(ids)):
        ids[i] = f"import:{uuid5(fallback[i])}"
    return ids


def uuid5(name: str, namespace: uuid.UUID = IMPORT_NAMESPACE) -> str:
    """Return ``str(uuid.uuid5(namespace, name))``, built without a UUID object (three times faster)."""
    digest = bytearray(hashlib.sha1(namespace.bytes + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _repeats(report: _Report, keys: dict[str, np.ndarray], label: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (repeat mask, position of the first row) over rows without errors; warn on each repeat."""
    n = len(report.numbers)
    repeat, first = np.zeros(n, bool), np.full(n, -1)
    for why, key in keys.items():
        candidate = ~report.failed & ~repeat & pd.notna(key)
        positions = np.flatnonzero(candidate)
        if not len(positions):
            continue
        frame = pd.DataFrame({"key": key[positions], "position": positions})
        frame["first"] = frame.groupby("key")["position"].transform("min")
        later = frame[frame["position"] != frame["first"]]
        repeat[later["position"].to_numpy()] = True
        first[later["position"].to_numpy()] = later["first"].to_numpy()
        numbers = report.numbers
        report.add(np.isin(np.arange(n), later["position"].to_numpy()), "", "", "warning",
                   lambda i, why=why: f"This {label} repeats {label} {numbers[first[i]]} ({why}); only the first "
                                      "was imported.")
    return repeat, first


def _in_store(ids: np.ndarray, keys: pd.Series | None, existing: pd.DataFrame | None, id_column: str,
              kept: np.ndarray) -> list[tuple[int, str, str]]:
    """Return (position, existing id, reason) for kept rows whose id or name+postcode is already stored."""
    if existing is None or existing.empty or id_column not in existing:
        return []
    stored_ids = set(existing[id_column].dropna().astype(str))
    by_key: dict[str, str] = {}
    if keys is not None and {"name", "postcode"} <= set(existing.columns):
        stored_keys = _name_key(existing["name"], existing["postcode"])
        by_key = dict(zip(stored_keys.dropna(), existing.loc[stored_keys.notna(), id_column].astype(str)))
    found = []
    for i in np.flatnonzero(kept):
        if ids[i] in stored_ids:
            found.append((int(i), str(ids[i]), "same source id"))
        elif keys is not None and pd.notna(keys.iloc[i]) and keys.iloc[i] in by_key:
            found.append((int(i), by_key[keys.iloc[i]], "same name and postcode"))
    return found


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


def _carry_reader_issues(report: _Report, raw: "RawTable", columns: dict[str, str]) -> None:
    """Copy the reader's issues, with the field their column maps to; reader errors reject the row."""
    target_of = {column: target for target, column in columns.items()}
    position = {int(n): i for i, n in enumerate(report.numbers)}
    for issue in raw.issues:
        target = issue.field or target_of.get(issue.column, "")
        report.issues.append(Issue(issue.row, issue.column, target, issue.severity, issue.message, issue.value))
        report.reader_rows.setdefault(issue.column, set()).add(issue.row)
        if issue.severity == "error" and issue.row in position:
            report.failed[position[issue.row]] = True


def _required(report: _Report, values: dict, columns: dict, target: str, why: str) -> None:
    """Report a missing required field: once for the file if unmapped, else per blank row."""
    if target not in values:
        report.file("error", f"No column is mapped to {target}; {why}. Map a column to {target}.", "", target)
        report.failed[:] = True
        return
    blank = values[target].isna().to_numpy() & ~report.reported(columns[target])
    report.add(blank, columns[target], target, "error", f"{target} is missing; {why}.")


def _vocabularies(report: _Report, values: dict, columns: dict, multi: dict, single: dict) -> dict:
    out = {}
    for target, vocabulary in {**multi, **single}.items():
        if target in values:
            out[target] = _vocabulary(report, values[target], columns[target], target, vocabulary, target in multi)
    return out


def _asset_fields(report: _Report, values: dict, columns: dict, postcodes,
                  today: pd.Timestamp) -> tuple[dict, _Location]:
    """Return the asset fields the file gives (besides ids and area codes; missing where it gives
    none, defaults come later) per row, and each row's location."""
    n = len(report.numbers)
    _required(report, values, columns, "name", "every asset needs a name")
    fields = {t: values[t] for t in ("name", "organisation", "address", "attribution") if t in values}
    fields.update(_vocabularies(report, values, columns, schema.MULTI_VALUED, schema.SINGLE_VALUED))
    if "website" in values:
        fields["website"] = _website(report, values["website"], columns["website"])
    if "contact_email" in values:
        fields["contact_email"] = _email(report, values["contact_email"], columns["contact_email"])
    blank = pd.Series([pd.NA] * n, dtype="string")
    fields["status"] = _status(report, values.get("status", blank), columns.get("status", ""))
    fields["last_verified"] = _dates(report, values.get("last_verified", blank), columns.get("last_verified", ""),
                                     "last_verified", today)
    fields.update({t: values[t] for t in ("source", "licence") if t in values})
    location = _locate_assets(report, values, columns, postcodes)
    fields.update(postcode=location.postcode, latitude=np.round(location.lat, 6), longitude=np.round(location.lon, 6))
    return fields, location


def _practitioner_fields(report: _Report, values: dict, columns: dict, postcodes,
                         today: pd.Timestamp) -> tuple[dict, _Location]:
    """Return the practitioner fields the file gives (besides ids and area codes) per row, and each
    district centroid."""
    if "postcode_district" not in values:
        _required(report, values, columns, "postcode_district", "every practitioner is placed by it")
    fields = _vocabularies(report, values, columns, schema.PRACTITIONER_MULTI_VALUED,
                           schema.PRACTITIONER_SINGLE_VALUED)
    for flag in schema.PRACTITIONER_FLAGS:
        if flag in values:
            fields[flag] = _flags(report, values[flag], columns[flag], flag)
    fields.update({t: values[t] for t in ("source", "licence") if t in values})
    location = _locate_practitioners(report, values, columns, postcodes)
    fields.update(postcode_district=location.postcode, latitude=np.round(location.lat, 6),
                  longitude=np.round(location.lon, 6))
    return fields, location


def _drop_personal(report: _Report, raw: "RawTable", columns: dict[str, str]) -> dict[str, str]:
    """Return the mapping without personal-data columns; one file-level warning naming those in the file."""
    personal = [c for c in raw.frame.columns if is_personal_column(c)]
    if personal:
        report.file("warning", f"These columns hold personal data and were not imported: {', '.join(personal)}. "
                    "Practitioner records are pseudonymous: no names, contact details or addresses, and only "
                    "the postcode district.", ", ".join(personal))
    return {t: c for t, c in columns.items() if c not in personal}


def _fallback_keys(kind: str, fields: dict, location: _Location, report: _Report, source: str) -> list[str]:
    """Return per row the text an id is derived from when the file gives none."""
    if kind == "practitioners":
        return [f"{source}|{n}|{d}" for n, d in zip(report.numbers, location.postcode.fillna("").tolist())]
    names = fields["name"].fillna("").str.casefold().tolist() if "name" in fields else [""] * len(report.numbers)
    codes = postcode.normalise(location.postcode).fillna("").tolist()
    return [f"{a}|{b}|{lat:.5f}|{lon:.5f}" for a, b, lat, lon in zip(names, codes, location.lat, location.lon)]


def _record_ids(kind: str, values: dict, fields: dict, location: _Location, report: _Report, source: str) -> np.ndarray:
    id_field = "asset_id" if kind == "assets" else "practitioner_id"
    blank = pd.Series([pd.NA] * len(report.numbers), dtype="string")
    return _ids(values.get(id_field, blank), values.get("source_id", blank),
                _fallback_keys(kind, fields, location, report, source), source)


def _duplicate_frame(report: _Report, ids, repeat, first, in_store, kept) -> pd.DataFrame:
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
    _check_kind(kind)
    today = pd.Timestamp(today if today is not None else pd.Timestamp.now()).normalize().tz_localize(None)
    columns = _check_mapping(raw, kind, mapping)
    report = _Report(raw.row_numbers)
    if kind == "practitioners":
        columns = _drop_personal(report, raw, columns)
    _carry_reader_issues(report, raw, columns)
    values = {t: _check_text(report, _cells(raw, c), c, t) for t, c in columns.items()}
    build = _asset_fields if kind == "assets" else _practitioner_fields
    fields, location = build(report, values, columns, postcodes, today)
    given = provenance.given(kind, fields, location.origin != "", len(report.numbers))
    fields = provenance.with_defaults(fields, source=source)
    codes = _areas(report, location, columns, assigner, "postcode" if kind == "assets" else "postcode_district")
    ids = _record_ids(kind, values, fields, location, report, source)
    label = raw.row_label
    keys = _name_key(fields["name"], location.postcode) if kind == "assets" and "name" in fields else None
    repeat_keys = {"same id": ids}
    if keys is not None:
        repeat_keys["same name and postcode"] = keys.to_numpy(dtype=object)
    repeat, first = _repeats(report, repeat_keys, label)
    kept = ~report.failed & ~repeat
    id_field = "asset_id" if kind == "assets" else "practitioner_id"
    in_store = _in_store(ids, keys, existing, id_field, kept)
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
