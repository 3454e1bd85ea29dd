"""Uploaded files -> a raw table of text cells, before any validation.

``read(filename, data)`` understands CSV (comma or semicolon; UTF-8, UTF-8
with BOM, UTF-16 or Windows-1252, even mixed line by line), Excel ``.xlsx``,
GeoJSON FeatureCollections of points (WGS84 or British National Grid) and
Open Referral UK JSON. Every cell comes back as ``str`` or ``None``; numbers
and dates are left for ``ecology.register.ingest`` to interpret. A file that cannot be
used at all raises ``ImportRefused`` whose text is the message for the user;
problems with single rows become ``Issue``s on the table.
"""

from __future__ import annotations

import contextvars
import csv
import datetime as dt
import io
import json
import math
import re
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecology import schema
from ecology.places.crs import BNG_EPSG, looks_like_bng, to_wgs84  # noqa: F401 (named here too)
from ecology.schema import Issue

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
WHOLE_ROW = "(whole row)"  # the field named by an issue about a row's shape or bytes, not one cell
# Other separators people save "CSV" files with; named when a file is refused.
_OTHER_DELIMITERS = {"\t": "tabs", "|": "vertical bars (|)"}
_EXCEL_MAGIC = b"PK\x03\x04"
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportRefused(Exception):
    """The whole file cannot be used; ``str(error)`` says why and what to do."""


MAX_READ_SECONDS = 60.0  # a 100,000-row file reads in a few seconds; far more means something is wrong
# When the read in this thread (each Streamlit session runs in its own) must stop.
_READ_DEADLINE: contextvars.ContextVar[tuple[float, float]] = contextvars.ContextVar(
    "read_deadline", default=(math.inf, math.inf))  # (monotonic time to stop at, the limit in seconds)


def _in_time(done: int) -> None:
    """Refuse the file if reading it has run past its time limit (checked every 1,000 rows)."""
    deadline, limit = _READ_DEADLINE.get()
    if done % 1000 == 0 and time.monotonic() > deadline:
        raise ImportRefused(
            f"Reading the file took longer than {limit:g} seconds, so it was stopped after "
            f"{done:,} rows and nothing was written. Split it into smaller files, or save it as CSV.")


@dataclass
class RawTable:
    """A file's rows as text: see the module docstring and ``read``."""

    frame: pd.DataFrame
    row_numbers: np.ndarray
    row_label: str
    file_format: str
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def read(filename: str, data: bytes, *, time_limit_s: float | None = None) -> RawTable:
    """Return the file's rows as text cells (object dtype, ``None`` for empty); raise ``ImportRefused``
    (also when reading takes longer than ``time_limit_s``, default ``MAX_READ_SECONDS``)."""
    limit = MAX_READ_SECONDS if time_limit_s is None else time_limit_s
    token = _READ_DEADLINE.set((time.monotonic() + limit, limit))
    try:
        return _read(filename, data)
    finally:
        _READ_DEADLINE.reset(token)


def _read(filename: str, data: bytes) -> RawTable:
    size = len(data)
    if size > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files and import them one at a time.")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportRefused(f"The file {filename!r} is empty ({size} bytes): there is nothing to import.")
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}[_detect_format(filename, data)]
    table = reader(data)
    if table.frame.empty:
        names = ", ".join(map(str, table.frame.columns[:8])) or "none"
        raise ImportRefused(
            f"The file has a header ({len(table.frame.columns)} columns: {names}) but no data rows. "
            f"Add one {table.row_label} per asset under the header.")
    return table


def _detect_format(filename: str, data: bytes) -> str:
    """Return "csv", "xlsx" or "json", from the content first and then the file name."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(_EXCEL_MAGIC):
        return "xlsx"
    if data.startswith(_OLD_EXCEL_MAGIC) or suffix == "xls":
        raise ImportRefused("This is an old-style Excel file (.xls). Open it in Excel and save it as "
                            ".xlsx or as CSV, then import that.")
    if suffix in ("xlsx", "xlsm"):
        raise ImportRefused(f"{filename!r} is named like an Excel workbook but is not one (it is not a "
                            "zip archive). Save it again from Excel as .xlsx, or as CSV.")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") or suffix in ("json", "geojson"):
        return "json"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "csv"
    if b"\x00" in data[:4096]:
        raise ImportRefused(f"{filename!r} is not a text file, so it cannot be read as CSV. Use CSV, "
                            "Excel (.xlsx), GeoJSON or Open Referral UK JSON.")
    if suffix in ("", "csv", "txt"):
        return "csv"
    raise ImportRefused(f"{filename!r} is not a file type that can be imported (.{suffix}). Use CSV, "
                        "Excel (.xlsx), GeoJSON or Open Referral UK JSON.")


# -- text --------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str, list[int]]:
    """Return (text, encoding note, 1-based physical line numbers that were not UTF-8)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16", []
        except UnicodeDecodeError as error:
            raise ImportRefused(f"The file starts like UTF-16 text but byte {error.start} is not: "
                                "save it again as CSV UTF-8.") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8-sig"), "UTF-8 with byte-order mark" if bom else "UTF-8", []
    except UnicodeDecodeError:
        pass
    # Spreadsheets save Windows-1252; files pasted together can mix it with
    # UTF-8 line by line, so each line is decoded on its own.
    pieces, fallback, utf8_accented = [], [], 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            text = line.decode("utf-8")
            utf8_accented += not line.isascii()
        except UnicodeDecodeError:
            # latin-1 after cp1252 because cp1252 leaves five bytes undefined.
            text = _cp1252(line)
            fallback.append(number)
        pieces.append(text)
    text = "".join(pieces).removeprefix("\ufeff")
    if utf8_accented == 0:
        return text, "Windows-1252", []
    return text, "mixed: UTF-8 and Windows-1252", fallback


def _cp1252(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _first_line(text: str) -> str:
    """Return the first non-blank line of ``text`` (quoted newlines are rare in headers)."""
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def _sniff_delimiter(text: str) -> str:
    """Return "," or ";" (whichever splits the header into more columns); refuse tabs and bars."""
    header = _first_line(text)
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in (",", ";")}
    delimiter = ";" if counts[";"] > counts[","] else ","
    if counts[delimiter] == 1:
        for other, name in _OTHER_DELIMITERS.items():
            if other in header:
                raise ImportRefused(
                    f"The file seems to separate its columns with {name}: its header reads as one column "
                    f"({_shorten(header)!r}). Save it as CSV with commas (or semicolons) between columns.")
    return delimiter


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- CSV ---------------------------------------------------------------------------------


def _read_csv(data: bytes) -> RawTable:
    """Return a RawTable of a CSV file; row numbers count records as a spreadsheet shows them."""
    text, encoding, fallback_lines = _decode(data)
    delimiter = _sniff_delimiter(text)
    records, first_lines = _parse_records(text, delimiter)
    while records and not any(cell.strip() for cell in records[0]):  # leading blank lines
        records.pop(0)
        first_lines.pop(0)
    if not records:
        raise ImportRefused("The file holds only blank lines: there is nothing to import.")
    header, body = records[0], records[1:]
    sheet_rows = np.arange(2, len(records) + 1)
    table = _table(header, body, sheet_rows, "row", "csv")
    name = {",": "commas", ";": "semicolons"}[delimiter]
    table.notes.append(f"Read as CSV: {encoding} text, columns separated by {name}.")
    if fallback_lines:
        table.issues.extend(_encoding_issues(fallback_lines, first_lines))
        table.notes.append(f"{len(fallback_lines)} line(s) were not UTF-8 and were read as Windows-1252.")
    return table


def _parse_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Return the CSV records and the physical line each starts on; refuse past the row limit."""
    # The csv module refuses a cell over 128 KB and stops the whole file; the file size limit
    # bounds a cell already, and the field checks then reject just that row, naming it.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_IMPORT_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, first_lines, previous_end = [], [], 0
    try:
        for record in reader:
            _in_time(len(records))
            records.append(record)
            first_lines.append(previous_end + 1)
            previous_end = reader.line_num
            if len(records) > MAX_IMPORT_ROWS + 1:
                raise ImportRefused(_too_many_rows("rows"))
    except csv.Error as error:
        raise ImportRefused(
            f"The CSV cannot be read from line {previous_end + 1}: {error}. A quoted cell probably "
            "never closes (a \" with no partner): check that line in a text editor.") from None
    return records, first_lines


def _too_many_rows(what: str) -> str:
    return (f"The file has more than {MAX_IMPORT_ROWS:,} {what}; the limit is {MAX_IMPORT_ROWS:,}. "
            "Split it into smaller files and import them one at a time.")


def _encoding_issues(lines: list[int], first_lines: list[int]) -> list[Issue]:
    """Return one warning per sheet row holding a physical line that was not UTF-8."""
    starts = np.asarray(first_lines)
    rows = sorted({int(np.searchsorted(starts, line, side="right")) for line in lines})
    return [Issue(row, "", WHOLE_ROW, "warning",
                  "This row is not UTF-8 text (the rest of the file is): it was read as Windows-1252. "
                  "Check its accented letters and symbols.") for row in rows if row >= 2]


def _unique_names(header: list[object]) -> list[str]:
    """Return stripped column names, blanks named "column N" and repeats numbered "(2)", "(3)"."""
    names, seen = [], set()
    for position, raw in enumerate(header, start=1):
        name = "" if raw is None else " ".join(str(raw).split())
        name = name or f"column {position}"
        candidate, copy = name, 1
        while candidate.casefold() in seen:
            copy += 1
            candidate = f"{name} ({copy})"
        seen.add(candidate.casefold())
        names.append(candidate)
    return names


def _table(header: list, body: list[list], numbers: np.ndarray, label: str, file_format: str) -> RawTable:
    """Return a RawTable from a header and rows of cells; blank rows dropped, ragged rows flagged."""
    width = len(header)
    keep, issues = [], []
    for index, row in enumerate(body):
        if not any(cell is not None and str(cell).strip() for cell in row):  # blank, or spaces only
            continue
        extra = [cell for cell in row[width:] if cell not in (None, "")]
        if extra:
            issues.append(Issue(
                int(numbers[index]), "", WHOLE_ROW, "error",
                f"This {label} has {len(row)} cells but the header has {width}, so its values may be in the "
                "wrong columns. A cell holding the separator probably needs quotes.", _shorten(str(extra[0]))))
        keep.append(index)
    cells = [(body[i] + [None] * width)[:width] for i in keep]
    frame = pd.DataFrame(cells, columns=_unique_names(header), dtype=object)
    frame = frame.where(frame.notna() & (frame != ""), None)
    return RawTable(frame.reset_index(drop=True), np.asarray(numbers[keep], dtype=np.int64).reshape(-1),
                    label, file_format, issues=issues)


# -- Excel -------------------------------------------------------------------------------


def _excel_text(value: object) -> str | None:
    """Return a cell value as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> RawTable:
    """Return a RawTable of the first sheet with data (saved values, never formulas)."""
    import openpyxl

    _check_unzipped_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken zip or XML
        raise ImportRefused(f"The file could not be opened as an Excel workbook ({type(error).__name__}: "
                            f"{_shorten(str(error), 120)}). Save it again from Excel as .xlsx, or as CSV.") from None
    try:
        for sheet in book.worksheets:
            rows = _sheet_rows(sheet)
            if rows:
                return _xlsx_table(rows, sheet.title, len(book.worksheets))
    finally:
        book.close()
    raise ImportRefused("The workbook has no sheet with any data in it.")


MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a 100,000-row sheet is a few tens of MB of XML


def _check_unzipped_size(data: bytes) -> None:
    """Refuse a workbook whose parts would unpack to more than ``MAX_UNZIPPED_BYTES`` (a zip bomb),
    from the sizes its zip directory declares, before anything is unpacked."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportRefused(f"The file could not be opened as an Excel workbook (a broken zip archive: "
                            f"{_shorten(str(error), 80)}). Save it again from Excel as .xlsx, or as CSV.") from None
    if declared > MAX_UNZIPPED_BYTES:
        raise ImportRefused(f"The workbook would unpack to {declared / 1024 / 1024:,.0f} MB; the limit is "
                            f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB. It was not opened. Save the sheet as CSV, or "
                            "split it.")


def _sheet_rows(sheet) -> list[tuple[int, list[str | None]]]:
    """Return (sheet row number, cells as text) for each non-blank row; refuse past the row limit."""
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        _in_time(number)
        cells = [_excel_text(v) for v in values]
        if any(c not in (None, "") for c in cells):
            rows.append((number, cells))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                raise ImportRefused(_too_many_rows("rows"))
    return rows


def _xlsx_table(rows: list[tuple[int, list]], title: str, sheets: int) -> RawTable:
    header_number, header = rows[0]
    while header and header[-1] in (None, ""):  # trailing formatted-but-empty columns
        header = header[:-1]
    body = [cells for _, cells in rows[1:]]
    table = _table(header, body, np.array([n for n, _ in rows[1:]], dtype=np.int64), "row", "xlsx")
    where = f"sheet {title!r}" + (f" (the first of {sheets} with data)" if sheets > 1 else "")
    table.notes.append(f"Read as Excel: {where}, header on row {header_number}; formulas read as their "
                       "saved values.")
    return table


# -- JSON: GeoJSON and Open Referral UK --------------------------------------------------


def _read_json(data: bytes) -> RawTable:
    text, _, _ = _decode(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
                            f"{error.msg}). Export it again, or check it with a JSON validator.") from None
    except RecursionError:  # the parser's own stack: thousands of nested brackets
        raise ImportRefused(_too_deep()) from None
    if _depth_over(document, MAX_JSON_DEPTH):
        raise ImportRefused(_too_deep())
    if isinstance(document, dict) and document.get("type") in ("FeatureCollection", "Feature"):
        return _read_geojson(document)
    services = _services_of(document)
    if services is None:
        found = ", ".join(sorted(map(str, document))[:8]) if isinstance(document, dict) else type(document).__name__
        raise ImportRefused(f"The JSON is neither GeoJSON (a FeatureCollection) nor Open Referral UK "
                            f"(a list of services); its top level holds: {found or 'nothing'}.")
    return _read_oruk(document, services)


MAX_JSON_DEPTH = 64  # a GeoJSON feature or ORUK service needs a dozen levels; more is not data


def _too_deep() -> str:
    return (f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep, which no GeoJSON or Open Referral UK "
            "file needs: it was not read. Export it again from its source.")


def _depth_over(document: object, limit: int) -> bool:
    """Return True if lists and objects nest more than ``limit`` deep (walked without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _json_text(value: object) -> str | None:
    """Return a JSON value as a text cell: lists joined by "; ", objects as JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, list):
        parts = [_json_text(v) for v in value]
        return "; ".join(p for p in parts if p) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_geojson(document: dict) -> RawTable:
    """Return a RawTable of a GeoJSON document: properties plus longitude/latitude (WGS84)."""
    features = document.get("features") if document.get("type") == "FeatureCollection" else [document]
    if not isinstance(features, list):
        raise ImportRefused("The GeoJSON FeatureCollection has no list of features.")
    if len(features) > MAX_IMPORT_ROWS:
        raise ImportRefused(_too_many_rows("features"))
    vertices = _vertex_count(features)
    if vertices > MAX_VERTICES:
        raise ImportRefused(
            f"The GeoJSON's geometries hold {vertices:,} coordinate pairs; the limit is {MAX_VERTICES:,}, and only "
            "points can be imported (one pair per asset). It was not read: export the assets as points.")
    issues: list[Issue] = []
    rows, points = [], []
    for number, feature in enumerate(features, start=1):
        _in_time(number)
        properties, point, problem = _feature(feature)
        if problem:
            issues.append(Issue(number, "geometry", "geometry", "error", problem[0], problem[1]))
        rows.append(properties)
        points.append(point)
    # One row per feature even when none has properties ("properties": null).
    frame = pd.DataFrame(rows, index=pd.RangeIndex(len(rows)))
    frame = frame.astype(object).where(frame.notna(), None)
    table = RawTable(frame, np.arange(1, len(rows) + 1, dtype=np.int64), "feature", "geojson", issues=issues)
    _add_points(table, np.array(points, dtype=float).reshape(-1, 2), _declared_epsg(document))
    return table


MAX_VERTICES = 2 * MAX_IMPORT_ROWS  # a point per feature, with room to spare


def _vertex_count(features: list) -> int:
    """Return how many coordinate pairs the features' geometries hold (walked without recursion)."""
    count = 0
    stack = [f.get("geometry") for f in features if isinstance(f, dict)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.get(k) for k in ("coordinates", "geometries") if k in value)
        elif isinstance(value, list):
            if value and all(isinstance(v, (int, float)) for v in value[:2]):
                count += 1  # one position: [x, y] or [x, y, z]
            else:
                stack.extend(value)
    return count


def _feature(feature: object) -> tuple[dict, tuple[float, float], tuple[str, str] | None]:
    """Return (properties as text, (x, y) or NaNs, (problem message, value) or None) of one feature."""
    missing = (math.nan, math.nan)
    if not isinstance(feature, dict):
        return {}, missing, ("This feature is not a JSON object, so it was not read.", _shorten(str(feature)))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    cells = {str(k).strip(): _json_text(v) for k, v in properties.items()}
    if "id" not in cells and feature.get("id") is not None:
        cells["id"] = _json_text(feature["id"])
    for name in ("longitude", "latitude"):
        if name in cells:  # the geometry's coordinates take these names
            cells[f"{name} (property)"] = cells.pop(name)
    geometry = feature.get("geometry")
    if geometry is None:
        return cells, missing, None  # no geometry: a postcode may still place it
    point, problem = _point(geometry)
    return cells, point or missing, problem


def _point(geometry: object) -> tuple[tuple[float, float] | None, tuple[str, str] | None]:
    """Return ((x, y), None) for a valid Point (or one-point MultiPoint), else (None, problem)."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "MultiPoint" and isinstance(coordinates, list) and len(coordinates) == 1:
        kind, coordinates = "Point", coordinates[0]
    if kind != "Point":
        return None, (f"The geometry is {kind or 'not a GeoJSON geometry'}, not a Point: only points can be "
                      "imported. Give this asset a point (or a postcode) instead.", _shorten(json.dumps(geometry)))
    numbers = (isinstance(coordinates, list) and len(coordinates) >= 2
               and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates[:2])
               and all(math.isfinite(c) for c in coordinates[:2]))
    if not numbers:
        return None, ("The Point's coordinates are not two numbers [longitude, latitude], so it cannot be "
                      "placed.", _shorten(json.dumps(coordinates)))
    return (float(coordinates[0]), float(coordinates[1])), None


def _declared_epsg(document: dict) -> int | None:
    """Return the EPSG code named by an (old-style) ``crs`` member, or None."""
    crs = document.get("crs")
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        return None
    if "CRS84" in name.upper():
        return 4326
    match = re.search(r"EPSG:*(\d+)", name, flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def _add_points(table: RawTable, points: np.ndarray, epsg: int | None) -> None:
    """Add longitude/latitude columns (WGS84 text) to a GeoJSON table, converting BNG when found."""
    x, y = points[:, 0], points[:, 1]
    located = np.isfinite(x) & np.isfinite(y)
    if epsg is None and located.any() and looks_like_bng(x[located], y[located]).mean() > 0.5:
        epsg = BNG_EPSG
    if epsg not in (None, 4326) and located.any():
        try:
            x, y = to_wgs84(x, y, epsg)
        except Exception as error:  # pyproj.exceptions.CRSError and friends
            raise ImportRefused(f"The GeoJSON says its coordinates are in EPSG:{epsg}, which could not be "
                                f"converted to latitude/longitude ({error}).") from None
        label = "British National Grid (EPSG:27700)" if epsg == BNG_EPSG else f"EPSG:{epsg}"
        table.notes.append(f"Coordinates were in {label} and were converted to WGS84 latitude/longitude.")
    for name, values in (("longitude", x), ("latitude", y)):
        # object dtype: pandas 3 would otherwise infer its string dtype, with NaN for None
        table.frame[name] = pd.Series([repr(round(float(v), 7)) if np.isfinite(v) else None for v in values],
                                      index=table.frame.index, dtype=object)
    table.notes.insert(0, f"Read as GeoJSON: {len(table.frame)} features.")


# -- Open Referral UK ----------------------------------------------------------------------

# vocabulary name -> the asset field holding its terms (export writes "creative-health-ecologies:<vocabulary>")
_VOCABULARY_FIELD = {v: f for f, v in {**schema.MULTI_VALUED, **schema.SINGLE_VALUED}.items()}
_ORUK_PREFIX = "creative-health-ecologies:"


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _services_of(document: object) -> list[tuple[dict, dict | None]] | None:
    """Return (service, its nested organisation or None) pairs, or None if this is not ORUK."""
    if isinstance(document, list):
        services = _dicts(document)
        return [(s, None) for s in services] if services and len(services) == len(document) else None
    if not isinstance(document, dict):
        return None
    if _is_service(document):  # one full service object, as an API's /services/{id} returns it
        return [(document, None)]
    for key in ("services", "contents", "content"):
        if isinstance(document.get(key), list):
            return [(s, None) for s in _dicts(document[key])]
    organisations = _dicts(document.get("organizations"))
    if organisations and any(isinstance(o.get("services"), list) for o in organisations):
        return [(s, o) for o in organisations for s in _dicts(o.get("services"))]
    return None


def _is_service(document: dict) -> bool:
    """Return True for one ORUK service (a name and the links only a service has)."""
    return isinstance(document.get("name"), str) and any(
        key in document for key in ("service_at_locations", "organization", "organization_id", "status",
                                    "service_areas", "contacts", "schedules"))


@dataclass
class _OrukIndex:
    """The flat lists of an ORUK document, indexed by the ids that link them."""

    organisations: dict
    locations: dict
    service_locations: dict
    addresses: dict
    terms: dict
    taxonomies: dict
    attributes: dict
    cost_options: dict

    @classmethod
    def of(cls, document: object) -> "_OrukIndex":
        doc = document if isinstance(document, dict) else {}

        def by(key: str, link: str = "id") -> dict:
            index: dict = {}
            for item in _dicts(doc.get(key)):
                index.setdefault(item.get(link), []).append(item)
            return index

        return cls(by("organizations"), by("locations"), by("service_at_locations", "service_id"),
                   by("addresses", "location_id"), by("taxonomy_terms"), by("taxonomies"),
                   by("attributes", "link_id"), by("cost_options", "service_id"))


def _read_oruk(document: object, services: list[tuple[dict, dict | None]]) -> RawTable:
    """Return a RawTable with one row per ORUK service (row label "service")."""
    if len(services) > MAX_IMPORT_ROWS:
        raise ImportRefused(_too_many_rows("services"))
    if not services:
        raise ImportRefused("The Open Referral UK file lists no services: there is nothing to import.")
    index = _OrukIndex.of(document)
    rows, issues, several = [], [], 0
    for number, (service, organisation) in enumerate(services, start=1):
        _in_time(number)
        locations = _oruk_locations(service, index) or [None]
        several += len(locations) > 1
        for location in locations:
            row = _oruk_row(service, organisation, index, location, several=len(locations) > 1)
            rows.append(row)
            issues.extend(_oruk_required(len(rows), row))
            if len(rows) > MAX_IMPORT_ROWS:
                raise ImportRefused(_too_many_rows("service locations"))
    frame = pd.DataFrame.from_records(rows).astype(object)
    frame = frame.where(frame.notna() & (frame != ""), None)
    table = RawTable(frame, np.arange(1, len(rows) + 1, dtype=np.int64), "service", "oruk", issues=issues)
    version = document.get("oruk_version") if isinstance(document, dict) else None
    table.notes.append(f"Read as Open Referral UK JSON{f' (version {version})' if version else ''}: "
                       f"{len(services)} services" + (f"; {several} delivered at several locations give one row "
                                                     f"per location, {len(rows)} rows in all" if several else "")
                       + ".")
    return table


def _oruk_required(number: int, row: dict) -> list[Issue]:
    """Return issues for the ORUK required fields a service lacks (id, name, organisation name)."""
    issues = []
    if not row.get("name"):
        issues.append(Issue(number, "name", "", "error",
                            "This service has no name (required by Open Referral UK and by this directory)."))
    if not row.get("id"):
        issues.append(Issue(number, "id", "", "warning",
                            "This service has no id (required by Open Referral UK): an id was made from its "
                            "name and location."))
    if not row.get("organisation"):
        issues.append(Issue(number, "organisation", "", "warning",
                            "This service's organisation has no name (required by Open Referral UK): the "
                            "organisation was left empty."))
    return issues


def _oruk_row(service: dict, organisation: dict | None, index: _OrukIndex, location: dict | None, *,
              several: bool = False) -> dict:
    """Return one service at one location as text cells named after the asset fields; a service
    at several locations gets one row per location, its id and name telling them apart."""
    organisation = organisation or (service.get("organization") if isinstance(service.get("organization"), dict)
                                     else (index.organisations.get(service.get("organization_id")) or [None])[0])
    row = {"id": _json_text(service.get("id")), "name": _json_text(service.get("name")),
           "organisation": _json_text((organisation or {}).get("name")),
           "description": _json_text(service.get("description")), "status": _json_text(service.get("status")),
           "website": _json_text(service.get("url")), "contact_email": _json_text(service.get("email")),
           # assured_date is when someone checked the service; last_modified is only when its record
           # changed (a feed touches it on every sync), so it never stands for a verification.
           "last_verified": _json_text(service.get("assured_date"))}
    row.update(_oruk_location(location, index))
    if several:
        where = _json_text(location.get("name")) or _json_text(location.get("id")) or "location"
        row["id"] = f"{row['id']}@{_json_text(location.get('id')) or where}" if row.get("id") else None
        if where != row.get("name"):
            row["name"] = f"{row.get('name') or ''} ({where})".strip()
    row.update(_oruk_terms(service, index))
    if not row.get("cost"):
        row["cost"] = _oruk_cost(service, index)
    return row


def _oruk_locations(service: dict, index: _OrukIndex) -> list[dict]:
    found = []
    for link in _dicts(service.get("service_at_locations")) or index.service_locations.get(service.get("id"), []):
        location = link.get("location")
        if isinstance(location, dict):
            found.append(location)
        else:
            found.extend(index.locations.get(link.get("location_id"), []))
    return found + _dicts(service.get("locations"))


def _oruk_location(location: dict | None, index: _OrukIndex) -> dict:
    """Return address, postcode, latitude, longitude (text) of one location (its first physical
    address, else its first address)."""
    if not location:
        return {}
    addresses = (_dicts(location.get("addresses")) or _dicts(location.get("physical_addresses"))
                 or index.addresses.get(location.get("id"), []))
    physical = [a for a in addresses if str(a.get("address_type", "physical")).lower() == "physical"]
    address = (physical or addresses or [{}])[0]
    lines = [address.get(k) for k in ("address_1", "address_2", "city", "state_province")]
    return {"address": ", ".join(str(v).strip() for v in lines if isinstance(v, str) and v.strip()) or None,
            "postcode": _json_text(address.get("postal_code")),
            "latitude": _json_text(location.get("latitude")), "longitude": _json_text(location.get("longitude"))}


def _oruk_term(attribute: dict, index: _OrukIndex) -> tuple[str, str | None]:
    """Return (column, term text) for one attribute / service_taxonomy link."""
    term = attribute.get("taxonomy_term") or attribute.get("taxonomy")
    if not isinstance(term, dict):
        term = (index.terms.get(attribute.get("taxonomy_term_id")) or [{}])[0]
    vocabulary = term.get("taxonomy") or term.get("vocabulary") or ""
    if not vocabulary and term.get("taxonomy_id"):
        vocabulary = (index.taxonomies.get(term["taxonomy_id"]) or [{}])[0].get("name", "")
    vocabulary = str(vocabulary)
    if vocabulary.startswith(_ORUK_PREFIX) and vocabulary[len(_ORUK_PREFIX):] in _VOCABULARY_FIELD:
        column = _VOCABULARY_FIELD[vocabulary[len(_ORUK_PREFIX):]]
    else:
        column = "taxonomy_terms"
    text = term.get("code") if column != "taxonomy_terms" else None
    return column, _json_text(text or term.get("term") or term.get("name"))


def _oruk_terms(service: dict, index: _OrukIndex) -> dict:
    """Return {column: "term; term"} from a service's attributes (v3) or service_taxonomys (v1)."""
    links = (_dicts(service.get("attributes")) or _dicts(service.get("service_taxonomys"))
             or index.attributes.get(service.get("id"), []))
    columns: dict[str, list[str]] = {}
    for link in links:
        column, text = _oruk_term(link, index)
        if text and text not in columns.setdefault(column, []):
            columns[column].append(text)
    return {column: "; ".join(texts) for column, texts in columns.items() if texts}


def _oruk_cost(service: dict, index: _OrukIndex) -> str | None:
    """Return a cost word from a service's first cost option ("free" when the amount is 0)."""
    options = _dicts(service.get("cost_options")) or index.cost_options.get(service.get("id"), [])
    if not options:
        return None
    if options[0].get("amount") == 0:
        return "free"
    return _json_text(options[0].get("option"))
