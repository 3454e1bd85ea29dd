"""Hostile and broken files (``hostile_files.py``, at least 60): each is refused with a message or
read with every problem named by row and field, never a traceback, and a refused file writes nothing."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from ecology.register import ingest, readers, startup

from tests.integration import hostile_files as corpus

pytestmark = pytest.mark.usefixtures("built")
CASES = corpus.cases()
TODAY = pd.Timestamp("2026-12-01")


@pytest.fixture(scope="module")
def lookups():
    from ecology.places import geography

    return geography.PostcodeTable.from_build(), geography.PointAssigner.from_build()


def test_the_corpus_has_at_least_60_files_with_distinct_names():
    names = [name for name, *_ in CASES]
    assert len(names) >= 60 and len(set(names)) == len(names)


@pytest.mark.parametrize("name,filename,data,expected", CASES, ids=[case[0] for case in CASES])
def test_each_hostile_file_is_refused_or_reported_by_row_and_field(name, filename, data, expected, lookups):
    if isinstance(expected, corpus.Refused):
        with pytest.raises(readers.ImportRefused) as refused:
            readers.read(filename, data)
        assert expected.words.lower() in str(refused.value).lower()
        assert "Traceback" not in str(refused.value) and len(str(refused.value)) > 20
        return
    raw = readers.read(filename, data)
    postcodes, assigner = lookups
    prepared = ingest.prepare(raw, "assets", None, postcodes=postcodes, assigner=assigner, existing=None,
                              source="Hostile test", today=TODAY)
    for issue in prepared.issues:
        assert issue.message and "Traceback" not in issue.message
        if issue.row is not None:
            assert issue.field, f"an issue on row {issue.row} names no field: {issue.message}"
    if isinstance(expected, corpus.Kept):
        assert prepared.rejected_rows() == [], prepared.issues
        values = prepared.records[expected.field]
        if expected.field == "last_verified":
            values = values.dt.strftime("%Y-%m-%d")
        assert tuple(values) == expected.values
    else:
        found = {(i.row, i.field) for i in prepared.issues}
        for row_field in expected.rows_fields:
            assert row_field in found, f"{row_field} not reported: {sorted(found, key=str)}"
        if expected.accepted is not None:
            assert len(prepared.records) == expected.accepted, prepared.issues


def _import(path: Path, database: str, *args: str) -> tuple[int, str]:
    from ecology.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["import", str(path), "--kind", "assets", "--database", database, *args])
    return code, out.getvalue() + err.getvalue()


SAMPLE = [case for case in CASES if case[0] in {
    "null-bytes-in-a-cell", "100001-rows", "xlsx-zip-bomb", "geojson-deep-nesting", "json-broken",
    "script-in-name", "huge-cell", "latitude-99", "oruk-location-null", "event-handler-in-name"}]


@pytest.mark.parametrize("name,filename,data,expected", SAMPLE, ids=[case[0] for case in SAMPLE])
def test_the_import_command_writes_nothing_from_a_hostile_file(name, filename, data, expected, tmp_path):
    database = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    store = startup.open_register(database)
    before = (store.revision(), len(store.records("assets")))
    path = tmp_path / filename
    path.write_bytes(data)
    code, text = _import(path, database)
    assert "Traceback" not in text
    assert code == (2 if isinstance(expected, corpus.Refused) else 1), text[-400:]
    after = startup.open_register(database)
    assert (after.revision(), len(after.records("assets"))) == before
