"""Coverage gaps: need against provision for every local authority and ICB.

Need is the English Indices of Deprivation 2025 (IMD average score, its rank,
the share of LSOAs in the most deprived 10% nationally, the health deprivation
and disability domain). Provision is active creative health assets per 10,000
people of the theme's age band (mid-2020 population), and practitioners per
10,000 when the register holds any.

The gap score is one sentence: **need percentile minus provision percentile**
(0-100 each, among areas of the same level), so +100 means the most deprived
area with the least provision. "High need, low provision" is an area in the top
need tercile and the bottom provision tercile.

ICB figures are built from local authorities: population and population-
weighted need sum each authority's figures into its ICB; an authority split
between ICBs is apportioned by the share of its 2021 LSOAs in each (LSOAs hold
roughly equal populations). Assets are counted by the ICB their point lies in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ecology import filters, privacy
from ecology.geography import PlaceTree

# Themes whose people are mostly in one age band: provision is per 10,000 of that band.
THEME_AGE_BANDS = {
    "dementia": "pop_65_plus",
    "falls_frailty": "pop_65_plus",
    "cyp_mental_health": "pop_0_17",
}
AGE_BAND_LABELS = {"total_population": "all ages", "pop_65_plus": "aged 65+", "pop_0_17": "aged 0-17",
                   "pop_18_64": "aged 18-64", "pop_80_plus": "aged 80+"}
NEED_COLUMNS = {  # output column -> lad_indicators column (IoD 2025)
    "imd_score": "imd2025_imd_average_score",
    "imd_rank": "imd2025_imd_rank_average_score",
    "most_deprived_10pc_share": "imd2025_imd_proportion_bottom_decile",
    "health_score": "imd2025_health_average_score",
}
GAP_DEFINITION = ("Gap score = need percentile minus provision percentile, among areas of the same kind: "
                  "+100 is the most deprived area with the least provision, -100 the least deprived with the most.")
FLAG_DEFINITION = "High need, low provision: in the most deprived third by need and the bottom third by provision."
VINTAGES = "Need: English Indices of Deprivation 2025 (MHCLG). Population: mid-2020 estimates (ONS)."
PER = 10_000


@dataclass(frozen=True)
class GapInputs:
    """What the gap table is computed from (all plain tables, loaded once)."""

    indicators: pd.DataFrame  # lad_indicators.parquet: lad_code, populations, IoD 2025 columns
    shares: pd.DataFrame  # lad_icb_shares.parquet: lad_code, icb_code, icb_share
    names: dict[str, str]  # area code -> display name


def load_inputs(build: Path | None = None) -> GapInputs:
    """Return the gap inputs from the data build (indicators, LAD-ICB shares, area names)."""
    from ecology import geography, paths

    places = geography.place_table(build)
    shares = pd.read_parquet((build or paths.build_dir()) / "lad_icb_shares.parquet")
    return GapInputs(geography.load_indicators(build), shares, dict(zip(places["code"], places["short_name"])))


def age_band(theme: str | None) -> str:
    """Return the population column provision is counted against for a health-focus theme."""
    return THEME_AGE_BANDS.get(theme or "", "total_population")


def percentile(values: pd.Series) -> pd.Series:
    """Return mid-rank percentiles (0-100; ties share one value; missing stays missing)."""
    ranks = values.rank(method="average")
    return (ranks - 0.5) / values.notna().sum() * 100


def tercile(percentiles: pd.Series) -> pd.Series:
    """Return 1 (lowest third), 2 or 3 (highest third) from percentiles; ties share a tercile."""
    out = pd.Series(pd.NA, index=percentiles.index, dtype="Int64")
    known = percentiles.notna()
    out[known] = np.where(percentiles[known] < 100 / 3, 1, np.where(percentiles[known] < 200 / 3, 2, 3))
    return out


def per_10k(count: pd.Series, population: pd.Series) -> pd.Series:
    """Return count per 10,000 people (NaN where the population is 0 or missing)."""
    population = population.astype("float64")
    return (count.astype("float64") / population.where(population > 0) * PER).round(3)


def _lad_need(indicators: pd.DataFrame) -> pd.DataFrame:
    need = indicators[["lad_code", "total_population", "pop_0_17", "pop_18_64", "pop_65_plus", "pop_80_plus"]].copy()
    for out, source in NEED_COLUMNS.items():
        need[out] = indicators[source].astype("float64")
    return need.rename(columns={"lad_code": "area_code"})


def _icb_need(indicators: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Return ICB need and population from local authorities (population-weighted, split LADs apportioned)."""
    lad = _lad_need(indicators).rename(columns={"area_code": "lad_code"})
    parts = shares[["lad_code", "icb_code", "icb_share"]].merge(lad, on="lad_code", how="inner")
    populations = ["total_population", "pop_0_17", "pop_18_64", "pop_65_plus", "pop_80_plus"]
    for column in populations:
        parts[column] = parts[column] * parts["icb_share"]
    weighted = ["imd_score", "most_deprived_10pc_share", "health_score"]
    for column in weighted:
        parts[column] = parts[column] * parts["total_population"]
    icb = parts.groupby("icb_code", as_index=False)[populations + weighted].sum()
    for column in weighted:
        # The same precision as the published local authority summaries.
        icb[column] = (icb[column] / icb["total_population"]).round(4 if column == "most_deprived_10pc_share" else 3)
    # The rank among ICBs (1 = most deprived), as the LAD rank is among LADs.
    icb["imd_rank"] = icb["imd_score"].rank(method="min", ascending=False)
    icb[populations] = icb[populations].round(0)
    return icb.rename(columns={"icb_code": "area_code"})


def area_counts(assets: pd.DataFrame, level: str) -> pd.Series:
    """Return the number of assets per area code of ``level`` ("lad" or "icb")."""
    column = {"lad": "lad_code", "icb": "icb_code"}[level]
    return assets[column].value_counts()


def provision_filter(theme: str | None, activity: tuple[str, ...] = (), include_sample: bool = True,
                     include_venues: bool = True) -> filters.AssetFilter:
    """Return the asset filter that defines provision for these choices (all of England)."""
    return filters.AssetFilter(health_focus=(theme,) if theme else (), activity=tuple(activity),
                               include_sample=include_sample, include_venues=include_venues)


def provision_assets(assets: pd.DataFrame, tree: PlaceTree, chosen: filters.AssetFilter) -> pd.DataFrame:
    """Return the active assets that count as provision under ``chosen`` (lad_code and icb_code only)."""
    keep = filters.mask(assets, tree, chosen) & (assets["status"] == "active").fillna(False).to_numpy(dtype=bool)
    return assets.loc[keep, ["lad_code", "icb_code"]]


def gap_table(inputs: GapInputs, assets: pd.DataFrame, level: str, theme: str | None = None,
              practitioners: pd.DataFrame | None = None, extra: dict[str, int] | None = None) -> pd.DataFrame:
    """Return one row per area of ``level`` with need, provision, percentiles, terciles, gap and flag,
    ranked by gap score (largest gap first).

    ``assets`` are the already-filtered active assets (with lad_code / icb_code); ``extra``
    adds hypothetical assets to areas ({code: n}, for "what if").
    """
    need = _lad_need(inputs.indicators) if level == "lad" else _icb_need(inputs.indicators, inputs.shares)
    band = age_band(theme)
    table = need.copy()
    table.insert(1, "area", table["area_code"].map(inputs.names))
    counts = area_counts(assets, level)
    table["assets"] = table["area_code"].map(counts).fillna(0).astype(int)
    if extra:
        table["assets"] += table["area_code"].map(extra).fillna(0).astype(int)
    table["population_band"] = table[band]
    table["age_band"] = AGE_BAND_LABELS[band]
    table["assets_per_10k"] = per_10k(table["assets"], table[band])
    if practitioners is not None and len(practitioners):
        mine = practitioners
        if theme and "health_focus" in practitioners:
            mine = practitioners[practitioners["health_focus"].fillna("").str.contains(f"|{theme}|", regex=False)]
        exact = table["area_code"].map(area_counts(mine, level)).fillna(0).astype(int)
        # Published as privacy rules say (suppressed under 5, rounded to 5; the rate from the
        # rounded count), so a local authority and its ICB cannot be subtracted to find 1-4 people.
        table["practitioners"] = privacy.published_counts(exact)
        table["practitioners_per_10k"] = privacy.rates_per_10k(exact, table["total_population"])
    else:
        table["practitioners"] = pd.NA
        table["practitioners_per_10k"] = np.nan
    need_pct, provision_pct = percentile(table["imd_score"]), percentile(table["assets_per_10k"])
    table["need_percentile"] = need_pct.round(1)
    table["provision_percentile"] = provision_pct.round(1)
    table["need_tercile"] = tercile(need_pct)
    table["provision_tercile"] = tercile(provision_pct)
    table["gap_score"] = (need_pct - provision_pct).round(1)
    table["high_need_low_provision"] = ((table["need_tercile"] == 3) & (table["provision_tercile"] == 1)).fillna(
        False).astype(bool)
    table = table.sort_values(["gap_score", "imd_score", "area"], ascending=[False, False, True], kind="stable")
    table.insert(0, "gap_rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def rank_of(table: pd.DataFrame, code: str) -> int | None:
    """Return an area's gap rank (1 = largest gap) in a gap table, or None."""
    found = table.loc[table["area_code"] == code, "gap_rank"]
    return int(found.iloc[0]) if len(found) else None


DISPLAY_COLUMNS = {
    "gap_rank": "Gap rank", "area": "Area", "area_code": "Code", "gap_score": "Gap score",
    "high_need_low_provision": "High need, low provision", "need_percentile": "Need percentile",
    "provision_percentile": "Provision percentile", "need_tercile": "Need tercile (3 = highest)",
    "provision_tercile": "Provision tercile (3 = highest)", "imd_score": "IMD 2025 average score",
    "imd_rank": "IMD 2025 rank (1 = most deprived)", "most_deprived_10pc_share": "Share of LSOAs in most deprived 10%",
    "health_score": "IoD 2025 health domain score", "total_population": "Population (mid-2020)",
    "population_band": "Population of the age band", "age_band": "Age band", "assets": "Assets",
    "assets_per_10k": "Assets per 10,000 (age band)", "practitioners": "Practitioners",
    "practitioners_per_10k": "Practitioners per 10,000",
}


def display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the gap table with readable column names, every input column kept; practitioner
    counts as published (rounded to 5, "fewer than 5" where suppressed)."""
    shown = table[list(DISPLAY_COLUMNS)].copy()
    counted = isinstance(table["practitioners"].dtype, pd.Int64Dtype)  # object NA: none were given
    shown["practitioners"] = [None if not counted else privacy.FEWER if pd.isna(n) else f"{int(n):,}"
                              for n in table["practitioners"]]
    return shown.rename(columns=DISPLAY_COLUMNS)


# A 3x3 bivariate palette (need down the rows, provision across), colour-blind safe:
# need darkens towards purple, provision towards teal; high need + low provision is the
# strongest purple, so the cells a funder looks for stand out.
BIVARIATE = {
    (1, 1): "#e8e8e8", (1, 2): "#ace4e4", (1, 3): "#5ac8c8",
    (2, 1): "#dfb0d6", (2, 2): "#a5add3", (2, 3): "#5698b9",
    (3, 1): "#be64ac", (3, 2): "#8c62aa", (3, 3): "#3b4994",
}
TERCILE_WORDS = {1: "low", 2: "middle", 3: "high"}


def bivariate_fills(table: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Return {area code: (colour, "High need, low provision")} for the bivariate map."""
    fills = {}
    for code, need, provision in zip(table["area_code"], table["need_tercile"], table["provision_tercile"]):
        if pd.isna(need) or pd.isna(provision):
            fills[code] = ("#ffffff", "No data")
            continue
        fills[code] = (BIVARIATE[(int(need), int(provision))],
                       f"{TERCILE_WORDS[int(need)].capitalize()} need, {TERCILE_WORDS[int(provision)]} provision")
    return fills
