"""Checking an import's cells field by field: text, vocabulary terms, yes/no, numbers, dates, links, status."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecology import schema, taxonomy
from ecology.register.ingest.report import Report, SPACES

if TYPE_CHECKING:
    from ecology.register.readers import RawTable


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


def cells_of(raw: "RawTable", column: str) -> pd.Series:
    """Return a column as stripped strings (missing where blank), without export's formula guard."""
    values = pd.Series(raw.frame[column].to_numpy(dtype=object), dtype="string").str.strip()
    guarded = values.str.match(_GUARD).fillna(False)
    values = values.mask(guarded, values.str[1:])  # take off the one apostrophe export.neutralise added
    return values.mask(values == "")


def check_text(report: Report, values: pd.Series, column: str, target: str) -> pd.Series:
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
        cleaned = cleaned.str.replace(SPACES, " ", regex=True)
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


def check_vocabulary(report: Report, values: pd.Series, column: str, target: str, vocabulary: str,
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


def check_flags(report: Report, values: pd.Series, column: str, target: str) -> pd.Series:
    """Return a pandas "boolean" Series from yes/no/true/false/1/0/y/n (unknown otherwise, with a warning)."""
    lower = values.str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[lower.isin(_YES).fillna(False).to_numpy()] = True
    result[lower.isin(_NO).fillna(False).to_numpy()] = False
    unknown = values.notna().to_numpy() & result.isna().to_numpy()
    report.add(unknown, column, target, "warning",
               f"{target} should be yes or no; this value was not understood, so it was left unknown.", values)
    return result


def check_numbers(report: Report, values: pd.Series, column: str, target: str) -> np.ndarray:
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


def check_dates(report: Report, values: pd.Series, column: str, target: str, today: pd.Timestamp) -> pd.Series:
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


def check_website(report: Report, values: pd.Series, column: str) -> pd.Series:
    """Return http(s) addresses; "www.x.org" gets "https://" (warning); anything else is an error."""
    web = values.str.fullmatch(_URL).fillna(True).to_numpy()
    bare = ~web & values.str.fullmatch(_BARE_DOMAIN).fillna(False).to_numpy()
    report.add(bare, column, "website", "warning", "website had no http:// or https://; https:// was added.",
               values)
    report.add(~web & ~bare, column, "website", "error",
               "website is not a web address: it must start with http:// or https://.", values)
    return values.where(~bare, "https://" + values)


def check_email(report: Report, values: pd.Series, column: str) -> pd.Series:
    """Return the addresses; one not shaped like name@domain.tld is an error."""
    ok = values.str.fullmatch(r"[^@ \t\n\r\f\v<>\"(),;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+").fillna(True).to_numpy()
    report.add(~ok, column, "contact_email", "error",
               "contact_email is not an email address (expected something like info@example.org).", values)
    return values


def check_status(report: Report, values: pd.Series, column: str) -> pd.Series:
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


def check_required(report: Report, values: dict, columns: dict, target: str, why: str) -> None:
    """Report a missing required field: once for the file if unmapped, else per blank row."""
    if target not in values:
        report.file("error", f"No column is mapped to {target}; {why}. Map a column to {target}.", "", target)
        report.failed[:] = True
        return
    blank = values[target].isna().to_numpy() & ~report.reported(columns[target])
    report.add(blank, columns[target], target, "error", f"{target} is missing; {why}.")

