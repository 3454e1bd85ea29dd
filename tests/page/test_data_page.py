"""The Data page (AppTest): viewers see no edit controls; editors import, edit and undo."""

from __future__ import annotations


import pytest
import streamlit as st
from page_runner import open_page
from streamlit.testing.v1 import AppTest

from ecology import auth, register
PASSWORD = "correct horse battery staple"
EDIT_CONTROLS = ("Save", "Retire", "Check the file")


@pytest.fixture
def database(built, database_url, monkeypatch) -> str:
    """A register of this test's own (SQLite, then PostgreSQL), seeded like a first start."""
    monkeypatch.setenv("ECOLOGY_DATABASE_URL", database_url)
    # The app's cached register for this URL may belong to a database an earlier test dropped.
    st.cache_resource.clear()
    return database_url


def _open(editors: dict[str, str] | None = None) -> AppTest:
    return open_page("pages/5_Data.py", editors)


def _signed_in() -> AppTest:
    at = _open({"alice": auth.hash_password(PASSWORD)})
    password = next(t for t in at.sidebar.text_input if t.label == "Password")
    password.set_value(PASSWORD)
    next(b for b in at.sidebar.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    assert [t.label for t in at.tabs] == ["Freshness", "Import", "Add or edit", "History"]
    return at


def _labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button] + [b.label for b in at.get("form_submit_button")]


def test_a_viewer_sees_the_register_and_the_freshness_queue_but_no_edit_controls(database):
    at = _open()
    assert "holds 7,449 assets" in at.markdown[0].value.replace("\\", "")
    assert any("records** in England were last verified before" in m.value for m in at.markdown)
    assert not at.tabs
    assert not at.file_uploader
    labels = _labels(at)
    assert not [label for label in labels if label.startswith(EDIT_CONTROLS) or "verified" in label], labels
    assert any("Viewing only" in c.value for c in at.caption)


def test_an_editor_edits_a_record_and_the_history_names_them(database):
    at = _signed_in()
    at.text_input(key="edit-search").set_value("Wylam Library").run()
    at.selectbox(key="edit-record").set_value("library::wylam-library").run()
    name = next(t for t in at.text_input if t.label == "Name (required)")
    assert name.value == "Wylam Library"
    name.set_value("Wylam Library & Reading Room")
    next(b for b in at.get("form_submit_button") if b.label == "Save").click()
    at.run()
    assert not at.exception
    assert any("Saved: Name (now version 2)" in s.value for s in at.success), [s.value for s in at.success]
    stored = register.open_register(database).get("assets", "library::wylam-library")
    assert (stored["name"], stored["version"]) == ("Wylam Library & Reading Room", 2)
    change = register.open_register(database).history(record_id="library::wylam-library").iloc[0]
    assert (change["who"], change["action"]) == ("alice", "edit")


def test_a_stale_form_is_refused_and_the_other_editors_change_survives(database):
    at = _signed_in()
    at.text_input(key="edit-search").set_value("Wylam Library").run()
    at.selectbox(key="edit-record").set_value("library::wylam-library").run()
    # Bob saves first, from elsewhere, while Alice's form is open at version 1.
    register.open_register(database).update("assets", "library::wylam-library", {"name": "Bob's name"}, 1, "bob")
    next(t for t in at.text_input if t.label == "Name (required)").set_value("Alice's name")
    next(b for b in at.get("form_submit_button") if b.label == "Save").click()
    at.run()
    assert any("changed by someone else" in e.value for e in at.error), [e.value for e in at.error]
    assert register.open_register(database).get("assets", "library::wylam-library")["name"] == "Bob's name"
    assert "Load the current version" in _labels(at)


def test_script_in_a_new_record_is_refused_and_nothing_is_written(database):
    at = _signed_in()
    before = register.open_register(database).revision()
    next(t for t in at.text_input if t.label == "Name (required)").set_value("<script>alert(1)</script>")
    next(t for t in at.text_input if t.label == "Postcode").set_value("M1 1AE")
    next(b for b in at.get("form_submit_button") if b.label == "Save").click()
    at.run()
    assert not at.exception
    assert any("name" in e.value.lower() and "html" in e.value.lower() for e in at.error), [e.value for e in at.error]
    assert register.open_register(database).revision() == before


def test_an_import_reports_bad_rows_writes_nothing_until_told_then_writes_the_good_ones(database):
    at = _signed_in()
    csv = ("Organisation Name,Name,Post Code,Health focus\r\n"
           "Sing Together,Singing for the Brain,M1 1AE,Dementia\r\n"
           "Sing Together,<script>alert(1)</script>,M1 1AE,Dementia\r\n"
           "Craft Club CIC,Stitch and Natter,BD1 1HY,Loneliness\r\n").encode("utf-8")
    at.file_uploader(key="import-file").set_value(("directory.csv", csv, "text/csv")).run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    at.button(key="import-check").click().run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rows"], metrics["Accepted"], metrics["Rejected"]) == ("3", "2", "1")
    # Only dataframes with selection carry their key in AppTest: find the report by its columns.
    report = next(d.value for d in at.dataframe if "severity" in d.value.columns)
    bad = report[report["severity"] == "error"]
    assert list(bad["row"]) == ["3"] and list(bad["field"]) == ["name"]  # shown as text ("whole file" for none)
    write = at.button(key="import-write")
    assert write.disabled  # rows with errors: nothing is written until the user chooses
    before = len(register.open_register(database).records())
    at.radio(key="import-on-error").set_value("skip").run()
    at.button(key="import-write").click().run()
    assert any("2 added" in s.value for s in at.success), [s.value for s in at.success]
    records = register.open_register(database).records()
    assert len(records) == before + 2
    added = records[records["name"].isin(["Singing for the Brain", "Stitch and Natter"])]
    assert set(added["lad_code"]) == {"E08000003", "E08000032"}


def test_undo_from_the_history_tab_restores_the_record(database):
    register.open_register(database).update("assets", "library::wylam-library", {"name": "Renamed"}, 1, "bob")
    at = _signed_in()
    history = at.dataframe(key="history")
    assert history.value.iloc[0]["Record"] == "library::wylam-library"
    # AppTest cannot click a dataframe row: undo through the store, then check the page shows it.
    change = int(history.value.iloc[0]["Change"])
    register.open_register(database).undo(change, "alice")
    at.run()
    assert at.dataframe(key="history").value.iloc[0]["What"] == "Undone"
    assert register.open_register(database).get("assets", "library::wylam-library")["name"] == "Wylam Library"



def _big_csv(rows: int, pad: int = 0) -> bytes:
    line = "Sing Together,Choir {},M1 1AE," + "x" * pad + "\r\n"
    return ("Organisation Name,Name,Post Code,Notes\r\n" + "".join(line.format(i) for i in range(rows))).encode()


BAD_FILES = {
    # Made when a test runs (the big ones are 50 MB), not when the module is collected.
    "empty": ("empty.csv", lambda: b"", "empty"),
    "header only": ("header.csv", lambda: b"Name,Postcode\r\n", "no data rows"),
    "50 MB": ("huge.csv", lambda: _big_csv(180_000, pad=260), "MB"),
    "200,000 rows": ("many.csv", lambda: _big_csv(200_000), "rows"),
    "not a spreadsheet": ("directory.xlsx", lambda: b"PK\x03\x04 this is not a zip", "xlsx"),
    "broken JSON": ("directory.geojson", lambda: b'{"type": "FeatureCollection", "features": [', "JSON"),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_a_file_that_cannot_be_read_gets_a_clear_message_and_changes_nothing(database, case):
    name, make, expected = BAD_FILES[case]
    data = make()
    at = _signed_in()
    before = register.open_register(database).revision()
    at.file_uploader(key="import-file").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    messages = [e.value.replace("\\", "") for e in at.error]
    assert any(expected.lower() in m.lower() for m in messages), messages
    assert not [b for b in at.button if b.label.startswith("Write")]
    assert register.open_register(database).revision() == before
