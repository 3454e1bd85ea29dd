"""Reading an uploaded file: its format told from its bytes and name, and the reader for it."""

from __future__ import annotations

import time

from ecology.register.readers.delimited import read_csv
from ecology.register.readers.excel import read_xlsx
from ecology.register.readers.json_document import read_json
from ecology.register.readers.table import ImportRefused, MAX_IMPORT_BYTES, MAX_READ_SECONDS, READ_DEADLINE, RawTable


_EXCEL_MAGIC = b"PK\x03\x04"
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


def read(filename: str, data: bytes, *, time_limit_s: float | None = None) -> RawTable:
    """Return the file's rows as text cells (object dtype, ``None`` for empty); raise ``ImportRefused``
    (also when reading takes longer than ``time_limit_s``, default ``MAX_READ_SECONDS``)."""
    limit = MAX_READ_SECONDS if time_limit_s is None else time_limit_s
    token = READ_DEADLINE.set((time.monotonic() + limit, limit))
    try:
        return _read(filename, data)
    finally:
        READ_DEADLINE.reset(token)


def _read(filename: str, data: bytes) -> RawTable:
    size = len(data)
    if size > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files and import them one at a time.")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportRefused(f"The file {filename!r} is empty ({size} bytes): there is nothing to import.")
    reader = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json}[_detect_format(filename, data)]
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


