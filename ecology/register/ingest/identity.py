"""Ids of imported rows, and the rows that repeat in the file or match a record in the register."""

from __future__ import annotations

import hashlib
import re
import uuid

import numpy as np
import pandas as pd

from ecology.register.ingest.report import Report, SPACES


# Never change: ids of imported rows without one are derived from it.
IMPORT_NAMESPACE = uuid.UUID("0d7c1f4e-2b8a-4f55-9c36-6a1e9b3d2f70")


# -- ids and duplicates -----------------------------------------------------------------------
def name_key(names: pd.Series, postcodes: pd.Series) -> pd.Series:
    """Return "name|POSTCODE" ignoring case and spacing (missing when either is missing)."""
    name = names.astype("string").str.casefold().str.replace(SPACES, " ", regex=True).str.strip()
    code = postcodes.astype("string").str.upper().str.replace(SPACES, "", regex=True)
    return (name + "|" + code).mask(name.isna() | code.isna() | (code == ""))


def source_slug(source: str) -> str:
    """Return the id prefix of a source name: "Bradford Directory.xlsx" -> "bradford-directory-xlsx"."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(source).casefold()).strip("-")
    return slug[:60] or "import"


def choose_ids(given: pd.Series, source_ids: pd.Series, fallback: list[str], source: str) -> np.ndarray:
    """Return ids: the given id, else "import:<source slug>:<source id>" (two directories that
    both number rows 1, 2, 3 must not clash), else "import:<uuid5 of fallback>"."""
    prefix = f"import:{source_slug(source)}:"
    ids = given.astype(object).where(given.notna(), (prefix + source_ids).astype(object))
    ids = np.array(ids.where(ids.notna(), None).to_numpy(dtype=object), dtype=object)  # a writable copy
    for i in np.flatnonzero(pd.isna(ids)):
        ids[i] = f"import:{uuid5(fallback[i])}"
    return ids


def uuid5(name: str, namespace: uuid.UUID = IMPORT_NAMESPACE) -> str:
    """Return ``str(uuid.uuid5(namespace, name))``, built without a UUID object (three times faster)."""
    digest = bytearray(hashlib.sha1(namespace.bytes + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def find_repeats(report: Report, keys: dict[str, np.ndarray], label: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (repeat mask, position of the first row) over rows without errors; warn on each repeat."""
    n = len(report.numbers)
    repeat, first = np.zeros(n, bool), np.full(n, -1)
    for why, key in keys.items():
        candidate = ~report.failed & ~repeat & pd.notna(key)
        positions = np.flatnonzero(candidate)
        if not len(positions):
            continue
        frame = pd.DataFrame({"key": key[positions], "position": positions})
        frame["first"] = frame.groupby("key")["position"].transform("min")
        later = frame[frame["position"] != frame["first"]]
        repeat[later["position"].to_numpy()] = True
        first[later["position"].to_numpy()] = later["first"].to_numpy()
        numbers = report.numbers
        report.add(np.isin(np.arange(n), later["position"].to_numpy()), "", "", "warning",
                   lambda i, why=why: f"This {label} repeats {label} {numbers[first[i]]} ({why}); only the first "
                                      "was imported.")
    return repeat, first


def find_in_store(ids: np.ndarray, keys: pd.Series | None, existing: pd.DataFrame | None, id_column: str,
              kept: np.ndarray) -> list[tuple[int, str, str]]:
    """Return (position, existing id, reason) for kept rows whose id or name+postcode is already stored."""
    if existing is None or existing.empty or id_column not in existing:
        return []
    stored_ids = set(existing[id_column].dropna().astype(str))
    by_key: dict[str, str] = {}
    if keys is not None and {"name", "postcode"} <= set(existing.columns):
        stored_keys = name_key(existing["name"], existing["postcode"])
        by_key = dict(zip(stored_keys.dropna(), existing.loc[stored_keys.notna(), id_column].astype(str)))
    found = []
    for i in np.flatnonzero(kept):
        if ids[i] in stored_ids:
            found.append((int(i), str(ids[i]), "same source id"))
        elif keys is not None and pd.notna(keys.iloc[i]) and keys.iloc[i] in by_key:
            found.append((int(i), by_key[keys.iloc[i]], "same name and postcode"))
    return found


