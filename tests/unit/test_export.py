"""CSV, GeoJSON and Open Referral UK exports of asset tables."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ecology import schema
from ecology.register import export

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_COLUMNS = [c for c, t in schema.ASSET_COLUMNS.items() if t == "string"]
VOCABULARY_FIELDS = {**schema.MULTI_VALUED, **schema.SINGLE_VALUED}

# ORUK 3.0 required fields (OpenReferralUK/uk-profile schema/*.json and profile/*.json, with
# the flat-data links from "tabular_required" and openreferraluk.org/developers/compliance).
REQUIRED = {
    "organizations": ("id", "name", "description"),
    "services": ("id", "organization_id", "name", "status"),
    "locations": ("id",),
    "addresses": ("id", "location_id", "address_1", "city", "state_province", "postal_code", "country",
                  "address_type"),
    "service_at_locations": ("id", "service_id", "location_id"),
    "taxonomies": ("id", "name", "description"),
    "taxonomy_terms": ("id", "taxonomy"),
    "attributes": ("id", "link_id", "taxonomy_term_id", "link_entity"),
    "cost_options": ("id", "service_id"),
}


def _assets() -> pd.DataFrame:
    rows = [
        {  # a real record with a formula for a name and an awkward address
            "asset_id": "museum:mm.1", "name": '=HYPERLINK("http://x")', "organisation": "+SUM(1)",
            "kind": "venue", "activities": "|heritage_museums|visual_arts|", "health_focus": "|dementia|",
            "audiences": "|older_people|carers|", "settings": "|cultural_venue|", "referral_routes": "|self|gp|",
            "cost": "free", "address": 'Unit 1, "The Mill"\nRedhill Street', "postcode": "M4 5BA",
            "latitude": 53.4839, "longitude": -2.23, "website": "https://museum.example.org",
            "contact_email": "info@museum.example.org", "status": "active", "last_verified": "2026-03-01",
            "source": "Museums register", "licence": "OGL v3.0", "attribution": "Contains Arts Council England data",
            "is_sample": False, "lad_code": "E08000003", "icb_code": "E54000057", "region_code": "E40000010",
        },
        {  # no organisation, no latitude, no activities (empty string), a formula-like address
            "asset_id": "library:lib.2", "name": "@cmd", "organisation": pd.NA, "kind": "venue",
            "activities": "", "health_focus": pd.NA, "audiences": "|adults|", "settings": "|community|",
            "referral_routes": pd.NA, "cost": pd.NA, "address": "-2+3 High Street", "postcode": "LS1 1AA",
            "latitude": None, "longitude": -1.5491, "website": pd.NA, "contact_email": pd.NA, "status": "active",
            "last_verified": None, "source": "Libraries list", "licence": "OGL v3.0",
            "attribution": "Contains Arts Council England data", "is_sample": False,
        },
        {  # a generated sample record with markup in its name, sharing the organisation of row 1
            "asset_id": "sample:offer-00001", "name": "<img src=x onerror=alert(1)>", "organisation": "+SUM(1)",
            "kind": "programme", "activities": "|singing|", "health_focus": "|mental_health|respiratory|",
            "audiences": "|adults|", "settings": "|community|", "referral_routes": "|link_worker|",
            "cost": "low_cost", "address": pd.NA, "postcode": pd.NA, "latitude": 52.6309, "longitude": 1.2974,
            "website": "https://example.org/offer-00001", "contact_email": "offer-00001@example.org",
            "status": "inactive", "last_verified": "2025-12-24", "source": "Generated sample",
            "licence": "CC0", "attribution": "Generated sample records", "is_sample": True,
        },
        {  # tab- and CR-led text, an apostrophe already in front of a formula, unknown status
            "asset_id": "museum:mm.4", "name": "\tTabbed name", "organisation": "Halle Orchestra",
            "kind": "organisation", "activities": "|music|singing|", "health_focus": "|general_wellbeing|",
            "audiences": pd.NA, "settings": "|online|", "referral_routes": "|self|", "cost": "paid",
            "address": "\rCarriage return street", "postcode": "'=1+1", "latitude": 51.5072, "longitude": -0.1276,
            "website": "http://halle.example.org/a,b", "contact_email": "hello@halle.example.org",
            "status": pd.NA, "last_verified": "2024-07-15", "source": "Museums register",
            "licence": "OGL v3.0", "attribution": "Contains Arts Council England data", "is_sample": False,
        },
    ]
    return schema.conform(pd.DataFrame(rows))


@pytest.fixture()
def assets() -> pd.DataFrame:
    return _assets()


def _raw_rows(text: str) -> list[dict[str, str]]:
    """Read the CSV with the standard library, as another program would."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


# -- CSV ---------------------------------------------------------------------------


def test_csv_round_trip_equals_input(assets):
    assert_frame_equal(export.read_csv(export.to_csv(assets)), schema.conform(assets))


def test_csv_has_every_column_in_order_and_readable_terms(assets):
    text = export.to_csv(assets)
    header = next(csv.reader(io.StringIO(text, newline="")))
    assert header == list(schema.ASSET_COLUMNS)
    rows = _raw_rows(text)
    assert len(rows) == len(assets)
    assert rows[0]["activities"] == "heritage_museums; visual_arts"
    assert rows[0]["last_verified"] == "2026-03-01"
    assert rows[2]["is_sample"] == "true" and rows[0]["is_sample"] == "false"
    for row in rows:
        for field in schema.MULTI_VALUED:
            assert "|" not in row[field]


def test_every_hostile_text_cell_is_prefixed_and_numbers_are_not(assets):
    rows = _raw_rows(export.to_csv(assets))
    hostile = 0
    for row, original in zip(rows, assets.to_dict(orient="records")):
        for column in TEXT_COLUMNS:
            cell, value = row[column], original[column]
            assert not cell.startswith(TRIGGERS), (column, cell)
            if isinstance(value, str) and value.startswith(TRIGGERS):
                assert cell == "'" + value
                hostile += 1
        for column in ("latitude", "longitude"):
            if pd.isna(original[column]):
                assert row[column] == ""
            else:
                assert not row[column].startswith("'")
                assert float(row[column]) == original[column]
    # name and organisation of row 1, name and address of row 2, organisation of row 3,
    # name and address of row 4
    assert hostile == 7
    assert rows[0]["longitude"] == "-2.23"
    assert rows[3]["postcode"] == "''=1+1"


def test_read_csv_removes_only_the_added_apostrophe():
    text = ("\ufeffasset_id,name,organisation,address,activities,latitude,longitude\n"
            "a,'=1+1,'plain,''-x,'-odd; singing,,-2.5\n"
            "b,'@home,'',\"'\t\",,53.0,\n")
    frame = export.read_csv(text)
    assert list(frame.columns) == list(schema.ASSET_COLUMNS)
    assert frame["name"].tolist() == ["=1+1", "@home"]
    assert frame["organisation"].tolist() == ["'plain", "''"]
    assert frame["address"].tolist() == ["'-x", "\t"]
    assert frame["activities"].tolist()[0] == "|-odd|singing|"
    assert pd.isna(frame["activities"].tolist()[1])
    assert frame["longitude"].tolist()[0] == -2.5 and pd.isna(frame["latitude"].tolist()[0])
    assert frame["is_sample"].tolist() == [False, False]


def test_read_csv_rejects_a_ragged_row():
    with pytest.raises(ValueError, match="row 3"):
        export.read_csv("asset_id,name\na,b\nc\n")


# -- GeoJSON -----------------------------------------------------------------------


def test_geojson_is_a_valid_point_collection(assets):
    collection = export.to_geojson(assets)
    text = json.dumps(collection, allow_nan=False)
    assert json.loads(text) == collection
    assert collection["type"] == "FeatureCollection"
    by_id = {r["asset_id"]: r for r in assets.to_dict(orient="records")}
    assert [f["id"] for f in collection["features"]] == ["museum:mm.1", "sample:offer-00001", "museum:mm.4"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        # [longitude, latitude]: in Great Britain longitude is small and latitude about 50-60
        assert -9 <= lon <= 3 and 49 <= lat <= 61
        record = by_id[feature["id"]]
        assert (lon, lat) == (record["longitude"], record["latitude"])
        assert set(feature["properties"]) == set(schema.ASSET_COLUMNS) - {"latitude", "longitude"}


def test_geojson_leaves_out_and_counts_assets_without_coordinates(assets):
    collection = export.to_geojson(assets)
    assert collection["assets_without_coordinates"] == 1
    assert "library:lib.2" not in {f["id"] for f in collection["features"]}


def test_geojson_properties_are_plain_values(assets):
    collection = export.to_geojson(assets)
    first = collection["features"][0]["properties"]
    assert first["activities"] == ["heritage_museums", "visual_arts"]
    assert first["last_verified"] == "2026-03-01"
    assert first["is_sample"] is False
    assert first["name"] == '=HYPERLINK("http://x")'
    sample = collection["features"][1]["properties"]
    assert sample["address"] is None and sample["is_sample"] is True
    assert collection["features"][2]["properties"]["audiences"] is None
    assert collection["attribution"] == ["Contains Arts Council England data", "Generated sample records"]
    assert collection["licence"] == ["OGL v3.0", "CC0"]


# -- Open Referral UK -----------------------------------------------------------------


def _nested(document: dict) -> dict[str, list[dict]]:
    """Return every ORUK object in ``document`` by kind, nested ones included."""
    objects = {kind: list(document.get(kind, [])) for kind in REQUIRED}
    for location in document["locations"]:
        objects["addresses"].extend(location.get("addresses", []))
    for service in document["services"]:
        objects["attributes"].extend(service.get("attributes", []))
        objects["cost_options"].extend(service.get("cost_options", []))
    return objects


def test_oruk_objects_have_every_required_field(assets):
    objects = _nested(export.to_oruk(assets))
    for kind, fields in REQUIRED.items():
        assert objects[kind], kind
        for item in objects[kind]:
            for field in fields:
                assert field in item and item[field] is not None, (kind, field, item)
    for service in objects["services"]:
        assert service["status"] in {"active", "inactive", "defunct", "temporarily closed"}
    for address in objects["addresses"]:
        assert address["country"] == "GB" and address["address_type"] == "physical"


def test_oruk_is_json_and_states_its_sources(assets):
    document = export.to_oruk(assets)
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert document["attribution"] == ["Contains Arts Council England data", "Generated sample records"]
    assert document["licence"] == ["OGL v3.0", "CC0"]


def test_oruk_ids_are_stable_uuids_and_distinct(assets):
    first, second = export.to_oruk(assets), export.to_oruk(assets)
    assert first == second
    # Same asset, same id, whatever else is in the export or in what order.
    reordered = export.to_oruk(assets.iloc[::-1])
    alone = export.to_oruk(assets.iloc[[2]])
    ids = {s["name"]: s["id"] for s in first["services"]}
    assert ids == {s["name"]: s["id"] for s in reordered["services"]}
    assert alone["services"][0]["id"] == ids["<img src=x onerror=alert(1)>"]
    every_id = [item["id"] for items in _nested(first).values() for item in items]
    assert len(every_id) == len(set(every_id))
    for value in every_id:
        assert str(uuid.UUID(value)) == value


def test_oruk_one_service_per_asset_and_one_organisation_per_name(assets):
    document = export.to_oruk(assets)
    assert len(document["services"]) == len(assets)
    names = sorted(o["name"] for o in document["organizations"])
    # "+SUM(1)" runs two assets; the asset with no organisation is its own.
    assert names == sorted(["+SUM(1)", "@cmd", "Halle Orchestra"])
    statuses = {s["name"]: s["status"] for s in document["services"]}
    assert statuses["<img src=x onerror=alert(1)>"] == "inactive"
    assert statuses["\tTabbed name"] == "active"
    costs = {s["name"]: s.get("cost_options") for s in document["services"]}
    assert costs['=HYPERLINK("http://x")'][0]["amount"] == 0
    assert costs["@cmd"] is None
    sample = next(s for s in document["services"] if s["name"].startswith("<img"))
    assert sample["description"].startswith("Generated sample record")


def test_oruk_taxonomy_terms_are_the_vocabulary_ids_used(assets):
    document = export.to_oruk(assets)
    used = set()
    for record in assets.to_dict(orient="records"):
        for field, vocabulary in VOCABULARY_FIELDS.items():
            value = record[field]
            ids = schema.split_terms(value) if field in schema.MULTI_VALUED else ([value] if value else [])
            used.update((f"creative-health-ecologies:{vocabulary}", term) for term in ids)
    terms = document["taxonomy_terms"]
    assert {(t["taxonomy"], t["code"]) for t in terms} == used
    assert len(terms) == len(used)
    assert all(t["parent_id"] is None for t in terms)
    assert {t["name"] for t in document["taxonomies"]} == {taxonomy for taxonomy, _ in used}


def test_oruk_references_resolve(assets):
    document = export.to_oruk(assets)
    organisations = {o["id"] for o in document["organizations"]}
    services = {s["id"] for s in document["services"]}
    locations = {loc["id"] for loc in document["locations"]}
    terms = {t["id"] for t in document["taxonomy_terms"]}
    taxonomies = {t["id"] for t in document["taxonomies"]}
    assert all(s["organization_id"] in organisations for s in document["services"])
    for link in document["service_at_locations"]:
        assert link["service_id"] in services and link["location_id"] in locations
    for service in document["services"]:
        for attribute in service.get("attributes", []):
            assert attribute["link_id"] == service["id"] and attribute["taxonomy_term_id"] in terms
        for option in service.get("cost_options", []):
            assert option["service_id"] == service["id"]
    for location in document["locations"]:
        for address in location.get("addresses", []):
            assert address["location_id"] == location["id"]
    assert all(t["taxonomy_id"] in taxonomies for t in document["taxonomy_terms"])


def test_oruk_locations_carry_points_and_addresses(assets):
    document = export.to_oruk(assets)
    by_name = {loc["name"]: loc for loc in document["locations"]}
    museum = by_name['=HYPERLINK("http://x")']
    assert (museum["latitude"], museum["longitude"]) == (53.4839, -2.23)
    assert museum["addresses"][0]["address_1"] == 'Unit 1, "The Mill"\nRedhill Street'
    assert museum["addresses"][0]["postal_code"] == "M4 5BA"
    library = by_name["@cmd"]  # no latitude: an address-only location
    assert "latitude" not in library and library["addresses"][0]["postal_code"] == "LS1 1AA"
    sample = by_name["<img src=x onerror=alert(1)>"]  # a point and no address
    assert "addresses" not in sample
    assert len(document["service_at_locations"]) == len(document["locations"]) == 4


def test_oruk_refuses_repeated_asset_ids(assets):
    with pytest.raises(ValueError, match="repeat"):
        export.to_oruk(pd.concat([assets, assets.iloc[[0]]], ignore_index=True))
