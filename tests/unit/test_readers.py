"""Reading uploaded files into raw text tables: formats, encodings, limits and refusals."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from ecology import schema
from ecology.places import crs
from ecology.register import export, readers
from ecology.register.readers import ImportRefused, read


def _asset(**overrides) -> dict:
    row = {"asset_id": "test:1", "name": "Singing for the Brain", "organisation": "Alzheimer's Society",
           "kind": "programme", "activities": "|singing|", "health_focus": "|dementia|mental_health|",
           "audiences": "|older_people|carers|", "settings": "|community|", "referral_routes": "|self|gp|",
           "cost": "free", "address": "1 Oxford Road, Manchester", "postcode": "M1 5QA", "latitude": 53.4743,
           "longitude": -2.2403, "website": "https://example.org/sing", "contact_email": "info@example.org",
           "status": "active", "last_verified": "2026-03-01", "source": "Test", "licence": "OGL v3.0",
           "attribution": "Test data", "is_sample": False}
    row.update(overrides)
    return row


def _assets() -> pd.DataFrame:
    return schema.conform(pd.DataFrame([
        _asset(),
        _asset(asset_id="test:2", name="Dance, \"Move\" & Groove", organisation=None, activities="|dance|",
               address="Unit 2\nMill Street", postcode="LS1 1UR", latitude=53.7961, longitude=-1.5475, cost=None,
               status="inactive"),
    ]))


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(data):
    with pytest.raises(ImportRefused, match=r"empty .*nothing to import"):
        read("offers.csv", data)


def test_header_only_is_refused_naming_the_columns():
    with pytest.raises(ImportRefused) as refused:
        read("offers.csv", b"name,postcode,activities\r\n\r\n")
    message = str(refused.value)
    assert "no data rows" in message
    assert "3 columns: name, postcode, activities" in message


def test_tab_separated_file_is_refused_naming_tabs():
    with pytest.raises(ImportRefused) as refused:
        read("offers.csv", b"name\tpostcode\nChoir\tM1 1AE\n")
    assert "tabs" in str(refused.value)
    assert "commas" in str(refused.value)


def test_bar_separated_file_is_refused_naming_bars():
    with pytest.raises(ImportRefused, match=r"vertical bars"):
        read("offers.csv", b"name|postcode\nChoir|M1 1AE\n")


def test_single_column_file_without_another_separator_is_read():
    table = read("names.csv", b"name\nChoir\nDance\n")
    assert table.frame["name"].tolist() == ["Choir", "Dance"]


def test_file_over_the_size_limit_is_refused_before_reading():
    data = b"name,postcode\n" + b"x" * (50 * 1024 * 1024)
    with pytest.raises(ImportRefused) as refused:
        read("big.csv", data)
    assert "50.0 MB" in str(refused.value)
    assert "limit is 20 MB" in str(refused.value)


def test_file_over_the_row_limit_is_refused():
    data = b"name,postcode\n" + b"a,b\n" * 200_000
    assert len(data) < readers.MAX_IMPORT_BYTES
    with pytest.raises(ImportRefused, match=r"more than 100,000 rows"):
        read("many.csv", data)


def test_file_at_the_row_limit_is_read():
    data = b"name\n" + b"a\n" * readers.MAX_IMPORT_ROWS
    assert len(read("many.csv", data).frame) == readers.MAX_IMPORT_ROWS


@pytest.mark.parametrize("filename, data, expected", [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old-style Excel"),
    ("offers.pdf", b"%PDF-1.4 stuff", r"\(\.pdf\).*CSV, Excel"),
    ("offers.csv", b"\x00\x01\x02binary\x00", r"not a text file"),
    ("offers.xlsx", b"name,postcode\nA,B\n", r"not one"),
    ("offers.xlsx", b"PK\x03\x04 not really a zip", r"could not be opened as an Excel workbook"),
    ("offers.json", b'{"services": [', r"not valid JSON \(line 1, column 15"),
    ("offers.json", b'{"hello": 1}', r"neither GeoJSON .* nor Open Referral UK.*hello"),
    ("offers.geojson", b'{"type": "FeatureCollection", "features": {}}', r"no list of features"),
])
def test_unusable_files_are_refused_saying_what_was_found(filename, data, expected):
    with pytest.raises(ImportRefused, match=expected):
        read(filename, data)


# -- CSV -----------------------------------------------------------------------------------


def test_utf8_bom_is_not_part_of_the_first_column_name():
    table = read("offers.csv", "\ufeffname,postcode\r\nCafé,M1 1AE\r\n".encode("utf-8"))
    assert list(table.frame.columns) == ["name", "postcode"]
    assert table.frame.at[0, "name"] == "Café"
    assert "byte-order mark" in table.notes[0]


def test_windows_1252_file_is_read_with_a_note_and_no_row_warnings():
    table = read("offers.csv", b"name,postcode\r\nCaf\xe9 \x96 Arts,M1 1AE\r\n")
    assert table.frame.at[0, "name"] == "Café – Arts"
    assert "Windows-1252" in table.notes[0]
    assert table.issues == []


def test_mixed_encodings_are_decoded_per_line_and_the_odd_rows_named():
    data = ("name,postcode\r\nCafé one,M1 1AE\r\n".encode("utf-8") + b"Caf\xe9 two,M1 1AE\r\n"
            + "Naïve three,M1 1AE\r\n".encode("utf-8"))
    table = read("offers.csv", data)
    assert table.frame["name"].tolist() == ["Café one", "Café two", "Naïve three"]
    assert [(i.row, i.severity) for i in table.issues] == [(3, "warning")]
    assert "not UTF-8" in table.issues[0].message and "Windows-1252" in table.issues[0].message
    assert any("mixed" in note for note in table.notes)


def test_mixed_encoding_row_is_named_by_record_when_a_cell_spans_lines():
    data = ('name,address\r\n"A","line 1\r\nline 2"\r\n'.encode("utf-8") + b'Caf\xe9,x\r\n'
            + "Ünïcode,y\r\n".encode("utf-8"))
    table = read("offers.csv", data)
    assert table.row_numbers.tolist() == [2, 3, 4]
    assert [i.row for i in table.issues] == [3]


def test_utf16_file_from_excel_is_read():
    table = read("offers.csv", "name,postcode\r\nCafé,M1 1AE\r\n".encode("utf-16"))
    assert table.frame.at[0, "name"] == "Café"


def test_semicolon_csv_is_sniffed():
    table = read("offers.csv", "name;postcode;latitude\r\n\"Choir; weekly\";M1 1AE;53,48\r\n".encode())
    assert list(table.frame.columns) == ["name", "postcode", "latitude"]
    assert table.frame.iloc[0].tolist() == ["Choir; weekly", "M1 1AE", "53,48"]
    assert "semicolons" in table.notes[0]


def test_quoted_cells_with_newlines_keep_spreadsheet_row_numbers():
    data = b'name,address\r\n"Choir","1 High St\r\nLeeds"\r\n\r\nDance,"2 Low St"\r\n'
    table = read("offers.csv", data)
    assert table.frame["address"].tolist() == ["1 High St\r\nLeeds", "2 Low St"]
    assert table.row_numbers.tolist() == [2, 4]  # the blank record is row 3
    assert table.row_label == "row" and table.file_format == "csv"


def test_blank_and_repeated_header_names_are_made_unique():
    table = read("offers.csv", b" Name , ,name,Name\nA,B,C,D\n")
    assert list(table.frame.columns) == ["Name", "column 2", "name (2)", "Name (3)"]


def test_empty_cells_are_none_and_short_rows_padded():
    table = read("offers.csv", b"name,postcode,website\nA,,\nB\n")
    assert table.frame.to_dict(orient="list") == {"name": ["A", "B"], "postcode": [None, None],
                                                  "website": [None, None]}
    assert table.frame.dtypes.eq(object).all()


def test_row_with_too_many_cells_is_an_error_naming_the_row():
    table = read("offers.csv", b"name,postcode\nChoir,M1 1AE\nDance, Leeds,LS1 1UR\n")
    assert [(i.row, i.severity) for i in table.issues] == [(3, "error")]
    assert "3 cells but the header has 2" in table.issues[0].message
    assert table.issues[0].value == "LS1 1UR"


def test_a_cell_of_100000_characters_is_read_whole():
    long_text = "a" * 100_000
    table = read("offers.csv", f"name,postcode\n{long_text},M1 1AE\n".encode())
    assert len(table.frame.at[0, "name"]) == 100_000


def test_an_unclosed_quote_keeps_the_rest_of_the_file_in_that_cell_for_the_field_check_to_reject():
    # The quote swallows the rest of the file into one 200,000-character address: the reader keeps it
    # (no silent loss, no whole-file refusal) and the address length check rejects row 2 by name.
    data = b'name,address\nA,"never closed\n' + b"x" * 200_000 + b"\n"
    table = read("offers.csv", data)
    assert table.frame["address"].str.len().tolist() == [len("never closed\n") + 200_001]


def test_to_csv_export_reads_back_cell_for_cell():
    assets = _assets()
    text = export.to_csv(assets)
    table = read("export.csv", text.encode("utf-8-sig"))
    assert list(table.frame.columns) == list(schema.ASSET_COLUMNS)
    assert table.frame["name"].tolist() == assets["name"].tolist()
    assert table.frame.at[1, "address"] == "Unit 2\nMill Street"
    assert table.frame.at[0, "activities"] == "singing"
    assert table.frame.at[0, "health_focus"] == "dementia; mental_health"
    assert table.frame.at[1, "organisation"] is None
    assert table.row_numbers.tolist() == [2, 3]


# -- Excel ---------------------------------------------------------------------------------


def _workbook(fill) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    fill(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_first_sheet_with_data_is_read_with_sheet_row_numbers():
    import datetime as dt

    def fill(book):
        book.active.title = "Read me"  # empty first sheet
        sheet = book.create_sheet("Offers")
        sheet.append([])
        sheet.append(["Name", "Post Code", "Lat", "Count", "Verified", "Free?", None])
        sheet.append(["Choir", "M1 1AE", 53.4808, 12.0, dt.datetime(2026, 3, 1), True])
        sheet.append([])
        sheet.append(["=1+1", "LS1 1UR", -1.5, 3])

    table = read("offers.xlsx", _workbook(fill))
    assert list(table.frame.columns) == ["Name", "Post Code", "Lat", "Count", "Verified", "Free?"]
    assert table.row_numbers.tolist() == [3, 5]
    assert table.frame.iloc[0].tolist() == ["Choir", "M1 1AE", "53.4808", "12", "2026-03-01", "true"]
    # openpyxl saved no computed value for the formula: the formula text itself is never returned
    assert table.frame.at[1, "Name"] is None
    assert table.file_format == "xlsx"
    assert "sheet 'Offers'" in table.notes[0]


def test_xlsx_without_data_is_refused():
    with pytest.raises(ImportRefused, match=r"no sheet with any data"):
        read("offers.xlsx", _workbook(lambda book: None))


def test_xlsx_with_header_only_is_refused():
    with pytest.raises(ImportRefused, match=r"no data rows"):
        read("offers.xlsx", _workbook(lambda book: book.active.append(["name", "postcode"])))


# -- GeoJSON -------------------------------------------------------------------------------


def _collection(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def _feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def test_geojson_in_wgs84_gives_longitude_and_latitude_columns():
    data = _collection(_feature({"type": "Point", "coordinates": [-2.2403, 53.4743]}, name="Choir",
                                activities=["singing", "music"], rating=4.5, free=True, extra={"a": 1}))
    table = read("offers.geojson", data)
    row = table.frame.iloc[0]
    assert (row["longitude"], row["latitude"]) == ("-2.2403", "53.4743")
    assert row["activities"] == "singing; music"
    assert (row["rating"], row["free"], row["extra"]) == ("4.5", "true", '{"a": 1}')
    assert table.row_label == "feature" and table.file_format == "geojson"
    assert not any("converted" in note for note in table.notes)


def test_geojson_in_british_national_grid_is_detected_and_converted():
    data = _collection(_feature({"type": "Point", "coordinates": [383500, 398000]}, name="Manchester"))
    table = read("offers.geojson", data)
    lon, lat = float(table.frame.at[0, "longitude"]), float(table.frame.at[0, "latitude"])
    assert lon == pytest.approx(-2.2501, abs=1e-3) and lat == pytest.approx(53.4785, abs=1e-3)
    assert any("British National Grid" in note for note in table.notes)


def test_geojson_crs_member_naming_27700_is_honoured():
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    data = _collection(_feature({"type": "Point", "coordinates": [383500, 398000]}, name="M"), crs=crs)
    assert float(read("offers.geojson", data).frame.at[0, "latitude"]) == pytest.approx(53.4785, abs=1e-3)


def test_geojson_invalid_and_non_point_geometry_are_errors_on_that_feature():
    data = _collection(
        _feature({"type": "Point", "coordinates": [-2.24, 53.47]}, name="fine"),
        _feature({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, name="area"),
        _feature({"type": "Point", "coordinates": ["west", 53]}, name="words"),
        _feature({"type": "Point"}, name="no coordinates"),
        _feature(None, name="no geometry", postcode="M1 1AE"),
        "not a feature",
    )
    table = read("offers.geojson", data)
    assert [(i.row, i.column, i.severity) for i in table.issues] == [
        (2, "geometry", "error"), (3, "geometry", "error"), (4, "geometry", "error"), (6, "geometry", "error")]
    assert "Polygon, not a Point" in table.issues[0].message
    assert "not two numbers" in table.issues[1].message
    assert table.frame["latitude"].tolist() == ["53.47", None, None, None, None, None]
    assert table.row_numbers.tolist() == [1, 2, 3, 4, 5, 6]


def test_geojson_with_too_many_features_is_refused():
    point = {"type": "Feature", "geometry": None, "properties": {}}
    data = _collection(*[point] * (readers.MAX_IMPORT_ROWS + 1))
    with pytest.raises(ImportRefused, match=r"more than 100,000 features"):
        read("offers.geojson", data)


def test_to_geojson_export_reads_back():
    assets = _assets()
    table = read("export.geojson", json.dumps(export.to_geojson(assets)).encode())
    assert table.frame["asset_id"].tolist() == ["test:1", "test:2"]
    assert table.frame["latitude"].astype(float).tolist() == assets["latitude"].tolist()
    assert table.frame["longitude"].astype(float).tolist() == assets["longitude"].tolist()
    assert table.frame.at[0, "health_focus"] == "dementia; mental_health"
    assert table.frame.at[0, "last_verified"] == "2026-03-01"


# -- Open Referral UK ----------------------------------------------------------------------


def test_to_oruk_export_reads_back_one_row_per_service():
    assets = _assets()
    table = read("export.json", json.dumps(export.to_oruk(assets)).encode())
    frame = table.frame
    assert table.file_format == "oruk" and table.row_label == "service"
    assert frame["name"].tolist() == assets["name"].tolist()
    assert frame["organisation"].tolist() == ["Alzheimer's Society", 'Dance, "Move" & Groove']
    assert frame["postcode"].tolist() == ["M1 5QA", "LS1 1UR"]
    assert frame["latitude"].astype(float).tolist() == [53.4743, 53.7961]
    assert frame.at[0, "health_focus"] == "dementia; mental_health"
    assert frame.at[0, "referral_routes"] == "self; gp"
    assert frame["kind"].tolist() == ["programme", "programme"]
    assert frame["cost"].tolist() == ["free", None]
    assert frame["status"].tolist() == ["active", "inactive"]
    assert frame.at[0, "website"] == "https://example.org/sing"
    assert frame.at[0, "last_verified"] == "2026-03-01"
    assert frame["id"].notna().all()
    assert "version 3.0" in table.notes[0]
    assert table.issues == []


def test_oruk_nested_list_of_services_is_read():
    services = [{"id": "s1", "name": "Choir", "organization": {"id": "o1", "name": "Sing CIC"},
                 "service_at_locations": [{"location": {"latitude": 53.47, "longitude": -2.24,
                                                        "physical_addresses": [{"address_1": "1 Road",
                                                                                "city": "Manchester",
                                                                                "postal_code": "M1 1AE"}]}}],
                 "service_taxonomys": [{"taxonomy": {"name": "Singing", "vocabulary": "esd"}}],
                 "cost_options": [{"option": "Donation"}]}]
    table = read("services.json", json.dumps(services).encode())
    row = table.frame.iloc[0]
    assert (row["name"], row["organisation"], row["postcode"]) == ("Choir", "Sing CIC", "M1 1AE")
    assert row["address"] == "1 Road, Manchester"
    assert row["taxonomy_terms"] == "Singing"
    assert row["cost"] == "Donation"


def test_oruk_organisations_with_nested_services_are_read():
    document = {"organizations": [{"id": "o1", "name": "Arts Trust", "services": [{"id": "a", "name": "Dance"},
                                                                                  {"id": "b", "name": "Drama"}]}]}
    table = read("orgs.json", json.dumps(document).encode())
    assert table.frame["organisation"].tolist() == ["Arts Trust", "Arts Trust"]
    assert table.row_numbers.tolist() == [1, 2]


def test_oruk_services_missing_required_fields_are_named():
    document = {"services": [{"id": "a", "name": "Fine", "organization": {"name": "Org"}},
                             {"id": "b", "organization": {"name": "Org"}},
                             {"name": "No id", "organization_id": "missing"}]}
    table = read("services.json", json.dumps(document).encode())
    found = [(i.row, i.column, i.severity) for i in table.issues]
    assert found == [(2, "name", "error"), (3, "id", "warning"), (3, "organisation", "warning")]
    assert "no name" in table.issues[0].message
    assert "required by Open Referral UK" in table.issues[1].message


def test_oruk_without_services_is_refused():
    with pytest.raises(ImportRefused, match=r"no services"):
        read("services.json", b'{"services": []}')


def test_bng_detection_needs_metres_not_degrees():
    x = np.array([383500.0, -2.24, 120.0])
    y = np.array([398000.0, 53.47, 60.0])
    assert crs.looks_like_bng(x, y).tolist() == [True, False, False]


@pytest.mark.parametrize("depth", [65, 5_000, 100_000])
def test_json_nested_too_deep_is_refused_with_a_message_not_a_recursion_error(depth):
    document = '{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(readers.ImportRefused, match="nested more than 64 levels"):
        readers.read("deep.geojson", document.encode())


def test_json_at_an_ordinary_depth_is_read():
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-1.75, 53.79]},
               "properties": {"name": "Choir", "extra": {"a": {"b": {"c": [1, [2, [3]]]}}}}}
    table = readers.read("ok.geojson", json.dumps({"type": "FeatureCollection", "features": [feature]}).encode())
    assert table.frame["name"].tolist() == ["Choir"]


def test_a_row_of_only_spaces_or_other_whitespace_is_a_blank_row():
    data = 'name,notes,postcode\n" ",\t,\u2003\n"\x85",,\nChoir,,M1 1AE\n'.encode()
    table = readers.read("a.csv", data)
    assert table.frame["name"].tolist() == ["Choir"] and table.row_numbers.tolist() == [4]
