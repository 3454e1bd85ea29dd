"""Open Referral UK as real directories publish it: a paginated service list with nested
organisations, locations and addresses, a single service object, mixed UTC offsets; and our
export in the nested API shape, valid against the official UK profile 3.0 compiled schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from ecology.register import ingest, readers
from ecology.register.export import oruk_api
from ecology.cli.main import main

pytestmark = pytest.mark.usefixtures("built")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oruk"
COMPILED = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "oruk-uk-profile-3.0" / "compiled"
TODAY = pd.Timestamp("2026-12-01")


@pytest.fixture(scope="module")
def lookups():
    from ecology.places import geography

    return geography.PostcodeTable.from_build(), geography.PointAssigner.from_build()


def _prepare(path: Path, lookups) -> ingest.Prepared:
    postcodes, assigner = lookups
    raw = readers.read(path.name, path.read_bytes())
    return ingest.prepare(raw, "assets", None, postcodes=postcodes, assigner=assigner, existing=None,
                          source="Test feed", today=TODAY)


def _validator(name: str):
    schema = json.loads((COMPILED / name).read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def test_a_paginated_service_list_gives_one_row_per_service_location(lookups):
    raw = readers.read("page.json", (FIXTURES / "service-list-page.json").read_bytes())
    assert raw.frame["name"].tolist() == ["Singing for the Brain, Shipley",
                                          "Arts on Prescription (Halifax Central Library)",
                                          "Arts on Prescription (Todmorden Community Centre)",
                                          "Telephone poetry circle"]
    assert raw.frame["id"].tolist()[1:3] == ["a3f1c2d4-0002-4b7e-9c1a-000000000002@e2",
                                            "a3f1c2d4-0002-4b7e-9c1a-000000000002@e3"]
    assert raw.frame["organisation"].tolist()[0] == "Airedale Voices CIC"  # the nested organisation
    # The physical address, not the postal one listed first.
    assert raw.frame["postcode"].tolist()[:2] == ["BD18 3QH", "HX1 1QG"]
    assert raw.frame["activities"].tolist()[0] == "singing"
    assert "3 services; 1 delivered at several locations give one row per location, 4 rows in all" in raw.notes[0]


def test_last_modified_is_never_taken_for_a_verification_and_mixed_offsets_do_not_crash(lookups):
    prepared = _prepare(FIXTURES / "service-list-page.json", lookups)
    by_name = prepared.records.set_index("name")
    # Service 1 was assured on 2026-09-14; the others only have last_modified (+00:00, -05:00, Z).
    assert by_name.at["Singing for the Brain, Shipley", "last_verified"] == pd.Timestamp("2026-09-14")
    assert by_name["last_verified"].isna().sum() == len(by_name) - 1


def test_the_feed_places_what_it_can_and_names_the_service_it_cannot(lookups):
    prepared = _prepare(FIXTURES / "service-list-page.json", lookups)
    placed = prepared.records.set_index("name")
    assert placed.at["Singing for the Brain, Shipley", "lad_code"] == "E08000032"  # Bradford
    assert placed.at["Arts on Prescription (Halifax Central Library)", "lad_code"] == "E08000033"  # Calderdale
    assert placed.at["Arts on Prescription (Todmorden Community Centre)", "lad_code"] == "E08000033"
    unplaced = [i for i in prepared.issues if i.row == 4 and i.severity == "error"]
    assert unplaced and all(i.field in ("postcode", "latitude", "longitude", "address") for i in unplaced), \
        prepared.issues
    assert prepared.rejected_rows() == [4]


def test_a_single_service_object_is_read_as_one_service():
    raw = readers.read("service.json", (FIXTURES / "single-service.json").read_bytes())
    assert raw.frame["name"].tolist() == ["Singing for the Brain, Shipley"]
    assert raw.frame["postcode"].tolist() == ["BD18 3QH"]


def test_the_import_command_reads_a_real_feed_and_reports_without_a_traceback(tmp_path, capsys):
    register = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    code = main(["import", str(FIXTURES / "service-list-page.json"), "--kind", "assets", "--dry-run",
                 "--database", register])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 1  # the answer is "no" for the unplaced row
    report = json.loads(out)
    assert report["summary"]["accepted"] == 3 and report["summary"]["rejected"] == 1


def test_dates_with_different_utc_offsets_are_read_as_english_dates(lookups):
    postcodes, assigner = lookups
    csv = ("name,postcode,last_verified\nA,BD18 3QH,2026-03-01T10:00:00+01:00\n"
           "B,BD18 3QH,2026-07-01T23:30:00Z\nC,BD18 3QH,2026-03-02\n")
    raw = readers.read("offers.csv", csv.encode())
    prepared = ingest.prepare(raw, "assets", None, postcodes=postcodes, assigner=assigner, existing=None,
                              source="Test", today=TODAY)
    dates = prepared.records.set_index("name")["last_verified"]
    # 23:30 UTC on 1 July is 00:30 on 2 July in England (BST).
    assert dates.to_dict() == {"A": pd.Timestamp("2026-03-01"), "B": pd.Timestamp("2026-07-02"),
                               "C": pd.Timestamp("2026-03-02")}


@pytest.fixture(scope="module")
def exported():
    from ecology.register import startup

    assets = startup.open_register(None).records("assets")
    sample = pd.concat([assets[~assets["is_sample"]].sample(300, random_state=7),
                        assets[assets["is_sample"]].sample(200, random_state=7)])
    return oruk_api.service_list(sample)


@pytest.mark.parametrize("schema_name", ["service.json", "service_list.json"])
def test_every_exported_service_validates_against_the_uk_profile(exported, schema_name):
    validator = _validator(schema_name)
    problems = [f"{service['name']}: {error.message}" for service in exported["contents"]
                for error in validator.iter_errors(service)]
    assert problems == []
    assert len(exported["contents"]) == 500


def test_every_exported_organisation_and_service_at_location_validates(exported):
    organisations, links = _validator("organization.json"), _validator("service_at_location.json")
    problems = [e.message for s in exported["contents"] for e in organisations.iter_errors(s["organization"])]
    problems += [e.message for s in exported["contents"] for link in s["service_at_locations"]
                 for e in links.iter_errors(link)]
    assert problems == []
    located = [link["location"] for s in exported["contents"] for link in s["service_at_locations"]]
    assert located and all(loc["location_type"] == "physical" for loc in located)


def test_the_nested_export_reads_back_as_the_same_services(exported):
    raw = readers.read("export.json", json.dumps(exported).encode())
    names = sorted(s["name"] for s in exported["contents"])
    assert sorted(raw.frame["name"]) == names
    postcodes = sorted(a["postal_code"] for s in exported["contents"] for link in s["service_at_locations"]
                       for a in link["location"].get("addresses", []) if a["postal_code"])
    assert sorted(raw.frame["postcode"].dropna()) == postcodes
