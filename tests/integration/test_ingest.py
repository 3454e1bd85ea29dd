"""Validating imported rows: mapping, text safety, vocabularies, location, ids, duplicates, practitioners."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest

from ecology import schema
from ecology.places import geography
from ecology.register import export, ingest, readers

pytestmark = pytest.mark.usefixtures("built")

TODAY = pd.Timestamp("2026-05-01")
MANCHESTER = "E08000003"


@pytest.fixture(scope="session")
def postcodes(built) -> geography.PostcodeTable:
    return geography.PostcodeTable.from_build()


@pytest.fixture(scope="session")
def assigner(built) -> geography.PointAssigner:
    return geography.PointAssigner.from_build()


@pytest.fixture
def prep(postcodes, assigner):
    """prepare() a file given as rows (first row = header) or bytes."""

    def run(rows, kind="assets", mapping=None, existing=None, filename="offers.csv", source="Test import"):
        if isinstance(rows, (bytes, str)):
            data = rows.encode() if isinstance(rows, str) else rows
        else:
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            data = buffer.getvalue().encode()
        raw = readers.read(filename, data)
        return ingest.prepare(raw, kind, mapping, postcodes=postcodes, assigner=assigner, existing=existing,
                              source=source, today=TODAY)

    return run


def _found(prepared, severity=None):
    """Return (row, field, severity) of every issue (of one severity if given)."""
    return [(i.row, i.field, i.severity) for i in prepared.issues if severity in (None, i.severity)]


def _issue(prepared, row, field):
    matches = [i for i in prepared.issues if i.row == row and i.field == field]
    assert len(matches) == 1, prepared.issues
    return matches[0]


# -- mapping ---------------------------------------------------------------------------------


def test_suggest_mapping_knows_common_column_names():
    columns = ["Organisation Name", "Post Code", "Health focus", "Lat", "Long", "Easting", "Northing", "ID",
               "E-mail", "Web Site", "Art forms", "Favourite colour"]
    assert ingest.suggest_mapping(columns, "assets") == {
        "Organisation Name": "organisation", "Post Code": "postcode", "Health focus": "health_focus",
        "Lat": "latitude", "Long": "longitude", "Easting": "easting", "Northing": "northing", "ID": "source_id",
        "E-mail": "contact_email", "Web Site": "website", "Art forms": "activities", "Favourite colour": None}


def test_suggest_mapping_gives_each_field_to_the_first_column_only():
    assert ingest.suggest_mapping(["Postcode", "Post code (2)", "post_code"], "assets") == {
        "Postcode": "postcode", "Post code (2)": None, "post_code": None}


def test_suggest_mapping_for_practitioners_never_maps_personal_columns():
    mapping = ingest.suggest_mapping(["Name", "Email", "Home postcode", "Art form", "MHFA", "Date of birth"],
                                     "practitioners")
    assert mapping == {"Name": None, "Email": None, "Home postcode": "postcode_district", "Art form": "disciplines",
                       "MHFA": "trained_mhfa", "Date of birth": None}


def test_mapping_targets_list_the_mappable_fields():
    targets = ingest.mapping_targets("assets")
    assert {"name", "postcode", "latitude", "easting", "source_id", "asset_id"} <= set(targets)
    assert not {"lad_code", "is_sample"} & set(targets)
    assert "postcode_district" in ingest.mapping_targets("practitioners")
    with pytest.raises(ValueError, match="kind"):
        ingest.mapping_targets("people")


def test_a_mapping_that_uses_a_field_twice_is_refused(prep):
    with pytest.raises(ValueError, match=r"'a' and 'b' are both mapped to 'name'"):
        prep([["a", "b"], ["x", "y"]], mapping={"a": "name", "b": "name"})


def test_an_explicit_mapping_is_followed(prep):
    prepared = prep([["Title", "Where"], ["Choir", "M1 1AE"]], mapping={"Title": "name", "Where": "postcode"})
    assert prepared.records.at[0, "name"] == "Choir"
    assert prepared.records.at[0, "postcode"] == "M1 1AE"


# -- text safety -----------------------------------------------------------------------------

TEXT_FIELDS = ["asset_id", "name", "organisation", "address", "website", "contact_email", "source", "licence",
               "attribution", "kind", "activities", "postcode"]


def _good_row() -> dict:
    return {"asset_id": "t:1", "name": "Choir", "organisation": "Sing CIC", "address": "1 Oxford Road",
            "website": "https://example.org", "contact_email": "info@example.org", "source": "Mine",
            "licence": "OGL", "attribution": "Me", "kind": "programme", "activities": "singing",
            "postcode": "M1 1AE"}


def _rows_with(bad: str) -> list[list[str]]:
    """Return a header and one row per text field holding ``bad`` in that field (others fine)."""
    rows = [TEXT_FIELDS]
    for number, target in enumerate(TEXT_FIELDS):
        row = _good_row() | {"asset_id": f"t:{number}", "name": f"Choir {number}", target: bad}
        rows.append([row[c] for c in TEXT_FIELDS])
    return rows


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "Choir <img src=x onerror=alert(1)>",
                                 "javascript:alert(1)"])
def test_html_and_script_in_every_text_field_reject_that_row(prep, bad):
    prepared = prep(_rows_with(bad))
    for row, target in enumerate(TEXT_FIELDS, start=2):
        html = [i for i in prepared.issues if i.row == row and "HTML" in i.message]
        assert [(i.field, i.column, i.severity, i.value) for i in html] == [(target, target, "error", bad)]
    assert len(prepared.records) == 0
    assert prepared.rejected_rows() == list(range(2, 2 + len(TEXT_FIELDS)))


@pytest.mark.parametrize("text", ["-Minus Group", "@Home Arts", "+Plus Collective", "=SUM(A1)",
                                  "=HYPERLINK(\"http://x\")", "-2+3 High Street"])
def test_text_that_starts_like_a_formula_is_stored_exactly_and_neutralised_on_export(prep, text):
    free_text = ["name", "organisation", "address", "source", "licence", "attribution"]
    rows = [TEXT_FIELDS] + [[(_good_row() | {"asset_id": f"t:{n}", "name": f"Choir {n}", target: text})[c]
                             for c in TEXT_FIELDS] for n, target in enumerate(free_text)]
    prepared = prep(rows)
    assert prepared.rejected_rows() == []
    for target in free_text:
        assert text in prepared.records[target].tolist()
    notes = [i for i in prepared.issues if "starts with '='" in i.message]
    assert all(i.severity == "warning" for i in notes) and (len(notes) == len(free_text)) == text.startswith("=")
    exported = export.to_csv(schema.conform(prepared.records.assign(asset_id=[f"x:{n}" for n in
                                                                            range(len(prepared.records))])))
    assert f",'{text}" in exported or f"\"'{text}" in exported.replace('""', '"')


def test_phone_numbers_and_signed_numbers_are_stored_as_given(prep):
    prepared = prep([["name", "organisation", "latitude", "longitude"],
                     ["Choir", "+44 20 7946 0000", "53.48", "-2.5"],
                     ["Dance", "-12.5", "+53.48", "-2.24"]])
    assert _found(prepared, "error") == []
    assert prepared.records["organisation"].tolist() == ["+44 20 7946 0000", "-12.5"]
    assert prepared.records["longitude"].tolist() == [-2.5, -2.24]


def test_export_formula_guard_is_taken_off_on_import_so_the_text_round_trips(prep):
    prepared = prep([["name", "postcode"], ["'=SUM(1)", "M1 1AE"], ["'Tis the season", "M1 1AE"]])
    assert _found(prepared, "error") == []
    assert prepared.records["name"].tolist() == ["=SUM(1)", "'Tis the season"]


def test_a_cell_of_100000_characters_is_an_error_naming_its_length(prep):
    prepared = prep([["name", "postcode"], ["Choir", "M1 1AE"], ["x" * 100_000, "M1 1AE"]])
    issue = _issue(prepared, 3, "name")
    assert issue.severity == "error"
    assert "100,000 characters" in issue.message and "limit is 300" in issue.message
    assert len(issue.value) == ingest.SHOWN_VALUE_CHARS and issue.value.endswith("…")
    assert prepared.records["name"].tolist() == ["Choir"]


def test_control_characters_are_removed_with_a_warning(prep):
    prepared = prep([["name", "postcode"], ["Ch\x07oir\x1b", "M1 1AE"]])
    issue = _issue(prepared, 2, "name")
    assert issue.severity == "warning" and "control characters" in issue.message
    assert "\x07" not in issue.value
    assert prepared.records.at[0, "name"] == "Choir"


def test_missing_name_is_an_error_and_an_unmapped_name_a_file_error(prep):
    prepared = prep([["name", "postcode"], ["", "M1 1AE"], ["Choir", "M1 1AE"]])
    assert _found(prepared, "error") == [(2, "name", "error")]
    prepared = prep([["heading", "postcode"], ["Choir", "M1 1AE"]])
    assert _found(prepared, "error") == [(None, "name", "error")]
    assert "No column is mapped to name" in prepared.issues[0].message
    assert len(prepared.records) == 0


def test_website_and_email_are_checked(prep):
    prepared = prep([["name", "postcode", "website", "email"],
                     ["A", "M1 1AE", "www.example.org/a", "a@example.org"],
                     ["B", "M1 1AE", "ftp://example.org", "b@example.org"],
                     ["C", "M1 1AE", "https://example.org", "not an email"]])
    assert _issue(prepared, 2, "website").severity == "warning"
    assert prepared.records.at[0, "website"] == "https://www.example.org/a"
    assert "http:// or https://" in _issue(prepared, 3, "website").message
    assert _issue(prepared, 4, "contact_email").severity == "error"
    assert prepared.rejected_rows() == [3, 4]


# -- vocabularies ----------------------------------------------------------------------------


def test_vocabulary_synonyms_and_separators_map_to_term_ids(prep):
    prepared = prep([["name", "postcode", "Activity", "Health focus", "Who for", "Cost", "Type"],
                     ["A", "M1 1AE", "Choir, Theatre/Drama", "Respiratory (COPD, long Covid); memory",
                      "Elderly | carers", "Pay what you can", "class"]])
    record = prepared.records.iloc[0]
    assert record["activities"] == "|singing|theatre_drama|"
    assert record["health_focus"] == "|respiratory|dementia|"
    assert record["audiences"] == "|older_people|carers|"
    assert (record["cost"], record["kind"]) == ("low_cost", "programme")
    assert _found(prepared) == [(None, "last_verified", "warning")]


def test_unknown_vocabulary_values_are_named_and_the_others_kept(prep):
    prepared = prep([["name", "postcode", "activities", "cost"],
                     ["A", "M1 1AE", "singing; basket weaving", "expensive"]])
    issue = _issue(prepared, 2, "activities")
    assert issue.severity == "warning"
    assert "'basket weaving' is not a known activity term" in issue.message and "other terms were kept" in issue.message
    assert "Singing" in issue.message  # lists the known terms
    assert "'expensive' is not a known cost term" in _issue(prepared, 2, "cost").message
    assert prepared.records.at[0, "activities"] == "|singing|"
    assert pd.isna(prepared.records.at[0, "cost"])


# -- location --------------------------------------------------------------------------------


def test_postcode_is_geocoded_and_placed_in_its_local_authority(prep):
    prepared = prep([["name", "postcode"], ["Choir", " m14 5ab "]])
    record = prepared.records.iloc[0]
    assert record["postcode"] == "M14 5AB"
    assert record["latitude"] == pytest.approx(53.452, abs=0.01)
    assert (record["lad_code"], record["icb_code"]) == (MANCHESTER, "E54000057")


def test_invalid_and_unknown_postcodes_are_errors_when_they_are_the_only_location(prep):
    prepared = prep([["name", "postcode"], ["A", "NOT A CODE"], ["B", "XX1 1XX"], ["C", "M1 1AE"]])
    invalid, unknown = _issue(prepared, 2, "postcode"), _issue(prepared, 3, "postcode")
    assert (invalid.severity, unknown.severity) == ("error", "error")
    assert "not shaped like a UK postcode" in invalid.message and invalid.value == "NOT A CODE"
    assert "not in the postcode directory" in unknown.message
    assert "no other location" in unknown.message
    assert prepared.records["name"].tolist() == ["C"]


def test_a_bad_postcode_beside_coordinates_is_a_warning(prep):
    prepared = prep([["name", "postcode", "lat", "lon"], ["A", "NOT A CODE", "53.48", "-2.24"]])
    issue = _issue(prepared, 2, "postcode")
    assert issue.severity == "warning" and "coordinates given were used" in issue.message
    assert pd.isna(prepared.records.at[0, "postcode"])  # an invalid postcode is not stored
    assert prepared.records.at[0, "lad_code"] == MANCHESTER


def test_scottish_postcode_is_outside_england(prep):
    prepared = prep([["name", "postcode"], ["Edinburgh choir", "EH1 1YZ"]])
    issue = _issue(prepared, 2, "postcode")
    assert issue.severity == "error"
    assert "EH1 1YZ is outside England" in issue.message and "Scottish" in issue.message
    assert len(prepared.records) == 0


def test_point_outside_england_is_an_error(prep):
    prepared = prep([["name", "latitude", "longitude"], ["Paris", "48.8566", "2.3522"]])
    issue = _issue(prepared, 2, "latitude")
    assert issue.severity == "error" and "48.85660, 2.35220" in issue.message and "outside England" in issue.message


def test_latitude_99_is_an_error_naming_the_value(prep):
    prepared = prep([["name", "latitude", "longitude"], ["A", "53.48", "-2.24"], ["B", "99", "-2.24"],
                     ["C", "53.48", "-200"]])
    issue = _issue(prepared, 3, "latitude")
    assert issue.severity == "error" and "latitude 99 is outside -90 to 90" in issue.message
    assert issue.value == "99"
    assert "longitude -200 is outside" in _issue(prepared, 4, "longitude").message
    assert prepared.records["name"].tolist() == ["A"]


def test_coordinates_that_are_not_numbers_are_errors(prep):
    prepared = prep([["name", "latitude", "longitude"], ["A", "north", "-2.24"]])
    assert any(i.row == 2 and i.field == "latitude" and "not a number" in i.message for i in prepared.issues)
    assert len(prepared.records) == 0


def test_decimal_commas_from_semicolon_files_are_read(prep):
    prepared = prep("name;latitude;longitude\r\nA;53,48;-2,24\r\n")
    assert prepared.records.iloc[0][["latitude", "longitude"]].tolist() == [53.48, -2.24]


def test_swapped_latitude_and_longitude_are_swapped_back_with_a_warning(prep):
    prepared = prep([["name", "lat", "lon"], ["A", "-2.2403", "53.4743"]])
    issue = _issue(prepared, 2, "latitude")
    assert issue.severity == "warning" and "swapped" in issue.message
    record = prepared.records.iloc[0]
    assert (record["latitude"], record["longitude"]) == (53.4743, -2.2403)
    assert record["lad_code"] == MANCHESTER


def test_easting_and_northing_columns_are_converted(prep):
    prepared = prep([["name", "Easting", "Northing"], ["A", "383500", "398000"], ["B", "383500", "-5"]])
    record = prepared.records.iloc[0]
    assert record["latitude"] == pytest.approx(53.4785, abs=1e-3)
    assert record["longitude"] == pytest.approx(-2.2501, abs=1e-3)
    assert record["lad_code"] == MANCHESTER
    assert "outside the British National Grid" in _issue(prepared, 3, "easting").message


def test_a_row_without_any_location_is_an_error(prep):
    prepared = prep([["name", "postcode", "latitude"], ["A", "", ""]])
    assert "No location" in _issue(prepared, 2, "postcode").message


def test_a_file_without_location_columns_gets_one_file_level_error(prep):
    prepared = prep([["name", "colour"], ["A", "red"], ["B", "blue"]])
    assert _found(prepared, "error") == [(None, "postcode", "error")]
    error = next(i for i in prepared.issues if i.severity == "error")
    assert "every asset needs a location" in error.message
    assert prepared.rejected_rows() == [] and len(prepared.records) == 0
    assert "Columns not imported (not mapped to a field): colour." in prepared.notes


def test_latitude_without_longitude_falls_back_to_the_postcode(prep):
    prepared = prep([["name", "postcode", "latitude", "longitude"], ["A", "M1 1AE", "53.48", ""],
                     ["B", "", "53.48", ""]])
    assert _issue(prepared, 2, "latitude").severity == "warning"
    assert _issue(prepared, 3, "latitude").severity == "error"
    assert prepared.records["name"].tolist() == ["A"]


# -- defaults and ids ------------------------------------------------------------------------


def test_defaults_for_status_date_source_licence_and_sample(prep):
    prepared = prep([["name", "postcode", "status", "last verified"], ["A", "M1 1AE", "", ""],
                     ["B", "M1 1AE", "Closed", "01/03/2026"], ["C", "M1 1AE", "maybe", "2026-02-03"]],
                    source="Arts Council list")
    records = prepared.records
    assert records["status"].tolist() == ["active", "inactive", "active"]
    # No date is not the import day: the row is never verified.
    assert records["last_verified"].isna().tolist() == [True, False, False]
    assert records["last_verified"].iloc[1:].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-02-03")]
    assert (records["source"] == "Arts Council list").all()
    assert (records["licence"] == ingest.IMPORT_LICENCE).all()
    assert not records["is_sample"].any()
    assert _issue(prepared, 4, "status").severity == "warning"
    file_level = [i for i in prepared.issues if i.row is None]
    assert len(file_level) == 1 and "1 row(s) had no last_verified date" in file_level[0].message
    assert "recorded as never verified" in file_level[0].message


def test_blank_unreadable_and_future_dates_are_never_verified_not_the_import_day(prep):
    prepared = prep([["name", "postcode", "last verified"], ["A", "M1 1AE", ""], ["B", "M1 1AE", "last spring"],
                     ["C", "M1 1AE", "2027-01-01"], ["D", "M1 1AE", "2026-04-30"]])
    dates = prepared.records["last_verified"]
    assert dates.isna().tolist() == [True, True, True, False] and dates.iloc[3] == pd.Timestamp("2026-04-30")
    assert TODAY not in set(dates.dropna())
    for row, words in ((3, "is not a date"), (4, "is in the future")):
        issue = _issue(prepared, row, "last_verified")
        assert issue.severity == "warning" and words in issue.message
        assert "recorded as never verified" in issue.message and "import date" not in issue.message
    # Only the blank row counts as "no date"; the other two have their own warning.
    file_level = [i for i in prepared.issues if i.row is None]
    assert [i.message.split(":")[0] for i in file_level] == ["1 row(s) had no last_verified date"]


def test_ids_kept_prefixed_or_derived_reproducibly(prep):
    rows = [["asset_id", "ID", "name", "postcode"], ["museum:1", "", "A", "M1 1AE"], ["", "77", "B", "M1 1AE"],
            ["", "", "C", "M1 1AE"]]
    first, second = prep(rows), prep(rows)
    ids = first.records["asset_id"].tolist()
    # A source id is scoped by the source, so two directories numbering rows 1, 2, 3 never clash.
    assert ids[:2] == ["museum:1", "import:test-import:77"]
    assert prep(rows, source="Other list").records["asset_id"].tolist()[1] == "import:other-list:77"
    assert ids[2].startswith("import:") and len(ids[2]) == len("import:") + 36
    assert second.records["asset_id"].tolist() == ids


def test_records_conform_to_the_schema(prep):
    prepared = prep([["name", "postcode"], ["A", "M1 1AE"]])
    assert list(prepared.records.columns) == list(schema.ASSET_COLUMNS)
    assert prepared.records.dtypes.astype(str).tolist() == [str(pd.Series(dtype=t).dtype)
                                                           for t in schema.ASSET_COLUMNS.values()]
    assert prepared.record_rows.tolist() == [2]


# -- duplicates ------------------------------------------------------------------------------


def test_duplicates_of_stored_records_by_id_and_by_name_and_postcode(prep):
    existing = pd.DataFrame({"asset_id": ["import:test-import:77", "museum:9"], "name": ["Old", "Singing  for Health"],
                             "postcode": ["LS1 1UR", "m11ae"]})
    prepared = prep([["ID", "name", "postcode"], ["77", "New name", "M1 1AE"],
                     ["", "singing for health", "M1 1AE"], ["", "Other", "M1 1AE"]], existing=existing)
    assert len(prepared.records) == 3  # kept: the store decides whether to merge or skip
    assert prepared.duplicates.to_dict(orient="records") == [
        {"row": 2, "record_index": 0, "record_id": "import:test-import:77", "existing_id": "import:test-import:77",
         "reason": "same source id"},
        {"row": 3, "record_index": 1, "record_id": prepared.records.at[1, "asset_id"], "existing_id": "museum:9",
         "reason": "same name and postcode"}]
    assert prepared.summary()["duplicates_in_store"] == 2


def test_repeats_within_the_file_are_dropped_and_reported(prep):
    prepared = prep([["ID", "name", "postcode"], ["1", "Choir", "M1 1AE"], ["2", "Dance", "M1 1AE"],
                     ["1", "Choir again", "M1 1AE"], ["3", " CHOIR ", "m11ae"]])
    assert prepared.records["name"].tolist() == ["Choir", "Dance"]
    assert prepared.duplicates[["row", "record_index", "reason"]].values.tolist() == [
        [4, -1, "repeats row 2"], [5, -1, "repeats row 2"]]
    assert "repeats row 2 (same id)" in _issue(prepared, 4, "").message
    assert "(same name and postcode)" in _issue(prepared, 5, "").message
    assert prepared.summary() == {"rows": 4, "accepted": 2, "rejected": 0, "warnings": 3,
                                  "duplicates_in_store": 0, "repeats_in_file": 2}


def test_a_rejected_row_does_not_hide_a_later_good_repeat(prep):
    prepared = prep([["ID", "name", "postcode"], ["1", "<b>Choir</b>", "M1 1AE"], ["1", "Choir", "M1 1AE"]])
    assert prepared.records["name"].tolist() == ["Choir"]
    assert prepared.duplicates.empty


# -- other formats through prepare -----------------------------------------------------------


def _stored_assets() -> pd.DataFrame:
    assets = pd.read_parquet(geography.paths.build_dir() / "assets.parquet")
    return assets[assets["lad_code"].notna()].head(200)


def _spaceless(postcodes: pd.Series) -> list:
    return postcodes.str.replace(" ", "").tolist()


def test_csv_export_round_trips_through_prepare(prep):
    assets = schema.conform(_stored_assets())
    prepared = prep(export.to_csv(assets).encode("utf-8-sig"), existing=assets)
    assert _found(prepared, "error") == []
    records = prepared.records
    for column in ("asset_id", "name", "organisation", "activities", "health_focus", "lad_code"):
        assert records[column].tolist() == assets[column].tolist(), column
    assert _spaceless(records["postcode"]) == _spaceless(assets["postcode"])  # stored in the tidy "M1 1AE" form
    assert np.allclose(records["latitude"], assets["latitude"])
    assert (prepared.duplicates["reason"] == "same source id").all() and len(prepared.duplicates) == len(assets)


def test_oruk_export_round_trips_through_prepare(prep):
    assets = schema.conform(_stored_assets()).head(50)
    prepared = prep(json.dumps(export.to_oruk(assets)), filename="feed.json", existing=assets)
    assert _found(prepared, "error") == []
    records = prepared.records
    for column in ("name", "activities", "health_focus", "audiences", "kind", "website", "lad_code"):
        assert records[column].tolist() == assets[column].tolist(), column
    assert _spaceless(records["postcode"]) == _spaceless(assets["postcode"])
    assert np.allclose(records["latitude"], assets["latitude"])
    assert prepared.duplicates["reason"].eq("same name and postcode").sum() == assets["postcode"].notna().sum()


def test_oruk_service_missing_required_fields_is_named(prep):
    document = {"services": [{"id": "a", "name": "Choir", "organization": {"name": "Org"},
                              "service_at_locations": [{"location": {"latitude": 53.48, "longitude": -2.24}}]},
                             {"id": "b", "organization": {"name": "Org"}}]}
    prepared = prep(json.dumps(document), filename="feed.json")
    issue = _issue(prepared, 2, "name")
    assert issue.severity == "error" and "no name" in issue.message
    assert prepared.record_rows.tolist() == [1]


def test_geojson_in_bng_is_placed_and_bad_geometry_rejected(prep):
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [383500, 398000]},
         "properties": {"name": "Choir"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[383500, 398000], [383600, 398100]]},
         "properties": {"name": "Walk"}}]}
    prepared = prep(json.dumps(document), filename="places.geojson")
    assert prepared.records["lad_code"].tolist() == [MANCHESTER]
    assert _found(prepared, "error") == [(2, "geometry", "error")]
    assert "LineString, not a Point" in prepared.issues[0].message
    assert any("British National Grid" in note for note in prepared.notes)


def test_xlsx_rows_are_prepared_with_sheet_row_numbers(prep):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Post Code", "Lat", "Long"])
    sheet.append(["Choir", "M1 1AE", None, None])
    sheet.append(["Far", None, 99, -2.2])
    buffer = io.BytesIO()
    book.save(buffer)
    prepared = prep(buffer.getvalue(), filename="offers.xlsx")
    assert prepared.record_rows.tolist() == [2]
    assert _issue(prepared, 3, "latitude").severity == "error"


def test_report_frame_and_json(prep):
    prepared = prep([["name", "postcode"], ["A", "M1 1AE"], ["<b>", "M1 1AE"]])
    frame = prepared.report_frame()
    assert list(frame.columns) == ["row", "column", "field", "severity", "message", "value"]
    assert pd.isna(frame.at[0, "row"])  # the file-level warning (no dates) comes first
    assert frame.iloc[1][["row", "field", "severity", "value"]].tolist() == [3, "name", "error", "<b>"]
    report = json.loads(json.dumps(prepared.report_json()))
    assert report["summary"] == {"rows": 2, "accepted": 1, "rejected": 1, "warnings": 1,
                                 "duplicates_in_store": 0, "repeats_in_file": 0}
    assert [(i["row"], i["field"]) for i in report["issues"] if i["severity"] == "error"] == [(3, "name")]
    assert report["notes"] == prepared.notes and report["duplicates"] == []


# -- practitioners -----------------------------------------------------------------------------


def test_practitioner_full_postcode_is_cut_to_its_district(prep):
    prepared = prep([["Postcode", "Art form"], ["M14 5AB", "singing"], ["M14", "dance"]], kind="practitioners")
    assert prepared.records["postcode_district"].tolist() == ["M14", "M14"]
    issue = _issue(prepared, 2, "postcode_district")
    assert issue.severity == "warning" and "only its district was kept" in issue.message
    assert issue.value == "M14"  # the full postcode never reaches the report
    assert "5AB" not in json.dumps(prepared.report_json())


def test_practitioner_personal_columns_are_dropped_with_a_warning(prep):
    prepared = prep([["Name", "Email", "Phone", "Address", "Date of birth", "District", "Discipline"],
                     ["Ann Smith", "ann@example.org", "07700 900000", "1 Road", "1980-01-01", "M14", "music"]],
                    kind="practitioners")
    warning = next(i for i in prepared.issues if i.row is None and "personal data" in i.message)
    assert warning.severity == "warning"
    for column in ("Name", "Email", "Phone", "Address", "Date of birth"):
        assert column in warning.message
    assert list(prepared.records.columns) == list(schema.PRACTITIONER_COLUMNS)
    text = prepared.records.astype(str).to_string()
    assert "Ann" not in text and "ann@" not in text and "07700" not in text
    assert prepared.records.at[0, "disciplines"] == "|music|"


def test_practitioner_personal_column_is_dropped_even_when_mapped(prep):
    prepared = prep([["Name", "District"], ["Ann Smith", "M14"]], kind="practitioners",
                    mapping={"Name": "disciplines", "District": "postcode_district"})
    assert pd.isna(prepared.records.at[0, "disciplines"])


def test_practitioner_district_centroid_is_in_the_right_local_authority(prep, postcodes):
    prepared = prep([["district", "practice type"], ["M14", "freelance"], ["LS6", "CIC"]], kind="practitioners")
    records = prepared.records
    assert records["lad_code"].tolist() == [MANCHESTER, "E08000035"]  # Manchester, Leeds
    assert records["practice_type"].tolist() == ["freelancer", "small_organisation"]
    centroid = ingest.district_centroids(postcodes, ["M14"]).loc["M14"]
    assert (records.at[0, "latitude"], records.at[0, "longitude"]) == pytest.approx(
        (centroid["lat"], centroid["lon"]), abs=1e-5)


def test_district_centroid_excludes_longer_districts_sharing_a_prefix(postcodes):
    centroids = ingest.district_centroids(postcodes, ["M1", "M14", "ZZ9"])
    geocoded = postcodes.geocode(["M1 1AE", "M14 5AB"])
    assert centroids.at["M1", "lat"] == pytest.approx(geocoded.at[0, "lat"], abs=0.01)
    assert centroids.at["M14", "lat"] == pytest.approx(geocoded.at[1, "lat"], abs=0.01)
    assert centroids.at["M1", "count"] > 0 and centroids.at["ZZ9", "count"] == 0


def test_practitioner_bad_districts_and_flags(prep):
    prepared = prep([["district", "safeguarding", "MHFA", "fair pay"], ["M14", "Yes", "n", "1"],
                     ["M14", "y", "0", "sometimes"], ["NOTADISTRICT", "", "", ""], ["ZZ9", "", "", ""],
                     ["EH1", "", "", ""]], kind="practitioners")
    records = prepared.records
    assert records["trained_safeguarding"].tolist() == [True, True]
    assert records["trained_mhfa"].tolist() == [False, False]
    assert records["paid_fairly"].tolist()[0] is True and pd.isna(records["paid_fairly"].iloc[1])
    assert _issue(prepared, 3, "paid_fairly").severity == "warning"
    assert "not a postcode district" in _issue(prepared, 4, "postcode_district").message
    assert "no located postcodes" in _issue(prepared, 5, "postcode_district").message
    assert "outside England" in _issue(prepared, 6, "postcode_district").message
    assert prepared.rejected_rows() == [4, 5, 6]


def test_practitioner_file_without_districts_gets_one_file_level_error(prep):
    prepared = prep([["Art form"], ["music"], ["dance"]], kind="practitioners")
    assert _found(prepared, "error") == [(None, "postcode_district", "error")]
    assert len(prepared.records) == 0


def test_practitioner_ids_and_repeats(prep):
    prepared = prep([["ID", "district"], ["p1", "M14"], ["p1", "M14"], ["", "M14"]], kind="practitioners",
                    existing=pd.DataFrame({"practitioner_id": ["import:test-import:p1"]}))
    assert prepared.records["practitioner_id"].tolist()[0] == "import:test-import:p1"
    assert prepared.records["practitioner_id"].iloc[1].startswith("import:")
    assert prepared.duplicates["reason"].tolist() == ["same source id", "repeats row 2"]


# -- speed -------------------------------------------------------------------------------------


def test_ten_thousand_postcode_rows_are_all_accounted_for(postcodes, assigner):
    # Speed is measured by `python -m bench import_rows`, not asserted here.
    stored = pd.read_parquet(geography.paths.build_dir() / "assets.parquet", columns=["postcode"])
    codes = stored["postcode"].dropna().to_numpy()
    rng = np.random.default_rng(4)
    lines = ["name,organisation,postcode,activities,health focus,website"]
    for i, code in enumerate(rng.choice(codes, 10_000)):
        lines.append(f"Offer {i},Org {i % 300},{code},singing; dance,dementia,https://example.org/{i}")
    raw = readers.read("big.csv", "\n".join(lines).encode())
    prepared = ingest.prepare(raw, "assets", postcodes=postcodes, assigner=assigner, existing=None,
                              source="Speed", today=TODAY)
    assert len(prepared.records) + len(prepared.rejected_rows()) + prepared.summary()["repeats_in_file"] == 10_000
    assert len(prepared.records) > 9_000


@pytest.mark.parametrize("name", ["", "choir|M11AE|53.48000|-2.24000", "Café ☕"])
def test_fast_uuid5_matches_the_standard_library(name):
    import uuid

    assert ingest.uuid5(name) == str(uuid.uuid5(ingest.IMPORT_NAMESPACE, name))


def test_mixed_date_styles_each_stay_on_their_own_row(prep):
    # ISO dates first, then day-first ones: each row must keep its own date.
    dates = ["2024-03-05", "05/03/2024", "25/03/2024", "13/01/2025", "01/12/2024"]
    prepared = prep([["name", "postcode", "last verified"]] + [[f"N{i}", "M1 1AE", d] for i, d in enumerate(dates)])
    assert prepared.records["last_verified"].tolist() == [pd.Timestamp(d) for d in (
        "2024-03-05", "2024-03-05", "2024-03-25", "2025-01-13", "2024-12-01")]
    assert not [i for i in prepared.issues if i.field == "last_verified"]
