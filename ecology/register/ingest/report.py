"""Collecting an import's issues row by row, and showing a value in a report."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ecology.schema import Issue  # noqa: F401 (the report's rows; named here too)


SHOWN_VALUE_CHARS = 80


# -- collecting issues ---------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Whitespace spelled out: pandas runs ``\s`` through Python's re, ten times slower than pyarrow's RE2.
SPACES = "[ \t\n\r\f\v\u00a0\u2000-\u200b\u3000]+"


def shown(value: object) -> str:
    """Return a value as it appears in a report: control characters removed, at most 80 characters."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


class Report:
    """Issues for a table's rows, and which rows have an error."""

    def __init__(self, numbers: np.ndarray):
        self.numbers = np.asarray(numbers)
        self.failed = np.zeros(len(self.numbers), dtype=bool)
        self.issues: list[Issue] = []
        self.reader_rows: dict[str, set[int]] = {}  # column -> rows the reader already reported on

    def reported(self, column: str) -> np.ndarray:
        """Return True for rows whose ``column`` the reader already reported (so it is not said twice)."""
        return np.isin(self.numbers, list(self.reader_rows.get(column, ())))

    def add(self, mask, column: str, target: str, severity: str, message, values=None) -> None:
        """Add one issue per True in ``mask``; ``message`` is a str, a per-row sequence or a function of position."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return
        values = None if values is None else np.asarray(values, dtype=object)
        for i in positions:
            text = message if isinstance(message, str) else message(i) if callable(message) else message[i]
            self.issues.append(Issue(int(self.numbers[i]), column, target, severity, text,
                                     "" if values is None else shown(values[i])))
        if severity == "error":
            self.failed[positions] = True

    def file(self, severity: str, message: str, column: str = "", target: str = "") -> None:
        self.issues.append(Issue(None, column, target, severity, message))


