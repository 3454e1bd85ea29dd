"""Properties of the parsers that every import goes through (hypothesis hunts for the counter-example):
the postcode normaliser and packer, the date parser, and the CSV and JSON readers on any text."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st

from ecology.places import postcode
from ecology.register import readers
from ecology.register.ingest import fields

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OUTWARD = st.builds(lambda a, n, b: a + n + b, st.sampled_from(["M", "BD", "SW", "NE", "L"]),
                    st.integers(1, 99).map(str), st.sampled_from(["", "A", "W"]))
INWARD = st.builds(lambda n, ab: f"{n}{ab}", st.integers(0, 9),
                   st.text(alphabet=LETTERS, min_size=2, max_size=2))
POSTCODES = st.builds(lambda o, i: o + i, OUTWARD, INWARD).filter(lambda p: len(p) <= 7)
SPACING = st.sampled_from(["", " ", "  ", "\t", "\u00a0", " \n "])


@settings(max_examples=300, deadline=None)
@given(POSTCODES, SPACING, st.booleans())
def test_normalising_ignores_case_and_any_whitespace_and_packs_to_one_key(code, space, lower):
    written = (code[:-3] + space + code[-3:])
    written = written.lower() if lower else written
    normalised = postcode.normalise(pd.Series([written, code]))
    assert normalised[0] == normalised[1] == code
    keys = postcode.pack(normalised)
    assert keys[0] == keys[1] >= 0
    assert postcode.display_form(code) == f"{code[:-3]} {code[-3:]}"


@settings(max_examples=300, deadline=None)
@given(st.lists(POSTCODES, min_size=2, max_size=30, unique=True))
def test_distinct_postcodes_never_share_a_packed_key(codes):
    keys = postcode.pack(pd.Series(codes))
    assert len(set(keys.tolist())) == len(codes)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_any_text_packs_without_error_and_invalid_shapes_are_flagged(text):
    normalised = postcode.normalise(pd.Series([text]))
    assert len(postcode.pack(normalised)) == 1
    valid = bool(postcode.is_valid(normalised)[0])
    assert valid == bool(postcode.UK_POSTCODE.match(normalised[0] or ""))


class _Report:
    """Enough of ingest's report for the date parser: it records what it is told."""

    def __init__(self):
        self.issues = []

    def add(self, mask, column, target, severity, message, values):
        self.issues.extend(int(i) for i in np.flatnonzero(mask))

    def file(self, *args):
        pass


TODAY = pd.Timestamp("2026-12-01")


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=TODAY.date()),
       st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%Y%m%d", "%Y-%m-%dT12:00:00Z"]))
def test_a_past_date_in_any_accepted_form_reads_as_that_date(day, form):
    report = _Report()
    parsed = fields.check_dates(report, pd.Series([day.strftime(form)], dtype="string"), "c", "last_verified", TODAY)
    assert parsed[0] == pd.Timestamp(day) and report.issues == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), min_size=1, max_size=20))
def test_the_date_parser_never_fails_never_guesses_today_and_flags_what_it_drops(values):
    report = _Report()
    series = pd.Series(values, dtype="string")
    parsed = fields.check_dates(report, series, "c", "last_verified", TODAY)
    assert len(parsed) == len(values)
    assert not (parsed > TODAY).any()  # a future date is never kept
    dropped = [i for i, (v, p) in enumerate(zip(values, parsed)) if v is not None and pd.isna(p)]
    assert set(dropped) <= set(report.issues)  # every value given but not kept is reported


CELLS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=15))
def test_any_csv_written_by_a_spreadsheet_reads_back_cell_for_cell(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["name", "notes", "postcode"], *rows])
    try:
        table = readers.read("any.csv", buffer.getvalue().encode("utf-8"))
    except readers.ImportRefused as refused:  # only for files with no data left after blank rows
        assert all(not "".join(row).strip() for row in rows), str(refused)
        return
    kept = [[c.strip() or None for c in row] for row in rows if any(c.strip() for c in row)]
    got = [[None if v is None else str(v).strip() or None for v in r] for r in table.frame.to_numpy().tolist()]
    assert got == kept


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                     st.text(max_size=10)),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                           max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_any_json_document_is_read_or_refused_with_a_message(document):
    try:
        readers.read("any.json", json.dumps(document).encode())
    except readers.ImportRefused as refused:
        assert len(str(refused)) > 20
