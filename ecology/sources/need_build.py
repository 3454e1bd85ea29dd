"""Build target ``need``: theme-specific need and Census 2021 population per area.

Raw files in, need tables out (all in ``data/build/``). Geography is English
local authority districts on 2024 codes (the project's "LAD 2023": in England the
296 codes are the same), the 42 ICBs (April 2024) and the 7 NHS England regions.

``census_lad.parquet``, one row per LAD, and ``lad_icb_population.parquet``, one
row per (LAD, ICB) part. Census 2021 usual residents (ONS, OGL v3), whole people
(int64): ``pop21_total``, ``pop21_0_15``, ``pop21_16_64``, ``pop21_65_plus``,
summed from LSOA 2021 through the ONS LSOA 2021 -> LAD 2024 and -> ICB 2024
lookups. In the parts table, ``share`` = the part's ``pop21_total`` / the LAD's
``pop21_total`` (a fraction; a LAD's shares sum to 1). This weights split LADs by
residents; ``lad_icb_shares.parquet`` (geography target) weights by LSOA count.

``lad_need.parquet`` (key ``lad_code``), ``icb_need.parquet`` (``icb_code``,
``region_code``) and ``region_need.parquet`` (``region_code``, ``region_name``)
share these columns:

- ``pop21_*`` as above, and ``share_65_plus`` = pop21_65_plus / pop21_total
  (a fraction 0-1).
- QOF 2019/20 modelled prevalence (House of Commons Library from NHS Digital QOF,
  2020 LADs) for ``dem`` (dementia, all ages), ``dep`` (depression, 18+),
  ``mh`` (serious mental illness), ``copd`` and ``ast`` (asthma):
  ``<code>_register`` and ``<code>_list`` are modelled patient counts (floats,
  not whole numbers) and ``<code>_prevalence`` = register / list, a FRACTION 0-1
  (0.0044 = 0.44 %). 2020 LADs are put on 2023 LADs by summing register and list:
  every 2020 -> 2023 change is a whole-district merger, so this is exact. QOF is
  published only by LAD, so an ICB or region gets sum(LAD count x ``share``): a
  split LAD's counts are apportioned by its Census 2021 population.
- IoD 2025 LAD average scores (MHCLG, OGL v3): ``idaci_score`` and
  ``idaopi_score`` (proportion of children 0-15 / older people 60+ in income
  deprivation, a fraction 0-1), ``health_score`` (Health Deprivation and
  Disability, a standardised score: 0 is average, higher is more deprived) and
  ``imd_score`` (IMD score, higher is more deprived). For an ICB or region they
  are the mean over LAD parts weighted by the part's Census 2021 population of
  the index's group: 0-15 for IDACI, 65+ for IDAOPI (the nearest Census band to
  60+), all residents otherwise.
- ``loneliness_pct``: loneliness index (humaniverse, from the DCMS Community Life
  Survey 2017/18-2020/21, on LSOA 2021), modelled PERCENT (0-100) who feel lonely
  often/always or some of the time; the mean of the area's own LSOAs weighted by
  each LSOA's total Census 2021 usual residents (exact for ICBs and regions too).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecology import paths

QOF_FILE = "health/qof_prevalence_lad20_2019_20.csv"
HOC_LOOKUP_FILE = "health/hoc_lsoa11_lad20_lookup.csv"
LONELINESS_FILE = "health/loneliness_lsoa21_england.csv"
CENSUS_FILE = "population/census2021_lsoa21_usual_residents_by_age_ew.csv"
LSOA11_LAD22_FILE = "lookups/lsoa11_sicbl22_icb22_lad22_en.csv"
LAD22_LAD23_FILE = "lookups/lad22_to_lad23.csv"
LSOA21_LAD_FILE = "lookups/lsoa21_ward24_lad24_ew.csv"
LSOA21_ICB_FILE = "lookups/lsoa21_sicbl24_icb24_en.csv"
IOD_FILE = "imd/iod2025_lad24_summaries_long.csv"
OUTPUTS = ("census_lad.parquet", "lad_icb_population.parquet", "lad_need.parquet", "icb_need.parquet",
           "region_need.parquet")

QOF_CODES = ("DEM", "DEP", "MH", "COPD", "AST")
POP_COLUMNS = ("pop21_total", "pop21_0_15", "pop21_16_64", "pop21_65_plus")
AGE_BANDS = {
    "Aged 15 years and under": "pop21_0_15",
    "Aged 16 to 24 years": "pop21_16_64",
    "Aged 25 to 34 years": "pop21_16_64",
    "Aged 35 to 49 years": "pop21_16_64",
    "Aged 50 to 64 years": "pop21_16_64",
    "Aged 65 years and over": "pop21_65_plus",
}
IOD_DOMAINS = {
    "Income Deprivation Affecting Children": "idaci_score",
    "Income Deprivation Affecting Older People": "idaopi_score",
    "Health Deprivation and Disability": "health_score",
    "Index of Multiple Deprivation": "imd_score",
}
# The population each IoD score is averaged over when LAD parts are combined.
IOD_WEIGHTS = {"idaci_score": "pop21_0_15", "idaopi_score": "pop21_65_plus", "health_score": "pop21_total",
               "imd_score": "pop21_total"}


class NeedBuildError(ValueError):
    """The raw need files do not fit together; the message names the codes."""


# ---------------------------------------------------------------- pure steps


def census_bands(long: pd.DataFrame) -> pd.DataFrame:
    """Return one row per LSOA with whole-person counts ``POP_COLUMNS`` from the long Census table."""
    unknown = sorted(set(long["age_group"]) - set(AGE_BANDS))
    if unknown:
        raise NeedBuildError(f"unknown Census age groups: {unknown}")
    if long.duplicated(["lsoa21_code", "age_group"]).any():
        raise NeedBuildError("the Census table repeats an LSOA and age group")
    counts = long["usual_residents"]
    if counts.isna().any() or (counts % 1 != 0).any():
        raise NeedBuildError("Census usual residents must be whole numbers")
    frame = long.assign(band=long["age_group"].map(AGE_BANDS), usual_residents=counts.astype("int64"))
    wide = frame.pivot_table(index="lsoa21_code", columns="band", values="usual_residents", aggfunc="sum",
                             fill_value=0)
    wide = wide.reindex(columns=list(POP_COLUMNS[1:]), fill_value=0).astype("int64")
    wide.insert(0, "pop21_total", wide.sum(axis=1))
    wide.columns.name = None
    return wide.reset_index()


def lad20_to_lad23(hoc: pd.DataFrame, lsoa11_lad22: pd.DataFrame, lad22_lad23: pd.DataFrame) -> pd.DataFrame:
    """Return ``lad20_code``, ``lad20_name``, ``lad23_code``, ``lad23_name``, one row per English 2020 LAD.

    Each 2020 LAD is followed through its 2011 LSOAs to 2022 and then 2023; it
    must land in exactly one 2023 LAD (a whole-district merger or no change).
    """
    lsoas = hoc[hoc["LSOA_CODE"].str.startswith("E")][["LSOA_CODE", "LAD_CODE", "LAD_NAME"]]
    lsoas = lsoas.merge(lsoa11_lad22[["lsoa11_code", "ltla22_code"]], left_on="LSOA_CODE",
                        right_on="lsoa11_code", how="left", validate="one_to_one")
    lost = lsoas[lsoas["ltla22_code"].isna()]["LSOA_CODE"].tolist()
    if lost:
        raise NeedBuildError(f"2011 LSOAs of the Commons Library lookup missing from the 2022 lookup: {lost[:10]}")
    lsoas = lsoas.merge(lad22_lad23[["ltla22_code", "ltla23_code", "ltla23_name"]], on="ltla22_code",
                        how="left", validate="many_to_one")
    lost = sorted(lsoas[lsoas["ltla23_code"].isna()]["ltla22_code"].unique())
    if lost:
        raise NeedBuildError(f"2022 LADs with no 2023 LAD: {lost}")
    table = lsoas[["LAD_CODE", "LAD_NAME", "ltla23_code", "ltla23_name"]].drop_duplicates()
    table.columns = ["lad20_code", "lad20_name", "lad23_code", "lad23_name"]
    split = table[table["lad20_code"].duplicated(keep=False)]
    if not split.empty:
        raise NeedBuildError("2020 LADs split between 2023 LADs (counts cannot be summed exactly): "
                             + "; ".join(f"{r.lad20_code} {r.lad20_name} -> {r.lad23_code}"
                                         for r in split.itertuples()))
    return table.sort_values("lad20_code").reset_index(drop=True)


def qof_on_lad23(qof: pd.DataFrame, lad_map: pd.DataFrame, codes: tuple[str, ...] = QOF_CODES) -> pd.DataFrame:
    """Return one row per 2023 LAD (``lad_code``) with ``<code>_register``, ``_list`` and ``_prevalence``.

    English QOF areas are summed into their 2023 LAD; one that does not map
    raises with its code and name. Welsh areas are left out.
    """
    english = qof[qof["lad_code"].str.startswith("E")]
    unmatched = english[~english["lad_code"].isin(lad_map["lad20_code"])][["lad_code", "lad_name"]]
    unmatched = unmatched.drop_duplicates()
    if not unmatched.empty:
        raise NeedBuildError("QOF areas with no 2023 LAD: "
                             + ", ".join(f"{r.lad_code} {r.lad_name}" for r in unmatched.itertuples()))
    rows = english[english["group_code"].isin(codes)]
    counts = rows.groupby("lad_code")["group_code"].agg(["size", "nunique"])
    incomplete = counts[(counts["size"] != len(codes)) | (counts["nunique"] != len(codes))].index.tolist()
    incomplete += sorted(set(english["lad_code"]) - set(counts.index))
    if incomplete:
        raise NeedBuildError(f"QOF areas without exactly one row for each of {codes}: {incomplete}")
    rows = rows.merge(lad_map[["lad20_code", "lad23_code"]], left_on="lad_code", right_on="lad20_code",
                      validate="many_to_one")
    sums = rows.groupby(["lad23_code", "group_code"])[["register", "list"]].sum().unstack("group_code")
    table = pd.DataFrame(index=sums.index)
    for code in codes:
        prefix = code.lower()
        table[f"{prefix}_register"] = sums[("register", code)]
        table[f"{prefix}_list"] = sums[("list", code)]
        table[f"{prefix}_prevalence"] = table[f"{prefix}_register"] / table[f"{prefix}_list"]
    return table.rename_axis("lad_code").reset_index()


def merged_districts(lad_map: pd.DataFrame) -> dict[str, list[str]]:
    """Return {"<2023 code> <name>": ["<2020 code> <name>", ...]} for 2023 LADs made of several 2020 ones."""
    merged = {}
    for (code, name), group in lad_map.groupby(["lad23_code", "lad23_name"]):
        if len(group) > 1:
            merged[f"{code} {name}"] = [f"{r.lad20_code} {r.lad20_name}" for r in group.itertuples()]
    return merged


def iod_scores(long: pd.DataFrame) -> pd.DataFrame:
    """Return ``lad_code`` and the four IoD 2025 average scores, one row per LAD."""
    rows = long[long["index_domain"].isin(IOD_DOMAINS)]
    wide = rows.pivot_table(index="area_code", columns="index_domain", values="average_score", aggfunc="first")
    missing = sorted(set(IOD_DOMAINS) - set(wide.columns))
    if missing:
        raise NeedBuildError(f"IoD 2025 file lacks {missing}")
    wide = wide.rename(columns=IOD_DOMAINS)[list(IOD_DOMAINS.values())]
    wide.columns.name = None
    return wide.rename_axis("lad_code").reset_index()


def weighted_mean(frame: pd.DataFrame, value: str, weight: str, by: str) -> pd.Series:
    """Return, per ``by``, the mean of ``value`` weighted by ``weight``."""
    sums = (frame[value] * frame[weight]).groupby(frame[by]).sum()
    weights = frame[weight].groupby(frame[by]).sum()
    if (weights <= 0).any():
        raise NeedBuildError(f"{by} with no {weight} to weight {value}: {weights[weights <= 0].index.tolist()}")
    return sums / weights


def lad_icb_population(lsoa: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (LAD, ICB) part: its Census population and ``share`` of the LAD's residents.

    ``lsoa`` has one row per LSOA with ``lad_code``, ``icb_code`` and ``POP_COLUMNS``.
    """
    parts = lsoa.groupby(["lad_code", "icb_code"], as_index=False)[list(POP_COLUMNS)].sum()
    parts["share"] = parts["pop21_total"] / parts.groupby("lad_code")["pop21_total"].transform("sum")
    return parts.sort_values(["lad_code", "share"], ascending=[True, False]).reset_index(drop=True)


def apportion_need(parts: pd.DataFrame, lad_need: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return QOF counts and IoD scores per ``key`` from LAD parts (one row per LAD part with ``key``).

    QOF register and list are summed as LAD count x ``share``; prevalence is
    recomputed from the sums. IoD scores are averaged over parts weighted by the
    part's population of each score's group (``IOD_WEIGHTS``).
    """
    qof_columns = [f"{code.lower()}_{kind}" for code in QOF_CODES for kind in ("register", "list")]
    joined = parts.merge(lad_need[["lad_code", *qof_columns, *IOD_WEIGHTS]], on="lad_code", how="left",
                         validate="many_to_one")
    lost = joined[joined[qof_columns].isna().any(axis=1)]["lad_code"].tolist()
    if lost:
        raise NeedBuildError(f"LAD parts without need figures: {lost}")
    weighted = joined[qof_columns].mul(joined["share"], axis=0)
    sums = weighted.groupby(joined[key]).sum()
    table = pd.DataFrame(index=sums.index)
    for code in QOF_CODES:
        prefix = code.lower()
        table[f"{prefix}_register"] = sums[f"{prefix}_register"]
        table[f"{prefix}_list"] = sums[f"{prefix}_list"]
        table[f"{prefix}_prevalence"] = table[f"{prefix}_register"] / table[f"{prefix}_list"]
    for score, weight in IOD_WEIGHTS.items():
        table[score] = weighted_mean(joined, score, weight, key)
    return table.rename_axis(key).reset_index()


def area_population(lsoa: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return per ``key`` the Census population (``POP_COLUMNS``, ``share_65_plus``) and the
    population-weighted loneliness of its own LSOAs (``lsoa`` needs ``perc``)."""
    table = lsoa.groupby(key)[list(POP_COLUMNS)].sum()
    table["share_65_plus"] = table["pop21_65_plus"] / table["pop21_total"]
    table["loneliness_pct"] = weighted_mean(lsoa, "perc", "pop21_total", key)
    return table.reset_index()


# ---------------------------------------------------------------- the target


def _lsoa_table(files: dict[str, Path]) -> pd.DataFrame:
    """Return one row per English LSOA 2021: LAD, ICB, Census bands and loneliness ``perc``."""
    census = pd.read_csv(files[CENSUS_FILE])
    census = census_bands(census[census["lsoa21_code"].str.startswith("E")])
    lad = pd.read_csv(files[LSOA21_LAD_FILE], usecols=["lsoa21_code", "ltla24_code"]).rename(
        columns={"ltla24_code": "lad_code"})
    icb = pd.read_csv(files[LSOA21_ICB_FILE], usecols=["lsoa21_code", "icb24_code"]).rename(
        columns={"icb24_code": "icb_code"})
    lonely = pd.read_csv(files[LONELINESS_FILE], usecols=["lsoa21_code", "perc"])
    lsoa = (census.merge(lad, on="lsoa21_code", how="left", validate="one_to_one")
            .merge(icb, on="lsoa21_code", how="left", validate="one_to_one")
            .merge(lonely, on="lsoa21_code", how="left", validate="one_to_one"))
    for column in ("lad_code", "icb_code", "perc"):
        lost = lsoa[lsoa[column].isna()]["lsoa21_code"].tolist()
        if lost:
            raise NeedBuildError(f"{len(lost)} English Census LSOAs have no {column}: {lost[:10]}")
    if not lsoa["lad_code"].str.startswith("E").all():
        raise NeedBuildError("an English LSOA lies in a non-English LAD")
    for name, frame in (("LSOA-LAD", lad[lad["lad_code"].str.startswith("E")]), ("LSOA-ICB", icb),
                        ("loneliness", lonely)):
        extra = sorted(set(frame["lsoa21_code"]) - set(lsoa["lsoa21_code"]))
        if extra:
            raise NeedBuildError(f"{len(extra)} English LSOAs of the {name} file have no Census row: {extra[:10]}")
    return lsoa


def _check_lads(name: str, codes: pd.Series, expected: set[str]) -> None:
    if codes.duplicated().any() or set(codes) != expected:
        raise NeedBuildError(f"{name}: LAD codes differ from the 2024 set: missing "
                             f"{sorted(expected - set(codes))}, extra {sorted(set(codes) - expected)}, "
                             f"repeated {sorted(codes[codes.duplicated()])}")


def make_need(files: dict[str, Path], out: Path) -> dict:
    """Write the Census population and need tables; return the build summary."""
    lsoa = _lsoa_table(files)
    census_lad = lsoa.groupby("lad_code", as_index=False)[list(POP_COLUMNS)].sum()
    parts = lad_icb_population(lsoa)

    lad22_lad23 = pd.read_csv(files[LAD22_LAD23_FILE])
    lad_map = lad20_to_lad23(pd.read_csv(files[HOC_LOOKUP_FILE]), pd.read_csv(files[LSOA11_LAD22_FILE]),
                             lad22_lad23)
    qof = pd.read_csv(files[QOF_FILE])
    lad_map = lad_map[lad_map["lad20_code"].isin(qof["lad_code"])]
    qof_lad = qof_on_lad23(qof, lad_map)
    iod = iod_scores(pd.read_csv(files[IOD_FILE]))

    expected = set(census_lad["lad_code"])
    english23 = lad22_lad23[lad22_lad23["ltla23_code"].str.startswith("E")]["ltla23_code"].drop_duplicates()
    for name, codes in (("LAD 2022->2023 lookup", english23), ("QOF on 2023 LADs", qof_lad["lad_code"]),
                        ("IoD 2025", iod["lad_code"])):
        _check_lads(name, codes.reset_index(drop=True), expected)

    lad_need = (area_population(lsoa, "lad_code").merge(qof_lad, on="lad_code", validate="one_to_one")
                .merge(iod, on="lad_code", validate="one_to_one"))
    icb_need = area_population(lsoa, "icb_code").merge(apportion_need(parts, lad_need, "icb_code"),
                                                       on="icb_code", validate="one_to_one")

    # ICBs nest in NHS regions; the geography target (built first) placed each ICB in one.
    icb_region = pd.read_parquet(paths.build_dir() / "icbs.parquet", columns=["icb_code", "region_code",
                                                                               "region_name"])
    lost = sorted(set(icb_need["icb_code"]) ^ set(icb_region["icb_code"]))
    if lost:
        raise NeedBuildError(f"ICB codes differ between the LSOA lookup and icbs.parquet: {lost}")
    icb_need.insert(1, "region_code", icb_need["icb_code"].map(icb_region.set_index("icb_code")["region_code"]))
    lsoa_region = lsoa.merge(icb_region[["icb_code", "region_code"]], on="icb_code", validate="many_to_one")
    parts_region = parts.merge(icb_region[["icb_code", "region_code"]], on="icb_code", validate="many_to_one")
    region_need = area_population(lsoa_region, "region_code").merge(
        apportion_need(parts_region, lad_need, "region_code"), on="region_code", validate="one_to_one")
    names = icb_region.drop_duplicates("region_code").set_index("region_code")["region_name"]
    region_need.insert(1, "region_name", region_need["region_code"].map(names))

    for name, frame in (("lad_need", lad_need), ("icb_need", icb_need), ("region_need", region_need)):
        if frame.isna().any().any():
            raise NeedBuildError(f"{name} has missing values in {frame.columns[frame.isna().any()].tolist()}")

    out.mkdir(parents=True, exist_ok=True)
    census_lad.to_parquet(out / "census_lad.parquet", index=False)
    parts.to_parquet(out / "lad_icb_population.parquet", index=False)
    lad_need.to_parquet(out / "lad_need.parquet", index=False)
    icb_need.to_parquet(out / "icb_need.parquet", index=False)
    region_need.to_parquet(out / "region_need.parquet", index=False)
    merged = merged_districts(lad_map)
    return {
        "lads": len(lad_need), "icbs": len(icb_need), "regions": len(region_need), "lad_icb_parts": len(parts),
        "split_lads": int((parts.groupby("lad_code").size() > 1).sum()),
        "qof_english_2020_areas": len(lad_map),
        "qof_non_english_areas_left_out": int(qof.loc[~qof["lad_code"].str.startswith("E"), "lad_code"].nunique()),
        "merged_2020_districts": sum(len(v) for v in merged.values()), "merged_into": merged,
        "recoded_without_merger": int(((lad_map["lad20_code"] != lad_map["lad23_code"])
                                       & ~lad_map["lad23_code"].duplicated(keep=False)).sum()),
        "england_population": int(census_lad["pop21_total"].sum()),
        "unmatched_codes": [],  # qof_on_lad23 and _check_lads raise on any
    }
