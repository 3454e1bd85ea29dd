"""``python -m ecology import``: the report on stdout, exit codes, dry run, all-or-nothing."""

from __future__ import annotations

import json

import pytest

from ecology.register import startup
from ecology.cli.main import main

GOOD = ("Organisation Name,Name,Post Code,Activities,Health focus\r\n"
        "Sing Together,Singing for the Brain,M1 1AE,Choir,Dementia\r\n"
        "Craft Club CIC,Stitch and Natter,BD1 1HY,Crafts,Loneliness\r\n")
BAD_ROW = "Craft Club CIC,<script>alert(1)</script>,BD1 1HY,Crafts,Loneliness\r\n"  # markup: refused


@pytest.fixture
def database(built, database_url, monkeypatch) -> str:
    """A register of this test's own (SQLite, then PostgreSQL), seeded like a first start."""
    monkeypatch.setenv("ECOLOGY_DATABASE_URL", database_url)
    return database_url


def _run(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["import", *argv])
    return code, json.loads(capsys.readouterr().out)


def _imported(url: str) -> set[str]:
    records = startup.open_register(url).records()
    return set(records.loc[records["source"] == "directory.csv", "name"])


def test_a_clean_file_is_written_and_exits_0(database, tmp_path, capsys):
    path = tmp_path / "directory.csv"
    path.write_text(GOOD, encoding="utf-8")
    code, report = _run(capsys, str(path), "--kind", "assets", "--who", "tester")
    assert code == 0
    assert report["summary"]["accepted"] == 2 and report["written"]["added"] == 2
    assert _imported(database) == {"Singing for the Brain", "Stitch and Natter"}
    history = startup.open_register(database).history()
    assert set(history.loc[history["action"] == "import", "who"]) == {"tester"}


def test_a_dry_run_reports_and_writes_nothing(database, tmp_path, capsys):
    path = tmp_path / "directory.csv"
    path.write_text(GOOD, encoding="utf-8")
    before = startup.open_register(database).revision()
    code, report = _run(capsys, str(path), "--kind", "assets", "--dry-run")
    assert code == 0 and report["written"] is None and report["summary"]["accepted"] == 2
    assert startup.open_register(database).revision() == before


def test_rejected_rows_exit_1_and_nothing_is_written_unless_told(database, tmp_path, capsys):
    path = tmp_path / "directory.csv"
    path.write_text(GOOD + BAD_ROW, encoding="utf-8")
    code, report = _run(capsys, str(path), "--kind", "assets")
    assert code == 1 and report["written"] is None
    errors = [i for i in report["issues"] if i["severity"] == "error"]
    assert [(i["row"], i["field"]) for i in errors] == [(4, "name")]
    assert _imported(database) == set()
    code, report = _run(capsys, str(path), "--kind", "assets", "--skip-invalid")
    assert code == 1 and report["written"]["added"] == 2
    assert _imported(database) == {"Singing for the Brain", "Stitch and Natter"}


def test_a_second_import_of_the_same_rows_is_skipped_not_doubled(database, tmp_path, capsys):
    path = tmp_path / "directory.csv"
    path.write_text(GOOD, encoding="utf-8")
    _run(capsys, str(path), "--kind", "assets")
    code, report = _run(capsys, str(path), "--kind", "assets")
    assert code == 0 and report["written"]["added"] == 0 and report["written"]["skipped_duplicates"] == 2
    assert len(startup.open_register(database).records().query("source == 'directory.csv'")) == 2


def test_an_unreadable_file_exits_2_with_the_reason(database, tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    code, report = _run(capsys, str(path), "--kind", "assets")
    assert code == 2 and "empty" in report["refused"].lower()


def test_the_source_name_scopes_ids_and_name_and_postcode_still_catch_repeats(database, tmp_path, capsys):
    path = tmp_path / "directory.csv"
    path.write_text("ID," + GOOD.replace("\r\nSing", "\r\n1,Sing").replace("\r\nCraft", "\r\n2,Craft"),
                    encoding="utf-8")
    code, report = _run(capsys, str(path), "--kind", "assets", "--source", "Bradford hub directory")
    assert code == 0 and report["written"]["added"] == 2
    ids = set(startup.open_register(database).records().query("source == 'Bradford hub directory'")["asset_id"])
    assert ids == {"import:bradford-hub-directory:1", "import:bradford-hub-directory:2"}
    # The same rows under another source name: not the same ids, but the same name and postcode.
    code, report = _run(capsys, str(path), "--kind", "assets", "--source", "Another list")
    assert report["written"]["added"] == 0 and report["written"]["skipped_duplicates"] == 2


def test_practitioners_are_stored_by_postcode_district_only(database, tmp_path, capsys):
    path = tmp_path / "practitioners.csv"
    path.write_text("Practitioner ID,Full name,Postcode,Art form,Practice type,Safeguarding training\r\n"
                    "p1,Ann Example,M14 5RB,Dance,Freelance,yes\r\n"
                    "p2,Bob Example,BD1 1HY,Singing; Crafts,Small organisation,no\r\n", encoding="utf-8")
    code, report = _run(capsys, str(path), "--kind", "practitioners")
    assert code == 0 and report["written"]["added"] == 2
    stored = startup.open_register(database).records("practitioners")
    stored = stored[~stored["is_sample"]].set_index("postcode_district")  # beside the seeded sample
    assert sorted(stored.index) == ["BD1", "M14"]
    assert stored.loc["M14", "lad_code"] == "E08000003" and stored.loc["M14", "disciplines"] == "|dance|"
    assert bool(stored.loc["M14", "trained_safeguarding"]) and not bool(stored.loc["BD1", "trained_safeguarding"])
    text = json.dumps(report) + stored.to_json(date_format="iso")
    assert "Ann Example" not in text and "M14 5RB" not in text


def test_a_record_edited_between_the_check_and_the_write_stops_the_whole_merge_with_exit_1(
        database, tmp_path, capsys, monkeypatch):
    from ecology.register import store

    wylam = startup.open_register(database).get("assets", "library::wylam-library")
    path = tmp_path / "directory.csv"
    path.write_text(GOOD + f"Friends,{wylam['name']},{wylam['postcode']},Reading,Loneliness\r\n", encoding="utf-8")
    read_versions = store.Store.versions

    def bob_edits_right_after_the_check(self, kind, record_ids):
        seen = read_versions(self, kind, record_ids)
        current = self.get("assets", "library::wylam-library")
        self.update("assets", "library::wylam-library", {"website": "https://example.org/bob"}, current["version"],
                    "bob")
        return seen

    monkeypatch.setattr(store.Store, "versions", bob_edits_right_after_the_check)
    code, report = _run(capsys, str(path), "--kind", "assets", "--duplicates", "merge")
    assert code == 1 and report["written"] is None
    assert "changed since the file was checked" in report["conflict"] and "library::wylam-library" in report["conflict"]
    assert _imported(database) == set()  # the two new rows were not written either
    kept = startup.open_register(database).get("assets", "library::wylam-library")
    assert (kept["website"], kept["activities"]) == ("https://example.org/bob", wylam["activities"])
