"""What the register holds, in one sentence for the Data page."""

from __future__ import annotations

import pandas as pd

BACKEND_NAMES = {"sqlite": "a SQLite file", "postgresql": "PostgreSQL"}


def sample_count(records: pd.DataFrame) -> int:
    """Return how many live (not retired) records are generated samples."""
    live = records["retired_at"].isna() if "retired_at" in records else pd.Series(True, index=records.index)
    return int((records["is_sample"] & live).sum())


def describe(records: pd.DataFrame, backend: str) -> str:
    """Return e.g. "The register (a SQLite file) holds 8,116 assets: 6,116 real venues, ..."."""
    live = records[records["retired_at"].isna()]
    retired = len(records) - len(live)
    venues = int(((live["kind"] == "venue") & ~live["is_sample"]).sum())
    sample = int(live["is_sample"].sum())
    other = len(live) - venues - sample
    parts = [f"{venues:,} real venues (museums, libraries and cinemas)", f"{sample:,} generated sample records",
             f"{other:,} other records (imported or added by editors)"]
    tail = f"; {retired:,} retired records are kept in the history" if retired else ""
    return (f"The register ({BACKEND_NAMES.get(backend, backend)}) holds {len(live):,} assets: "
            + ", ".join(parts) + tail + ".")
