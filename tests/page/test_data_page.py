"""The Data page (AppTest): viewers see no edit controls; editors import, edit and undo."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit as st
from tests.page.page_runner import open_page
from streamlit.testing.v1 import AppTest

from ecology import auth
from ecology.register import startup
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
    assert "holds 8,116 assets" in at.markdown[0].value.replace("\\", "")
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
    stored = startup.open_register(database).get("assets", "library::wylam-library")
    assert (stored["name"], stored["version"]) == ("Wylam Library & Reading Room", 2)
    change = startup.open_register(database).history(record_id="library::wylam-library").iloc[0]
    assert (change["who"], change["action"]) == ("alice", "edit")


def test_a_stale_form_is_refused_and_the_other_editors_change_survives(database):
    at = _signed_in()
    at.text_input(key="edit-search").set_value("Wylam Library").run()
    at.selectbox(key="edit-record").set_value("library::wylam-library").run()
    # Bob saves first, from elsewhere, while Alice's form is open at version 1.
    startup.open_register(database).update("assets", "library::wylam-library", {"name": "Bob's name"}, 1, "bob")
    next(t for t in at.text_input if t.label == "Name (required)").set_value("Alice's name")
    next(b for b in at.get("form_submit_button") if b.label == "Save").click()
    at.run()
    assert any("changed by someone else" in e.value for e in at.error), [e.value for e in at.error]
    assert startup.open_register(database).get("assets", "library::wylam-library")["name"] == "Bob's name"
    assert "Load the current version" in _labels(at)


def _open_wylam(at: AppTest) -> None:
    at.text_input(key="edit-search").set_value("Wylam Library").run()
    at.selectbox(key="edit-record").set_value("library::wylam-library").run()


def _save(at: AppTest) -> None:
    next(b for b in at.get("form_submit_button") if b.label == "Save").click()
    at.run()
    assert not at.exception, at.exception[0].message if at.exception else ""


def test_saving_an_edit_without_the_tick_does_not_mark_the_record_verified(database):
    seeded = startup.open_register(database).get("assets", "library::wylam-library")
    at = _signed_in()
    _open_wylam(at)
    tick = next(c for c in at.checkbox if c.label == "I checked this record today")
    assert tick.value is False and "records you and today's date" in tick.help
    assert not [d for d in at.get("date_input") if d.label == "Last verified"]  # no date to set by hand
    next(t for t in at.text_input if t.label == "Website").set_value("https://example.org/wylam")
    _save(at)
    assert any("Saved: Website (now version 2)" in s.value for s in at.success), [s.value for s in at.success]
    stored = startup.open_register(database).get("assets", "library::wylam-library")
    assert (stored["website"], stored["last_verified"], stored["verified_by"]) == (
        "https://example.org/wylam", seeded["last_verified"], None)


def test_ticking_i_checked_this_today_records_the_editor_and_today(database):
    at = _signed_in()
    _open_wylam(at)
    next(c for c in at.checkbox if c.label == "I checked this record today").check()
    _save(at)
    stored = startup.open_register(database).get("assets", "library::wylam-library")
    assert (stored["last_verified"], stored["verified_by"]) == (dt.date.today(), "alice")
    assert any("Last verified, Verified by" in s.value for s in at.success), [s.value for s in at.success]
    # The next run draws the form for the new version, unticked: a tick never carries over to the next save.
    at.run()
    assert next(c for c in at.checkbox if c.label == "I checked this record today").value is False
    assert any(f"Last verified: {dt.date.today():%d %B %Y} by alice" in c.value for c in at.caption)


def test_a_stale_mark_verified_is_refused_and_the_other_editors_edit_is_kept(database):
    at = _signed_in()
    listed = next(d for d in at.dataframe if (d.key or "").startswith("stale-list-"))
    first, third = listed.value["Record id"].iloc[[0, 2]]
    # Alice ticks two rows; AppTest cannot click a row, so the selection is set as a click would.
    at.session_state[listed.key] = {"selection": {"rows": [0, 2], "columns": []}}
    at.run()
    mark = at.button(key="mark-verified")
    assert mark.label == "Mark 2 selected as verified today"
    # Bob changes the first record before Alice clicks: she vouched for what she saw, not for his edit.
    other = startup.open_register(database)
    seen = other.get("assets", first)
    other.update("assets", first, {"website": "https://example.org/bob"}, seen["version"], "bob")
    mark.click().run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    assert any(first in w.value.replace("\\", "") and "was not marked verified" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert any("1 records marked verified" in t.value for t in at.toast), [t.value for t in at.toast]
    kept = startup.open_register(database).get("assets", first)
    assert (kept["website"], kept["verified_by"], kept["last_verified"], kept["version"]) == (
        "https://example.org/bob", seen["verified_by"], seen["last_verified"], seen["version"] + 1)
    assert startup.open_register(database).get("assets", third)["verified_by"] == "alice"
    assert list(startup.open_register(database).history(record_id=first)["who"][:1]) == ["bob"]


def test_script_in_a_new_record_is_refused_and_nothing_is_written(database):
    at = _signed_in()
    before = startup.open_register(database).revision()
    next(t for t in at.text_input if t.label == "Name (required)").set_value("<script>alert(1)</script>")
    next(t for t in at.text_input if t.label == "Postcode").set_value("M1 1AE")
    next(b for b in at.get("form_submit_button") if b.label == "Save").click()
    at.run()
    assert not at.exception
    assert any("name" in e.value.lower() and "html" in e.value.lower() for e in at.error), [e.value for e in at.error]
    assert startup.open_register(database).revision() == before


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
    before = len(startup.open_register(database).records())
    at.radio(key="import-on-error").set_value("skip").run()
    at.button(key="import-write").click().run()
    assert any("2 added" in s.value for s in at.success), [s.value for s in at.success]
    records = startup.open_register(database).records()
    assert len(records) == before + 2
    added = records[records["name"].isin(["Singing for the Brain", "Stitch and Natter"])]
    assert set(added["lad_code"]) == {"E08000003", "E08000032"}


def test_a_merge_keeps_provenance_and_is_refused_if_the_record_changed_after_the_check(database):
    wylam = startup.open_register(database).get("assets", "library::wylam-library")
    csv = (f"Name,Post Code,Website\r\n{wylam['name']},{wylam['postcode']},https://example.org/friends\r\n"
           ).encode("utf-8")
    at = _signed_in()
    at.file_uploader(key="import-file").set_value(("friends.csv", csv, "text/csv")).run()
    at.button(key="import-check").click().run()
    at.radio(key="import-duplicates-mode").set_value("merge").run()
    # Bob edits the library after Alice's check: her write must not land on a record she did not see.
    startup.open_register(database).update("assets", "library::wylam-library", {"cost": "free"},
                                            wylam["version"], "bob")
    at.button(key="import-write").click().run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    assert any("changed since the file was checked" in e.value for e in at.error), [e.value for e in at.error]
    assert startup.open_register(database).get("assets", "library::wylam-library")["website"] == wylam["website"]
    # Checked again, the merge goes through and takes only the website.
    at.button(key="import-check").click().run()
    at.button(key="import-write").click().run()
    assert any("1 merged" in s.value for s in at.success), [s.value for s in at.success]
    merged = startup.open_register(database).get("assets", "library::wylam-library")
    kept = ("source", "licence", "attribution", "is_sample", "status", "last_verified", "verified_by", "latitude")
    assert merged["website"] == "https://example.org/friends" and merged["cost"] == "free"
    assert {f: merged[f] for f in kept} == {f: wylam[f] for f in kept}


def test_undo_from_the_history_tab_restores_the_record(database):
    startup.open_register(database).update("assets", "library::wylam-library", {"name": "Renamed"}, 1, "bob")
    at = _signed_in()
    history = at.dataframe(key="history")
    assert history.value.iloc[0]["Record"] == "library::wylam-library"
    # AppTest cannot click a dataframe row: undo through the store, then check the page shows it.
    change = int(history.value.iloc[0]["Change"])
    startup.open_register(database).undo(change, "alice")
    at.run()
    assert at.dataframe(key="history").value.iloc[0]["What"] == "Undone"
    assert startup.open_register(database).get("assets", "library::wylam-library")["name"] == "Wylam Library"



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
    before = startup.open_register(database).revision()
    at.file_uploader(key="import-file").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    messages = [e.value.replace("\\", "") for e in at.error]
    assert any(expected.lower() in m.lower() for m in messages), messages
    assert not [b for b in at.button if b.label.startswith("Write")]
    assert startup.open_register(database).revision() == before


def test_the_checking_list_shows_at_most_2000_rows_and_says_the_download_has_every_one(database):
    import re

    at = _signed_in()
    stale = next(m.value for m in at.markdown if "records** in England were last verified before" in m.value)
    total = int(re.search(r"\*\*([\d,]+) of [\d,]+ records\*\*", stale.replace("\\", "")).group(1).replace(",", ""))
    listed = next(d for d in at.dataframe if (d.key or "").startswith("stale-list-"))
    assert total > 2000  # England's seeded register: the long list is the case under test
    assert len(listed.value) == 2000
    said = [c.value for c in at.caption if "The list shows the first" in c.value]
    assert said == ([f"The list shows the first 2,000 of {total:,} records to check (by place and name); the "
                     "download has every one. Choose a smaller place to list the rest."] if total > 2000 else [])
