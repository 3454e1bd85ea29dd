"""Provenance on merge: a merge takes only what the file gave; the importer's defaults never
replace a record's licence, source, attribution, sample flag, status or verification."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from ecology import schema
from ecology.places import geography
from ecology.register import freshness, ingest, provenance, readers, startup, store
from ecology.cli.main import main

MUSEUMS = "Mapping Museums database of UK museums 1960-2021"
NEW_WEBSITE = "https://new.example.org/museum"


@pytest.fixture
def database(built, database_url, monkeypatch) -> str:
    """A register of this test's own (SQLite, then PostgreSQL), seeded like a first start."""
    monkeypatch.setenv("ECOLOGY_DATABASE_URL", database_url)
    return database_url


def _a_museum(records: pd.DataFrame) -> pd.Series:
    """Return a seeded museum whose name and postcode no other record shares, without a website."""
    key = records["name"].str.casefold() + "|" + records["postcode"].str.replace(" ", "")
    unique = ~key.duplicated(keep=False) & key.notna()
    museums = records[unique & (records["source"] == MUSEUMS) & records["website"].isna()
                      & records["name"].str.fullmatch(r"[A-Za-z' ]+").fillna(False)]
    return museums.iloc[0]


def test_merging_a_file_into_a_real_museum_keeps_its_provenance_and_takes_only_the_website(
        database, tmp_path, capsys):
    opened = startup.open_register(database)
    museum = _a_museum(opened.records())
    museum_id = museum["asset_id"]
    seeded = opened.get("assets", museum_id)
    assert (seeded["source"], seeded["licence"], seeded["last_verified"]) == (
        MUSEUMS, "Creative Commons Attribution (CC BY)", dt.date(2021, 9, 30))
    # An editor checked it on the day it was published and marked it closed: a merge must keep both.
    opened.verify("assets", {museum_id: seeded["version"]}, "dana", on=dt.date(2021, 9, 30))
    closed = opened.update("assets", museum_id, {"status": "inactive"}, seeded["version"] + 1, "dana")
    opened.engine.dispose()

    path = tmp_path / "friends-list.csv"
    path.write_text(f"Name,Postcode,Website\r\n{museum['name']},{museum['postcode']},{NEW_WEBSITE}\r\n",
                    encoding="utf-8")
    code = main(["import", str(path), "--kind", "assets", "--duplicates", "merge", "--who", "importer"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["written"]["merged"] == 1 and report["written"]["added"] == 0, report

    after = startup.open_register(database).get("assets", museum_id)
    assert after["website"] == NEW_WEBSITE
    kept = ("licence", "source", "attribution", "is_sample", "status", "last_verified", "verified_by",
            "latitude", "longitude", "postcode", "lad_code", "name")
    assert {f: after[f] for f in kept} == {f: closed[f] for f in kept}
    assert (after["status"], after["verified_by"]) == ("inactive", "dana")
    assert after["version"] == closed["version"] + 1


# -- the same rule field by field, through prepare -> plan -> import_records (what the CLI runs) ----

MUSEUM_ID = "museum:test.1"
CC_BY = "Creative Commons Attribution (CC BY)"
CREDIT = "Data downloaded from the Mapping Museums website (Birkbeck, University of London), licensed CC BY."
STORED_POINT = (53.4771, -2.2545)  # the publisher's own point; the M3 4FP centroid is 53.47673, -2.25374


def _museum(**fields) -> dict:
    record = {"asset_id": MUSEUM_ID, "name": "Science and Industry Museum", "kind": "venue",
              "activities": "|heritage_museums|", "settings": "|cultural_venue|", "address": "Liverpool Road",
              "postcode": "M3 4FP", "latitude": STORED_POINT[0], "longitude": STORED_POINT[1],
              "status": "inactive", "last_verified": "2021-09-30", "source": MUSEUMS, "licence": CC_BY,
              "attribution": CREDIT, "is_sample": False, "lad_code": "E08000003", "icb_code": "E54000057",
              "region_code": "E40000014"}
    return {**record, **fields}


@pytest.fixture(scope="module")
def places(built):
    return geography.PostcodeTable.from_build(), geography.PointAssigner.from_build()


@pytest.fixture
def museum_register(database_url):
    """A register holding one real museum, verified by Dana on its publication date (version 2)."""
    opened = store.Store.open(database_url)
    opened.seed({"assets": schema.conform(pd.DataFrame([_museum()]))})
    opened.verify("assets", {MUSEUM_ID: 1}, "dana", on=dt.date(2021, 9, 30))
    yield opened
    opened.engine.dispose()


def _import(opened: store.Store, places, text: str, kind: str = "assets", *, merge: bool = True,
            source: str = "friends-list.csv") -> tuple[ingest.Prepared, store.ImportResult]:
    postcodes, assigner = places
    raw = readers.read("friends-list.csv", text.encode("utf-8"))
    prepared = ingest.prepare(raw, kind, postcodes=postcodes, assigner=assigner, existing=opened.keys(kind),
                              source=source, today=pd.Timestamp("2026-05-01"))
    versions = opened.versions(kind, provenance.in_store(prepared).values())
    plan = provenance.plan(prepared, versions, merge=merge)
    result = opened.import_records(kind, prepared.records, "importer", merge_into=plan.merge_into,
                                   given=prepared.given, versions=plan.versions, skip=plan.skip)
    return prepared, result


PROVENANCE = ("licence", "source", "attribution", "is_sample", "status", "last_verified", "verified_by")


def test_a_merge_giving_only_a_website_keeps_every_provenance_field_and_the_publishers_point(
        museum_register, places):
    before = museum_register.get("assets", MUSEUM_ID)
    _prepared, result = _import(museum_register, places,
                                f"Name,Postcode,Website\nScience and Industry Museum,M3 4FP,{NEW_WEBSITE}\n")
    assert (result.merged, result.added) == (1, 0)
    after = museum_register.get("assets", MUSEUM_ID)
    assert after["website"] == NEW_WEBSITE
    assert {f: after[f] for f in PROVENANCE} == {
        "licence": CC_BY, "source": MUSEUMS, "attribution": CREDIT, "is_sample": False, "status": "inactive",
        "last_verified": dt.date(2021, 9, 30), "verified_by": "dana"}
    location = ("postcode", "latitude", "longitude", "lad_code", "icb_code", "region_code")
    assert {f: after[f] for f in location} == {f: before[f] for f in location}
    change = museum_register.history(record_id=MUSEUM_ID).iloc[0]
    assert change["action"] == "merge" and change["who"] == "importer"
    assert {k for k in change["after"] if change["after"][k] != change["before"][k]} == {"website", "version"}


@pytest.mark.parametrize("cells", [
    {"Status": "", "Licence": "", "Source": "", "Attribution": "", "Last verified": ""},
    {"Status": "maybe", "Last verified": "last spring"},
    {"Last verified": "2099-01-01"},  # a future date is not a verification
], ids=["blank cells", "values not understood", "future date"])
def test_blank_or_invalid_cells_in_mapped_columns_do_not_replace_anything(museum_register, places, cells):
    header = ",".join(["Name", "Postcode", "Website", *cells])
    row = ",".join(["Science and Industry Museum", "M3 4FP", NEW_WEBSITE, *cells.values()])
    _import(museum_register, places, f"{header}\n{row}\n")
    after = museum_register.get("assets", MUSEUM_ID)
    assert after["website"] == NEW_WEBSITE
    assert {f: after[f] for f in PROVENANCE} == {
        "licence": CC_BY, "source": MUSEUMS, "attribution": CREDIT, "is_sample": False, "status": "inactive",
        "last_verified": dt.date(2021, 9, 30), "verified_by": "dana"}


@pytest.mark.parametrize("column,cell,expected", [
    ("Status", "Open", {"status": "active"}),
    ("Licence", "OGL v3.0", {"licence": "OGL v3.0"}),
    ("Source", "Friends of Museums list", {"source": "Friends of Museums list"}),
    ("Attribution", "Friends of Museums", {"attribution": "Friends of Museums"}),
    # A later date from the file is the file's claim: no one here checked it, so verified_by is cleared.
    ("Last verified", "01/03/2026", {"last_verified": dt.date(2026, 3, 1), "verified_by": None}),
    # An older date would make the record look staler than Dana's check: kept, with Dana.
    ("Last verified", "2020-01-01", {"last_verified": dt.date(2021, 9, 30), "verified_by": "dana"}),
], ids=["status", "licence", "source", "attribution", "later date", "earlier date"])
def test_a_field_the_file_gives_is_merged_and_the_rest_kept(museum_register, places, column, cell, expected):
    _import(museum_register, places, f"Name,Postcode,{column}\nScience and Industry Museum,M3 4FP,{cell}\n")
    after = museum_register.get("assets", MUSEUM_ID)
    kept = {"licence": CC_BY, "source": MUSEUMS, "attribution": CREDIT, "is_sample": False,
            "status": "inactive", "last_verified": dt.date(2021, 9, 30), "verified_by": "dana"}
    assert {f: after[f] for f in PROVENANCE} == {**kept, **expected}


def test_a_generated_sample_record_stays_a_sample_when_a_file_repeats_it(database_url, places):
    opened = store.Store.open(database_url)
    sample = _museum(asset_id="sample:1", name="Singing for Lungs", kind="programme", is_sample=True,
                     source="Generated sample (not a real offer)", licence="CC0 (generated by this project)",
                     attribution="Generated sample records", status="active")
    opened.seed({"assets": schema.conform(pd.DataFrame([sample]))})
    _import(opened, places, f"Name,Postcode,Website\nSinging for Lungs,M3 4FP,{NEW_WEBSITE}\n")
    after = opened.get("assets", "sample:1")
    assert (after["is_sample"], after["source"], after["licence"], after["website"]) == (
        True, "Generated sample (not a real offer)", "CC0 (generated by this project)", NEW_WEBSITE)
    opened.engine.dispose()


def test_a_new_record_still_gets_the_defaults_and_is_never_verified(museum_register, places):
    _prepared, result = _import(museum_register, places, "Name,Postcode\nStitch and Natter,BD1 1HY\n",
                                source="Bradford list")
    assert result.added == 1
    records = museum_register.records()
    added = museum_register.get("assets", records.loc[records["name"] == "Stitch and Natter", "asset_id"].iloc[0])
    assert (added["source"], added["licence"], added["status"], added["is_sample"]) == (
        "Bradford list", ingest.IMPORT_LICENCE, "active", False)
    assert (added["last_verified"], added["verified_by"]) == (None, None)  # NULL in the database
    stale = freshness.stale(museum_register.records(), pd.Timestamp("2026-05-01"), 12)
    assert stale["name"].iloc[0] == "Stitch and Natter"  # never verified comes first


def test_a_row_matched_by_id_with_a_new_postcode_moves_the_record(museum_register, places):
    _import(museum_register, places, f"Asset ID,Name,Postcode\n{MUSEUM_ID},Science and Industry Museum,BD1 1HY\n")
    after = museum_register.get("assets", MUSEUM_ID)
    assert (after["postcode"], after["lad_code"]) == ("BD1 1HY", "E08000032")
    assert (round(after["latitude"], 4), round(after["longitude"], 4)) == (53.7923, -1.7533)
    assert (after["licence"], after["status"]) == (CC_BY, "inactive")


def test_coordinates_from_the_file_replace_the_stored_point(museum_register, places):
    _import(museum_register, places,
            "Name,Postcode,Latitude,Longitude\nScience and Industry Museum,M3 4FP,53.47711,-2.25501\n")
    after = museum_register.get("assets", MUSEUM_ID)
    assert (after["latitude"], after["longitude"], after["postcode"]) == (53.47711, -2.25501, "M3 4FP")


def test_a_practitioner_merge_takes_only_the_flags_the_file_gave(database_url, places):
    opened = store.Store.open(database_url)
    person = {"practitioner_id": "survey:7", "disciplines": "|dance|", "postcode_district": "M14",
              "latitude": 53.45, "longitude": -2.22, "trained_mhfa": True, "trained_edi": False,
              "source": "Creative health survey 2025", "licence": "CC BY", "is_sample": False,
              "lad_code": "E08000003", "icb_code": "E54000057", "region_code": "E40000014"}
    opened.seed({"practitioners": schema.conform(pd.DataFrame([person]), schema.PRACTITIONER_COLUMNS)})
    _import(opened, places, "Practitioner ID,Postcode district,Safeguarding training,MHFA,EDI\n"
                            "survey:7,M14,yes,,maybe\n", kind="practitioners")
    after = opened.get("practitioners", "survey:7")
    assert (after["trained_safeguarding"], after["trained_mhfa"], after["trained_edi"]) == (True, True, False)
    assert (after["source"], after["licence"], after["is_sample"], after["disciplines"]) == (
        "Creative health survey 2025", "CC BY", False, "|dance|")
    assert opened.history(record_id="survey:7").iloc[0]["action"] == "merge"
    opened.engine.dispose()


def test_given_marks_mapped_non_blank_valid_values_and_never_the_sample_flag(places):
    postcodes, assigner = places
    raw = readers.read("f.csv", b"Name,Postcode,Status,Licence,Website,Last verified\n"
                                b"A,M1 1AE,closed,,https://a.example.org,2026-01-02\n"
                                b"B,BD1 1HY,whatever,OGL,,\n")
    prepared = ingest.prepare(raw, "assets", postcodes=postcodes, assigner=assigner, source="f.csv",
                              today=pd.Timestamp("2026-05-01"))
    given = prepared.given
    assert list(given.columns) == list(schema.ASSET_COLUMNS) and len(given) == len(prepared.records) == 2
    true = {row: sorted(given.columns[given.iloc[row]]) for row in (0, 1)}
    location = ["icb_code", "lad_code", "latitude", "longitude", "postcode", "region_code"]
    assert true[0] == sorted(["name", "status", "website", "last_verified", *location])
    assert true[1] == sorted(["name", "licence", *location])
    # The records themselves still carry the defaults a new record gets.
    assert prepared.records["source"].tolist() == ["f.csv", "f.csv"]
    assert prepared.records["licence"].tolist() == [ingest.IMPORT_LICENCE, "OGL"]
    assert prepared.records["status"].tolist() == ["inactive", "active"]
