"""CSV out and back in, safe for spreadsheets: formula-like text gets an apostrophe that reading removes."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

from ecology import schema
from ecology.register.export.common import (BOOL_COLUMNS, DATE_COLUMNS, FLOAT_COLUMNS, TERM_SEPARATOR, date_text,
                                            is_missing, records_of)


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

_TRUE_WORDS = {"true", "1", "yes"}


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
    if column in FLOAT_COLUMNS:
        # repr is the shortest text that reads back as the identical float;
        # numbers are never prefixed (a spreadsheet must see -2.23 as a number).
        return None if is_missing(value) else repr(float(value))
    if column in DATE_COLUMNS:
        return date_text(value)
    if column in BOOL_COLUMNS:
        return "true" if bool(value) else "false"
    if is_missing(value):
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
    for record in records_of(assets):
        lines.append(",".join(_csv_field(_csv_cell(c, record[c])) for c in columns))
    return "\r\n".join(lines) + "\r\n"


def table_to_csv(table: pd.DataFrame) -> str:
    """Return any display table as CSV text (CRLF line ends), every text cell neutralised.

    For reports and checking lists: numbers stay numbers, dates are YYYY-MM-DD,
    missing cells are empty.
    """
    def cell(value: object) -> str | None:
        if is_missing(value):
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
    if column in FLOAT_COLUMNS:
        return math.nan if value is None or not value.strip() else float(value)
    if column in BOOL_COLUMNS:
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


