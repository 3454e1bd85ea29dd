"""What every export format shares: the id namespace, vocabulary prefix, column kinds and value helpers."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable

import pandas as pd

from ecology import schema


ORUK_VERSION = "3.0"
# Never change: every exported id is derived from it, and consumers match
# records across exports by those ids.
ID_NAMESPACE = uuid.UUID("5c598c7f-c61b-4327-84aa-5b4fda90c4a1")
VOCABULARY_PREFIX = "creative-health-ecologies"
TERM_SEPARATOR = "; "
FLOAT_COLUMNS = tuple(c for c, t in schema.ASSET_COLUMNS.items() if t == "float64")
DATE_COLUMNS = tuple(c for c, t in schema.ASSET_COLUMNS.items() if t.startswith("datetime"))
BOOL_COLUMNS = tuple(c for c, t in schema.ASSET_COLUMNS.items() if t == "bool")
VOCABULARY_FIELDS = {**schema.MULTI_VALUED, **schema.SINGLE_VALUED}


# -- shared helpers ---------------------------------------------------------

def is_missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def text_or_none(value: object) -> str | None:
    return None if is_missing(value) else str(value)


def date_text(value: object) -> str | None:
    return None if is_missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def coordinate_or_none(value: object, limit: float) -> float | None:
    if is_missing(value):
        return None
    number = float(value)
    return number if math.isfinite(number) and -limit <= number <= limit else None


def distinct_texts(values: Iterable[object]) -> list[str]:
    """Return the non-empty texts in ``values``, each once, in order of first appearance."""
    seen: dict[str, None] = {}
    for value in values:
        text = text_or_none(value)
        if text and text.strip():
            seen.setdefault(text, None)
    return list(seen)


def records_of(assets: pd.DataFrame) -> list[dict[str, object]]:
    return schema.conform(assets).to_dict(orient="records")


def stable_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


