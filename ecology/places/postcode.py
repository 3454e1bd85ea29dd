"""Postcode normalising and packing into integers for fast exact lookup.

A normalised postcode (upper case, no spaces, at most 7 characters of A-Z/0-9)
is packed into one int64 in base 37, so a sorted array of 2.7 million keys takes
22 MB and a batch of queries is answered with one ``numpy.searchsorted``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MAX_LENGTH = 7
# 0 is kept for padding, so "AB1" and "AB10" never share a key.
_CODE = np.zeros(256, dtype=np.int64)
for _i, _ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", start=1):
    _CODE[ord(_ch)] = _i
_POWERS = 37 ** np.arange(MAX_LENGTH - 1, -1, -1, dtype=np.int64)

# The standard shape, plus Girobank's GIR 0AA and the legacy Newport "NPT" codes
# that the postcode directory still lists.
UK_POSTCODE = re.compile(r"^(GIR0AA|NPT[0-9][A-Z]{2}|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2})$")


def normalise(values: pd.Series) -> pd.Series:
    """Return postcodes upper-cased with every whitespace character removed."""
    return values.astype("string").str.upper().str.replace(r"\s+", "", regex=True)


def is_valid(normalised: pd.Series) -> pd.Series:
    """Return a boolean Series: True where a normalised postcode has a UK shape."""
    return normalised.fillna("").str.fullmatch(UK_POSTCODE.pattern).astype(bool)


def pack(normalised: pd.Series) -> np.ndarray:
    """Return int64 keys for normalised postcodes (-1 where empty or too long).

    Characters outside A-Z/0-9 pack as padding, so callers must check
    ``is_valid`` first when the input is not already clean.
    """
    text = np.array(
        [s if s.isascii() else "" for s in normalised.fillna("").to_numpy(dtype=object)],
        dtype=object,
    )
    lengths = np.fromiter((len(s) for s in text), dtype=np.int64, count=len(text))
    fixed = np.array(text, dtype=f"S{MAX_LENGTH}")  # pads with NUL bytes (code 0)
    as_bytes = fixed.view(np.uint8).reshape(len(text), MAX_LENGTH)
    keys = _CODE[as_bytes] @ _POWERS
    keys[(lengths == 0) | (lengths > MAX_LENGTH)] = -1
    return keys


def display_form(normalised: str) -> str:
    """Return 'OUTCODE INCODE' for a normalised postcode ('M11AE' -> 'M1 1AE')."""
    return f"{normalised[:-3]} {normalised[-3:]}" if len(normalised) > 3 else normalised
