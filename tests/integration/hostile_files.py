"""A corpus of hostile and broken import files, made in code so each says what it is.

Every case is (name, filename, bytes, expectation). An expectation is one of:

- ``Refused(words)``: the whole file is refused (``readers.ImportRefused``) with a message
  containing ``words``;
- ``Reported(rows_fields, accepted)``: the file is read; each (row, field) in ``rows_fields``
  has an issue, and ``accepted`` rows are accepted (None: any number);
- ``Kept(field, values)``: every row is accepted and ``field`` holds exactly ``values``.

``test_hostile_files.py`` runs each through the reader and the checks, and a sample through the
import command against a real register to show nothing is written when a file is refused.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

HEADER = "name,organisation,postcode,activities,health_focus,last_verified\n"
GOOD = "Choir,Sing CIC,M1 1AE,singing,dementia,2026-03-01\n"


@dataclass(frozen=True)
class Refused:
    words: str


@dataclass(frozen=True)
class Reported:
    rows_fields: tuple[tuple[int, str], ...]
    accepted: int | None = None


@dataclass(frozen=True)
class Kept:
    field: str
    values: tuple


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(lines)).encode("utf-8")


def _row(name: str = "Choir", organisation: str = "Sing CIC", postcode: str = "M1 1AE",
         activities: str = "singing", health_focus: str = "dementia", date: str = "2026-03-01") -> str:
    cells = [name, organisation, postcode, activities, health_focus, date]
    return ",".join('"' + c.replace('"', '""') + '"' for c in cells) + "\n"


def _geojson(features: object, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features, **extra}).encode()


def _point(lon: object, lat: object, **properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name": "Choir", "postcode": "M1 1AE", **properties}}


def _xlsx(rows: list[list[object]], *, sheets: int = 1) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for index in range(sheets - 1):
        book.create_sheet(f"Empty {index}", 0)
    sheet = book.worksheets[-1]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A workbook whose one sheet declares 300 MB of XML (zeros compress about 1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"0" * (1024 * 1024)
            for _ in range(300):
                sheet.write(block)
    return out.getvalue()


def _oruk(services: object, **extra) -> bytes:
    return json.dumps({"total_items": 1, "page_number": 1, "contents": services, **extra}).encode()


SCRIPT = "<script>alert(document.cookie)</script>"
HANDLER = 'Choir <img src=x onerror="alert(1)">'


def cases() -> list[tuple[str, str, bytes, object]]:
    """Return every case of the corpus (name, filename, content, expectation)."""
    c: list[tuple[str, str, bytes, object]] = []
    add = c.append
    # -- encodings and bytes
    add(("utf16-with-bom", "a.csv", (HEADER + GOOD).encode("utf-16"), Kept("name", ("Choir",))))
    add(("utf8-bom", "a.csv", b"\xef\xbb\xbf" + _csv(GOOD), Kept("name", ("Choir",))))
    add(("windows-1252-pound-and-accents", "a.csv",
         (HEADER + "Café £5 choir,Sing CIC,M1 1AE,singing,dementia,2026-03-01\n").encode("cp1252"),
         Kept("name", ("Café £5 choir",))))
    add(("invalid-utf8-mid-file", "a.csv", _csv(GOOD) + b"Bad \xff\xfe name,Org,M1 1AE,singing,dementia,\n", Reported((), 2)))
    add(("null-bytes-in-a-cell", "a.csv", _csv(GOOD).replace(b"Sing CIC", b"Sing\x00CIC"), Refused("not a text file")))
    add(("random-binary", "a.csv", bytes(range(256)) * 40, Refused("not a text file")))
    add(("empty-file", "a.csv", b"", Refused("empty")))
    add(("only-whitespace", "a.csv", b" \r\n\t \n", Refused("empty")))
    add(("header-only", "a.csv", HEADER.encode(), Refused("no data rows")))
    # -- shape
    add(("ragged-long-row", "a.csv", _csv(GOOD, "Dance,Org,M1 1AE,dance,dementia,2026-03-01,extra,more\n"),
         Reported(((3, "(whole row)"),), None)))
    add(("ragged-short-row", "a.csv", _csv(GOOD, "Dance,Org\n"), Reported((), None)))
    add(("unbalanced-quote", "a.csv", _csv(GOOD, '"Dance,Org,M1 1AE,dance,dementia,2026-03-01\n'), Reported((), None)))
    add(("semicolon-delimited", "a.csv", _csv(GOOD.replace(",", ";"), header=HEADER.replace(",", ";")),
         Kept("name", ("Choir",))))
    add(("cr-only-line-ends", "a.csv", _csv(GOOD).replace(b"\n", b"\r"), Kept("name", ("Choir",))))
    add(("duplicate-header-names", "a.csv", b"name,name,postcode\nChoir,Other,M1 1AE\n", Reported((), None)))
    add(("blank-header-names", "a.csv", b"name,,postcode,\nChoir,x,M1 1AE,y\n", Reported((), None)))
    add(("no-name-column", "a.csv", b"colour,size\nred,big\n", Reported(((None, "name"),), 0)))
    add(("100001-rows", "a.csv", _csv(*([GOOD] * 100_001)), Refused("more than 100,000")))
    add(("huge-cell", "a.csv", _csv(_row(name="x" * 1_000_000)), Reported(((2, "name"),), 0)))
    add(("very-long-header", "a.csv", ("name," + "h" * 5000 + "\nChoir,1\n").encode(), Reported((), None)))
    # -- markup and script: refused per field, the rest of the file kept
    for field in ("name", "organisation", "activities", "health_focus"):
        add((f"script-in-{field}", "a.csv", _csv(GOOD, _row(**{field: SCRIPT})), Reported(((3, field),), 1)))
    add(("event-handler-in-name", "a.csv", _csv(GOOD, _row(name=HANDLER)), Reported(((3, "name"),), 1)))
    add(("javascript-url-as-website", "a.csv", b"name,postcode,website\nChoir,M1 1AE,javascript:alert(1)\n",
         Reported(((2, "website"),), 0)))
    add(("data-url-html", "a.csv", _csv(_row(organisation="data:text/html,<b>x</b>")),
         Reported(((2, "organisation"),), 0)))
    # -- ordinary text that only looks odd: kept exactly
    for label, text in (("minus", "-Minus Group"), ("at", "@Home Arts"), ("plus", "+Plus Collective"),
                        ("equals", "=SUM(A1)")):
        add((f"formula-like-{label}", "a.csv", _csv(_row(organisation=text)), Kept("organisation", (text,))))
    add(("emoji", "a.csv", _csv(_row(name="Choir 🎶🌈 together")), Kept("name", ("Choir 🎶🌈 together",))))
    add(("right-to-left", "a.csv", _csv(_row(name="جوقة الأمل")), Kept("name", ("جوقة الأمل",))))
    add(("rlo-override", "a.csv", _csv(_row(name="Choir \u202eevil\u202c")), Kept("name", ("Choir \u202eevil\u202c",))))
    add(("zero-width-joiner", "a.csv", _csv(_row(name="Ch\u200doir")), Kept("name", ("Ch\u200doir",))))
    add(("control-characters", "a.csv", _csv(_row(name="Choir\x07\x1b")), Reported(((2, "name"),), 1)))
    # -- every date format
    for label, date, expected in (("iso", "2026-03-01", "2026-03-01"), ("uk-slashes", "01/03/2026", "2026-03-01"),
                                  ("words", "1 March 2026", "2026-03-01"), ("offset", "2026-03-01T23:30:00-05:00",
                                                                            "2026-03-02"),
                                  ("zulu", "2026-03-01T10:00:00Z", "2026-03-01"), ("compact", "20260301", "2026-03-01")):
        add((f"date-{label}", "a.csv", _csv(_row(date=date)), Kept("last_verified", (expected,))))
    add(("date-impossible", "a.csv", _csv(_row(date="2026-13-45")), Reported(((2, "last_verified"),), 1)))
    add(("date-future", "a.csv", _csv(_row(date="2099-01-01")), Reported(((2, "last_verified"),), 1)))
    add(("date-text", "a.csv", _csv(_row(date="last Tuesday")), Reported(((2, "last_verified"),), 1)))
    # -- places
    add(("scottish-postcode", "a.csv", _csv(_row(postcode="EH1 1YZ")), Reported(((2, "postcode"),), 0)))
    add(("nonsense-postcode", "a.csv", _csv(_row(postcode="ZZ99 9ZZZ")), Reported(((2, "postcode"),), 0)))
    add(("latitude-99", "a.csv", b"name,latitude,longitude\nChoir,99,-2.2\n", Reported(((2, "latitude"),), 0)))
    add(("coordinates-nan-inf", "a.csv", b"name,latitude,longitude\nChoir,nan,inf\n", Reported(((2, "latitude"),), 0)))
    # -- Excel
    add(("xlsx-zip-bomb", "a.xlsx", _zip_bomb(), Refused("would unpack to")))
    add(("xlsx-truncated", "a.xlsx", _xlsx([["name", "postcode"], ["Choir", "M1 1AE"]])[:300], Refused("Excel")))
    add(("xlsx-not-a-zip", "a.xlsx", b"name,postcode\nChoir,M1 1AE\n", Refused("not one")))
    add(("xls-old-format", "a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, Refused(".xls")))
    add(("xlsx-first-sheet-empty", "a.xlsx", _xlsx([["name", "postcode"], ["Choir", "M1 1AE"]], sheets=2),
         Kept("name", ("Choir",))))
    add(("xlsx-formula-cells", "a.xlsx", _xlsx([["name", "postcode"], ["=1+1", "M1 1AE"], ["Choir", "M1 1AE"]]),
         Reported((), None)))
    add(("xlsx-script-cell", "a.xlsx", _xlsx([["name", "postcode"], [SCRIPT, "M1 1AE"], ["Choir", "M1 1AE"]]),
         Reported(((2, "name"),), 1)))
    # -- GeoJSON
    add(("geojson-deep-nesting", "a.geojson", b'{"type":"FeatureCollection","features":' + b"[" * 100_000
         + b"]" * 100_000 + b"}", Refused("nested more than")))
    add(("geojson-million-coordinates", "a.geojson", _geojson([{"type": "Feature", "geometry": {
        "type": "LineString", "coordinates": [[-2.2, 53.4]] * 1_000_000}, "properties": {"name": "x"}}]),
        Refused("1,000,000 coordinate pairs")))
    add(("geojson-polygon-not-point", "a.geojson", _geojson([_point(-2.24, 53.48), {
        "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        "properties": {"name": "Bowtie"}}]), Reported(((2, "geometry"),), 1)))
    add(("geojson-null-geometry", "a.geojson", _geojson([{"type": "Feature", "geometry": None,
                                                          "properties": {"name": "Choir", "postcode": "M1 1AE"}}]),
         Kept("name", ("Choir",))))
    add(("geojson-string-coordinates", "a.geojson", _geojson([_point("a", "b")]), Reported(((1, "geometry"),), 0)))
    add(("geojson-british-national-grid", "a.geojson",
         _geojson([_point(384000, 398000, postcode="")], crs={"type": "name", "properties": {
             "name": "urn:ogc:def:crs:EPSG::27700"}}), Reported((), 1)))
    add(("geojson-unknown-crs", "a.geojson", _geojson([_point(-2.24, 53.48)], crs={
        "type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9999"}}), Refused("EPSG:9999")))
    add(("geojson-features-not-a-list", "a.geojson", json.dumps({"type": "FeatureCollection",
                                                                 "features": {"a": 1}}).encode(), Refused("")))
    add(("geojson-properties-null", "a.geojson", _geojson([{"type": "Feature", "geometry": {
        "type": "Point", "coordinates": [-2.24, 53.48]}, "properties": None}]), Reported((), None)))
    add(("json-nan-literal", "a.json", b'{"type":"FeatureCollection","features":[{"type":"Feature",'
         b'"geometry":{"type":"Point","coordinates":[NaN,53.4]},"properties":{"name":"Choir"}}]}',
         Reported(((1, "geometry"),), 0)))
    add(("json-top-level-numbers", "a.json", b"[1, 2, 3]", Refused("neither GeoJSON")))
    add(("json-broken", "a.json", b'{"type": "FeatureCollection", "features": [', Refused("not valid JSON")))
    add(("geojson-script-in-properties", "a.geojson", _geojson([_point(-2.24, 53.48, name=SCRIPT)]),
         Reported(((1, "name"),), 0)))
    # -- Open Referral UK
    add(("oruk-organisation-as-text", "a.json", _oruk([{"id": "s1", "name": "Choir", "status": "active",
                                                        "organization": "Sing CIC"}]), Reported((), None)))
    add(("oruk-location-null", "a.json", _oruk([{"id": "s1", "name": "Choir", "status": "active",
                                                 "service_at_locations": [{"id": "l", "location": None}]}]),
         Reported(((None, "postcode"),), 0)))
    add(("oruk-contents-not-a-list", "a.json", json.dumps({"total_items": 1, "contents": {"a": 1}}).encode(),
         Refused("neither GeoJSON")))
    add(("oruk-name-not-text", "a.json", _oruk([{"id": "s1", "name": ["Choir"], "status": "active"}]),
         Reported((), None)))
    add(("oruk-empty-contents", "a.json", _oruk([]), Refused("no services")))
    add(("oruk-script-in-description", "a.json", _oruk([{"id": "s1", "name": SCRIPT, "status": "active",
                                                         "service_at_locations": [{"id": "l", "location": {
                                                             "id": "x", "latitude": 53.48, "longitude": -2.24}}]}]),
         Reported(((1, "name"),), 0)))
    add(("oruk-with-bom", "a.json", b"\xef\xbb\xbf" + _oruk([{"id": "s1", "name": "Choir", "status": "active",
                                                              "service_at_locations": [{"id": "l", "location": {
                                                                  "id": "x", "latitude": 53.48,
                                                                  "longitude": -2.24}}]}]),
         Kept("name", ("Choir",))))
    return c
