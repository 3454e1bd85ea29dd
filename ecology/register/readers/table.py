"""The raw table every reader returns, the limits every reader keeps, and the helpers they share."""

from __future__ import annotations

import contextvars
import json
import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecology.schema import Issue


MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
WHOLE_ROW = "(whole row)"  # the field named by an issue about a row's shape or bytes, not one cell


class ImportRefused(Exception):
    """The whole file cannot be used; ``str(error)`` says why and what to do."""


MAX_READ_SECONDS = 60.0  # a 100,000-row file reads in a few seconds; far more means something is wrong
# When the read in this thread (each Streamlit session runs in its own) must stop.
READ_DEADLINE: contextvars.ContextVar[tuple[float, float]] = contextvars.ContextVar(
    "read_deadline", default=(math.inf, math.inf))  # (monotonic time to stop at, the limit in seconds)


def check_time(done: int) -> None:
    """Refuse the file if reading it has run past its time limit (checked every 1,000 rows)."""
    deadline, limit = READ_DEADLINE.get()
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


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def too_many_rows(what: str) -> str:
    return (f"The file has more than {MAX_IMPORT_ROWS:,} {what}; the limit is {MAX_IMPORT_ROWS:,}. "
            "Split it into smaller files and import them one at a time.")


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


def make_table(header: list, body: list[list], numbers: np.ndarray, label: str, file_format: str) -> RawTable:
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
                "wrong columns. A cell holding the separator probably needs quotes.", shorten(str(extra[0]))))
        keep.append(index)
    cells = [(body[i] + [None] * width)[:width] for i in keep]
    frame = pd.DataFrame(cells, columns=_unique_names(header), dtype=object)
    frame = frame.where(frame.notna() & (frame != ""), None)
    return RawTable(frame.reset_index(drop=True), np.asarray(numbers[keep], dtype=np.int64).reshape(-1),
                    label, file_format, issues=issues)


def cell_text(value: object) -> str | None:
    """Return a JSON value as a text cell: lists joined by "; ", objects as JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, list):
        parts = [cell_text(v) for v in value]
        return "; ".join(p for p in parts if p) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


