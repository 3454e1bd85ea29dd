"""Excel workbooks (.xlsx): the first sheet's cells as text, with a limit on the unzipped size."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np

from ecology.register.readers.table import (ImportRefused, MAX_IMPORT_ROWS, RawTable, check_time, make_table,
                                            shorten, too_many_rows)


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


def read_xlsx(data: bytes) -> RawTable:
    """Return a RawTable of the first sheet with data (saved values, never formulas)."""
    import openpyxl

    _check_unzipped_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a broken zip or XML
        raise ImportRefused(f"The file could not be opened as an Excel workbook ({type(error).__name__}: "
                            f"{shorten(str(error), 120)}). Save it again from Excel as .xlsx, or as CSV.") from None
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
                            f"{shorten(str(error), 80)}). Save it again from Excel as .xlsx, or as CSV.") from None
    if declared > MAX_UNZIPPED_BYTES:
        raise ImportRefused(f"The workbook would unpack to {declared / 1024 / 1024:,.0f} MB; the limit is "
                            f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB. It was not opened. Save the sheet as CSV, or "
                            "split it.")


def _sheet_rows(sheet) -> list[tuple[int, list[str | None]]]:
    """Return (sheet row number, cells as text) for each non-blank row; refuse past the row limit."""
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        check_time(number)
        cells = [_excel_text(v) for v in values]
        if any(c not in (None, "") for c in cells):
            rows.append((number, cells))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                raise ImportRefused(too_many_rows("rows"))
    return rows


def _xlsx_table(rows: list[tuple[int, list]], title: str, sheets: int) -> RawTable:
    header_number, header = rows[0]
    while header and header[-1] in (None, ""):  # trailing formatted-but-empty columns
        header = header[:-1]
    body = [cells for _, cells in rows[1:]]
    table = make_table(header, body, np.array([n for n, _ in rows[1:]], dtype=np.int64), "row", "xlsx")
    where = f"sheet {title!r}" + (f" (the first of {sheets} with data)" if sheets > 1 else "")
    table.notes.append(f"Read as Excel: {where}, header on row {header_number}; formulas read as their "
                       "saved values.")
    return table


