"""Geocoding 10,000 postcodes with PostcodeTable vs a naive pandas merge.

Queries: real postcodes sampled from the source file, written the way people
type them (mixed case, missing, doubled or odd spacing), plus about 5%
malformed or unknown values. Baseline: the source CSV read into pandas with a
normalised key column, merged with the normalised queries. Target: well under
1 s for 10k (the table here asserts < 1 s; the figure shows how far under).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.common import Result, median_time, timed

TITLE = "geocoding 10k postcodes: PostcodeTable.geocode vs pandas merge on the source CSV"
N_QUERIES = 10_000
BAD_SHARE = 0.05
REPEAT = 5
TARGET_S = 1.0
SEED = 20250501

BAD_EXAMPLES = (
    "", "   ", "N/A", "unknown", "12345", "SW1A 1AAA", "M1 1A", "AB1 0A@", "LONDON", "M1 1AE; DROP TABLE",
    "ＳＷ1Ａ 1ＡＡ", "SW1A-1AA", "EC1A1BBX", "0X1 1AA", "M11 1AEE",
    # Shaped like postcodes but not in the directory (no UK postcode area starts with Q or ZZ9 9ZZ).
    "QA1 1AA", "QQ9 9QQ", "ZZ9 9ZZ", "XY12 3AB", "QW1A 1AA",
)
SOURCE = "postcodes/postcodes_uk_latlon_nspl2025-05.csv.gz"


def _messy(values: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Return postcodes as people type them: case and spacing varied."""
    out = []
    for value in values:
        pick = rng.random()
        if pick < 0.25:
            value = value.lower()
        elif pick < 0.35:
            value = value.title()
        pick = rng.random()
        if pick < 0.3:
            value = value.replace(" ", "")
        elif pick < 0.4:
            value = value.replace(" ", "  ")
        elif pick < 0.45:
            value = value.replace(" ", "\t")
        elif pick < 0.55:
            value = f"  {value} "
        out.append(value)
    return out


def make_queries(source: pd.DataFrame, rng: np.random.Generator) -> list[str | None]:
    n_bad = int(N_QUERIES * BAD_SHARE)
    real = rng.choice(source["postcode"].to_numpy(dtype=object), N_QUERIES - n_bad, replace=False)
    bad: list[str | None] = [BAD_EXAMPLES[i % len(BAD_EXAMPLES)] for i in range(n_bad - 10)] + [None] * 10
    queries = np.array(_messy(real, rng) + bad, dtype=object)
    rng.shuffle(queries)
    return queries.tolist()


def naive_load(path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"postcode": "string", "lat": "float64", "lon": "float64"})
    frame["key"] = frame["postcode"].str.upper().str.replace(" ", "", regex=False)
    return frame


def naive_geocode(frame: pd.DataFrame, queries: list[str | None]) -> pd.DataFrame:
    asked = pd.DataFrame({"input": pd.Series(queries, dtype="string")})
    asked["key"] = asked["input"].str.upper().str.replace(r"\s+", "", regex=True)
    return asked.merge(frame[["key", "lat", "lon"]], on="key", how="left")


def run(result: Result) -> None:
    from ecology import paths
    from ecology.places.geography import PostcodeTable

    source_path = paths.raw_dir() / SOURCE
    naive_load_s, frame = timed(lambda: naive_load(source_path))
    table_load_s, _, table = median_time(PostcodeTable.from_build, 3)

    queries = make_queries(frame, np.random.default_rng(SEED))
    table.geocode(queries[:100])  # first-call costs (regex compile) out of the way
    geocode_s, geocode_all, geocoded = median_time(lambda: table.geocode(queries), REPEAT)
    naive_s, naive_all, merged = median_time(lambda: naive_geocode(frame, queries), REPEAT)

    result.add("table rows", len(table), "", baseline=len(frame), baseline_label="CSV rows")
    result.add("load", table_load_s, "s", baseline=naive_load_s,
               baseline_label="read CSV.gz + normalise key (once)",
               note="PostcodeTable.from_build, median of 3")
    result.add("geocode 10k", geocode_s, "s", baseline=naive_s, baseline_label="pandas merge, median of 5",
               target=TARGET_S, note=f"all runs: {[round(t, 4) for t in geocode_all]}")
    result.add("geocode per 1k", geocode_s / (N_QUERIES / 1000), "s")

    # Both methods must agree, or the speed means nothing.
    counts = geocoded["status"].value_counts().to_dict()
    result.add("statuses", ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    if len(merged) != len(queries):
        result.note(f"PROBLEM: baseline merge returned {len(merged)} rows for {len(queries)} queries")
    both = geocoded["lat"].notna().to_numpy() & merged["lat"].notna().to_numpy()
    only_table = int((geocoded["lat"].notna().to_numpy() & ~merged["lat"].notna().to_numpy()).sum())
    only_naive = int((~geocoded["lat"].notna().to_numpy() & merged["lat"].notna().to_numpy()).sum())
    worst = float(np.nanmax(np.abs(geocoded["lat"].to_numpy()[both] - merged["lat"].to_numpy()[both]))) if both.any() else 0.0
    result.add("located by both", int(both.sum()), "", note=f"only table {only_table}, only merge {only_naive}")
    result.add("max |lat| difference", worst, "deg")
    if only_table or only_naive:
        mismatched = [(q, status) for q, a, b, status in
                      zip(queries, geocoded["lat"].notna(), merged["lat"].notna(), geocoded["status"]) if a != b]
        result.note(f"table and merge disagree on {only_table + only_naive} queries (query, geocode status): "
                    f"{mismatched[:5]!r}")
