"""CSV and other delimited text: the encoding, the delimiter, the records and their rows."""

from __future__ import annotations

import csv
import io

import numpy as np

from ecology.schema import Issue
from ecology.register.readers.table import (ImportRefused, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, RawTable, WHOLE_ROW,
                                            check_time, make_table, shorten, too_many_rows)


_OTHER_DELIMITERS = {"\t": "tabs", "|": "vertical bars (|)"}


# -- text --------------------------------------------------------------------------------
def decode_text(data: bytes) -> tuple[str, str, list[int]]:
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
                    f"({shorten(header)!r}). Save it as CSV with commas (or semicolons) between columns.")
    return delimiter


# -- CSV ---------------------------------------------------------------------------------
def read_csv(data: bytes) -> RawTable:
    """Return a RawTable of a CSV file; row numbers count records as a spreadsheet shows them."""
    text, encoding, fallback_lines = decode_text(data)
    delimiter = _sniff_delimiter(text)
    records, first_lines = _parse_records(text, delimiter)
    while records and not any(cell.strip() for cell in records[0]):  # leading blank lines
        records.pop(0)
        first_lines.pop(0)
    if not records:
        raise ImportRefused("The file holds only blank lines: there is nothing to import.")
    header, body = records[0], records[1:]
    sheet_rows = np.arange(2, len(records) + 1)
    table = make_table(header, body, sheet_rows, "row", "csv")
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
            check_time(len(records))
            records.append(record)
            first_lines.append(previous_end + 1)
            previous_end = reader.line_num
            if len(records) > MAX_IMPORT_ROWS + 1:
                raise ImportRefused(too_many_rows("rows"))
    except csv.Error as error:
        raise ImportRefused(
            f"The CSV cannot be read from line {previous_end + 1}: {error}. A quoted cell probably "
            "never closes (a \" with no partner): check that line in a text editor.") from None
    return records, first_lines


def _encoding_issues(lines: list[int], first_lines: list[int]) -> list[Issue]:
    """Return one warning per sheet row holding a physical line that was not UTF-8."""
    starts = np.asarray(first_lines)
    rows = sorted({int(np.searchsorted(starts, line, side="right")) for line in lines})
    return [Issue(row, "", WHOLE_ROW, "warning",
                  "This row is not UTF-8 text (the rest of the file is): it was read as Windows-1252. "
                  "Check its accented letters and symbols.") for row in rows if row >= 2]


