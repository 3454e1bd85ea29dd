"""Coverage gaps: need against provision for every local authority and ICB, by theme.

Need is a real measure chosen for the theme (``ecology.analysis.need``: dementia
prevalence for dementia, depression and serious mental illness for mental
health, IDACI for children and young people, ...; the IMD 2025 otherwise, or
whenever the user asks for it). Provision is active creative health assets per
10,000 Census 2021 residents of the theme's age band, and practitioners per
10,000 when the register holds any (published as ``ecology.analysis.privacy`` says).

The gap score is one sentence: **need percentile minus provision percentile**
(0-100 each, among areas of the same level), so +100 means the area in most
need with the least provision. "High need, low provision" is an area in the top
need tercile and the bottom provision tercile.

ICB figures are built from local authorities by ``ecology.analysis.areas`` (a split
authority apportioned by the Census 2021 residents of its LSOAs in each ICB),
the same function the Overview and the commands use. Assets are counted by the
ICB their point lies in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ecology.analysis import areas, filters, need, privacy
from ecology.places.geography import PlaceTree

# The need table of every area: how each local authority column becomes an ICB figure.
NEED_RECIPE = areas.Recipe(
    sums=areas.POPULATIONS,
    # Each score is weighted by the people it is about: IDACI by children (0-15), IDAOPI by
    # older people (65+, the Census band nearest its 60+), the rest by all residents.
    weighted={"idaci_score": "pop21_0_15", "idaopi_score": "pop21_65_plus",
              **{column: "pop21_total" for column in ("imd_score", "health_score", "loneliness_pct",
                                                      "most_deprived_10pc_share", "imd2019_score")}},
    ratios={**{f"{code}_prevalence": (f"{code}_register", f"{code}_list") for code in ("dem", "dep", "mh", "copd",
                                                                                          "ast")},
            "share_65_plus": ("pop21_65_plus", "pop21_total")},
)
GAP_DEFINITION = ("Gap score = need percentile minus provision percentile, among areas of the same kind: "
                  "+100 is the area in most need with the least provision, -100 the one in least need with the most.")
FLAG_DEFINITION = "High need, low provision: in the top third by need and the bottom third by provision."
VINTAGES = ("Need: see the need measure. Population: Census 2021 usual residents (ONS); a local authority split "
            "between ICBs is apportioned by the residents of its LSOAs.")
PER = 10_000
# Re-exported for the page and the commands, which speak of themes, not of the need module.
age_band = need.age_band
AGE_BAND_LABELS = need.AGE_BAND_LABELS
percentile = need.percentile


@dataclass(frozen=True)
class GapInputs:
    """What the gap table is computed from (all plain tables, loaded once)."""

    lads: pd.DataFrame  # one row per local authority: Census 2021 populations and every need column
    parts: pd.DataFrame  # ``areas.parts_table``: each authority's residents in each ICB
    names: dict[str, str]  # area code -> display name
    _need: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def need(self, level: str) -> pd.DataFrame:
        """Return ``need_table(self, level)``, worked out once per level (a theme change reuses it)."""
        if level not in self._need:
            self._need[level] = need_table(self, level)
        return self._need[level]


def lad_table(build: Path | None = None) -> pd.DataFrame:
    """Return one row per local authority with Census 2021 populations, the need columns of
    ``need_build`` and the IMD 2025 rank and most-deprived-10% share."""
    from ecology import paths
    from ecology.places import geography

    folder = build or paths.build_dir()
    census = pd.read_parquet(folder / "census_lad.parquet")
    lad_need = pd.read_parquet(folder / "lad_need.parquet")
    indicators = geography.load_indicators(build)[["lad_code", "imd2025_imd_rank_average_score",
                                                   "imd2025_imd_proportion_bottom_decile",
                                                   "imd2019_imd_average_score"]]
    table = census.merge(lad_need.drop(columns=[c for c in areas.POPULATIONS if c in lad_need]), on="lad_code",
                         how="left", validate="one_to_one")
    table = table.merge(indicators.rename(columns={"imd2025_imd_rank_average_score": "imd_rank",
                                                   "imd2025_imd_proportion_bottom_decile": "most_deprived_10pc_share",
                                                   "imd2019_imd_average_score": "imd2019_score"}),
                        on="lad_code", how="left", validate="one_to_one")
    return table


def load_inputs(build: Path | None = None) -> GapInputs:
    """Return the gap inputs from the data build (local authorities, their ICB parts, area names)."""
    from ecology import paths
    from ecology.places import geography

    folder = build or paths.build_dir()
    places = geography.place_table(build)
    icb_regions = places.loc[places["level"] == "icb", ["code", "region_code"]].rename(columns={"code": "icb_code"})
    parts = areas.parts_table(pd.read_parquet(folder / "lad_icb_population.parquet"), icb_regions)
    return GapInputs(lad_table(build), parts, dict(zip(places["code"], places["short_name"])))


def need_table(inputs: GapInputs, level: str) -> pd.DataFrame:
    """Return population and every need column per area of ``level`` (``area_code``)."""
    table = areas.aggregate(inputs.lads, inputs.parts, level, NEED_RECIPE)
    if level != "lad":  # the rank among areas of this kind (1 = most deprived), as for local authorities
        table["imd_rank"] = table["imd_score"].rank(method="min", ascending=False)
    return table


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


def area_counts(assets: pd.DataFrame, level: str) -> pd.Series:
    """Return the number of assets per area code of ``level`` ("lad" or "icb")."""
    column = {"lad": "lad_code", "icb": "icb_code"}[level]
    return assets[column].value_counts()


def counted_practitioners(practitioners: pd.DataFrame, *, include_sample: bool) -> pd.DataFrame:
    """Return the practitioners a gap table counts: real records only, unless the user chose to
    include the generated sample (as provision does)."""
    if include_sample or "is_sample" not in practitioners:
        return practitioners
    return practitioners[~practitioners["is_sample"].fillna(False).astype(bool)]


def provision_filter(theme: str | None, activity: tuple[str, ...] = (), include_sample: bool = True,
                     include_venues: bool = True) -> filters.AssetFilter:
    """Return the asset filter that defines provision for these choices (all of England)."""
    return filters.AssetFilter(health_focus=(theme,) if theme else (), activity=tuple(activity),
                               include_sample=include_sample, include_venues=include_venues)


def provision_assets(assets: pd.DataFrame, tree: PlaceTree, chosen: filters.AssetFilter) -> pd.DataFrame:
    """Return the active assets that count as provision under ``chosen`` (their area codes only)."""
    keep = filters.mask(assets, tree, chosen) & (assets["status"] == "active").fillna(False).to_numpy(dtype=bool)
    return assets.loc[keep, ["lad_code", "icb_code", "region_code"]]


def gap_table(inputs: GapInputs, assets: pd.DataFrame, level: str, theme: str | None = None,
              practitioners: pd.DataFrame | None = None, extra: dict[str, int] | None = None, *,
              use_imd: bool = False) -> pd.DataFrame:
    """Return one row per area of ``level`` with need, provision, percentiles, terciles, gap and flag,
    ranked by gap score (largest gap first).

    Need is the theme's measure (``need.measure_for``; the IMD 2025 when ``use_imd``), in
    ``need`` with its name in ``need_measure``; provision is per 10,000 Census 2021 residents
    of the theme's age band. ``assets`` are the already-filtered active assets (with
    lad_code / icb_code); ``extra`` adds hypothetical assets to areas ({code: n}, "what if").
    """
    measure = need.measure_for(theme, use_imd=use_imd)
    band = age_band(theme)
    table = inputs.need(level).copy()
    table.insert(1, "area", table["area_code"].map(inputs.names))
    table["need_measure"] = measure.name
    table["need"] = need.need_values(table, measure)
    counts = area_counts(assets, level)
    table["assets"] = table["area_code"].map(counts).fillna(0).astype(int)
    if extra:
        table["assets"] += table["area_code"].map(extra).fillna(0).astype(int)
    table["population_band"] = table[band]
    table["age_band"] = AGE_BAND_LABELS[band]
    table["assets_per_10k"] = per_10k(table["assets"], table[band])
    if practitioners is not None:
        mine = practitioners
        if theme and "health_focus" in practitioners:
            mine = practitioners[practitioners["health_focus"].fillna("").str.contains(f"|{theme}|", regex=False)]
        exact = table["area_code"].map(area_counts(mine, level)).fillna(0).astype(int)
        # Published as privacy rules say (suppressed under 5, rounded to 5; the rate from the
        # rounded count), so a local authority and its ICB cannot be subtracted to find 1-4 people.
        table["practitioners"] = privacy.published_counts(exact)
        table["practitioners_per_10k"] = privacy.rates_per_10k(exact, table["pop21_total"])
    else:
        table["practitioners"] = pd.NA
        table["practitioners_per_10k"] = np.nan
    need_pct, provision_pct = percentile(table["need"]), percentile(table["assets_per_10k"])
    table["need_percentile"] = need_pct.round(1)
    table["provision_percentile"] = provision_pct.round(1)
    table["need_tercile"] = tercile(need_pct)
    table["provision_tercile"] = tercile(provision_pct)
    table["gap_score"] = (need_pct - provision_pct).round(1)
    table["high_need_low_provision"] = ((table["need_tercile"] == 3) & (table["provision_tercile"] == 1)).fillna(
        False).astype(bool)
    table = table.sort_values(["gap_score", "need", "area"], ascending=[False, False, True], kind="stable")
    table.insert(0, "gap_rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


VENUE_KINDS = {"museum": "museums", "library": "libraries", "cinema": "cinemas"}


def venue_kinds(asset_ids: pd.Series) -> pd.Series:
    """Return how many venues there are of each kind (plural name -> count, largest first), from
    their ids ("museum:...", "library:...", "cinema:..."; any other prefix is named as it is)."""
    # In Arrow's compute kernels: splitting 100,000 ids in Python took 0.25 s on every rerun.
    prefixes = pc.list_element(pc.split_pattern(pa.array(asset_ids, type=pa.string()), ":", max_splits=1), 0)
    counts: dict[str, int] = {}
    for entry in pc.value_counts(prefixes).to_pylist():
        name = VENUE_KINDS.get(entry["values"], entry["values"])
        counts[name] = counts.get(name, 0) + entry["counts"]
    return pd.Series(counts, dtype="int64").sort_values(ascending=False, kind="stable")


def nothing_counts(assets: pd.DataFrame, tree: PlaceTree, place_code: str, theme_label: str, *,
                   include_sample: bool, organisations: int = 0) -> str:
    """Return what to say when no asset counts as provision: what is known, and what exists in
    the place that could host an offer (real venues by kind, ``organisations`` funded by the Arts
    Council there), and what to do."""
    from ecology.analysis.filters import within_place

    place = tree.get(place_code)
    where = "in England" if place["level"] == "england" else f"in {place['short_name']}"
    live = within_place(assets, tree, place_code)
    venues = live[(live["kind"] == "venue") & ~live["is_sample"].fillna(False).astype(bool)]
    held = ", ".join(f"{n:,} {kind}" for kind, n in venue_kinds(venues["asset_id"]).items())
    offers = "offers" if include_sample else "real offers"
    text = (f"No {offers} for {theme_label.lower()} are known {where}, so every area ties on provision and the "
            "ranking shows need alone.")
    if held:
        text += f" Real venues there that could host one: {held}."
    if organisations:
        text += (f" {organisations:,} arts organisation{'s' if organisations > 1 else ''} funded by Arts Council "
                 "England's Investment Programme are registered there.")
    return text + " Import your directory on the Data page to count what runs."


def rank_of(table: pd.DataFrame, code: str) -> int | None:
    """Return an area's gap rank (1 = largest gap) in a gap table, or None."""
    found = table.loc[table["area_code"] == code, "gap_rank"]
    return int(found.iloc[0]) if len(found) else None


DISPLAY_COLUMNS = {
    "gap_rank": "Gap rank", "area": "Area", "area_code": "Code", "gap_score": "Gap score",
    "high_need_low_provision": "High need, low provision", "need_measure": "Need measure", "need": "Need",
    "need_percentile": "Need percentile", "provision_percentile": "Provision percentile",
    "need_tercile": "Need tercile (3 = highest)", "provision_tercile": "Provision tercile (3 = highest)",
    "imd_score": "IMD 2025 average score", "imd_rank": "IMD 2025 rank (1 = most deprived)",
    "most_deprived_10pc_share": "Share of LSOAs in most deprived 10%",
    "pop21_total": "Residents (Census 2021)", "population_band": "Residents of the age band (Census 2021)",
    "age_band": "Age band", "assets": "Assets", "assets_per_10k": "Assets per 10,000 (age band)",
    "practitioners": "Practitioners", "practitioners_per_10k": "Practitioners per 10,000",
}


def measure_of(table: pd.DataFrame) -> need.NeedMeasure:
    """Return the need measure a gap table was ranked by."""
    name = table["need_measure"].iloc[0] if len(table) else need.MEASURES["imd"].name
    return next(m for m in need.MEASURES.values() if m.name == name)


def display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the gap table with readable column names, every input column kept (the need
    measure's own indicators after the need, percentages as 0-100); practitioner counts as
    published (rounded to 5, "fewer than 5" where suppressed)."""
    measure = measure_of(table)
    columns = list(DISPLAY_COLUMNS)
    shown = table[columns].copy()
    counted = isinstance(table["practitioners"].dtype, pd.Int64Dtype)  # object NA: none were given
    shown["practitioners"] = [None if not counted else privacy.FEWER if pd.isna(n) else f"{int(n):,}"
                              for n in table["practitioners"]]
    shown = shown.rename(columns={**DISPLAY_COLUMNS, "need": measure.need_label})
    at = shown.columns.get_loc("Need measure") + 1
    shown.insert(at, "Need source", measure.source)
    shown.insert(at + 1, "Need formula", measure.formula)
    at = shown.columns.get_loc(measure.need_label) + 1
    # A measure of two indicators shows both; a single one is the need column itself.
    for offset, component in enumerate(measure.components if len(measure.components) > 1 else ()):
        values = table[component.column].astype("float64")
        label = component.label[0].upper() + component.label[1:]
        if component.unit == "%":  # a 0-1 fraction, shown as a percentage
            values = (100 * values).round(3)
            label += "" if "%" in label else " (%)"
        shown.insert(at + offset, label, values)
    return shown


def practitioner_order(table: pd.DataFrame) -> list[float | None]:
    """Return the gap table's practitioner counts as sort keys, row by row: each published
    count, 2.5 for a count published as "fewer than 5" (so it sorts between 0 and 5, whatever
    it was), and None where practitioners were not counted."""
    if not isinstance(table["practitioners"].dtype, pd.Int64Dtype):
        return [None] * len(table)
    return [2.5 if pd.isna(n) else float(n) for n in table["practitioners"]]


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
    for code, need_tercile, provision in zip(table["area_code"], table["need_tercile"], table["provision_tercile"]):
        if pd.isna(need_tercile) or pd.isna(provision):
            fills[code] = ("#ffffff", "No data")
            continue
        fills[code] = (BIVARIATE[(int(need_tercile), int(provision))],
                       f"{TERCILE_WORDS[int(need_tercile)].capitalize()} need, {TERCILE_WORDS[int(provision)]} provision")
    return fills
