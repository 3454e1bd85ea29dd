"""Build target ``arts``: Arts Council England investment, cinemas and Primary Care Networks.

Tables written to ``data/build/`` (money in pounds, float; coordinates WGS84):

- ``ace_investment.parquet``, one row per organisation of ACE's 2023-26 Investment Programme
  (offers of 4 Nov 2022): ``name``, ``org_type`` (NPO / IPSO / Transfer; ``org_type_source`` as
  given, e.g. "NPO (Transfer)"), ``discipline``, ``ace_area``, annual ``funding_2023_26``,
  ``funding_2022_23`` (extension year), ``funding_2018_22`` (2018-22 average; 0 = not then
  funded), ``lucp`` (Levelling Up for Culture Place) and ``priority_place`` (bool), and the place
  columns. Funding lands at the registered office, not where the work is delivered.
- ``ace_grants.parquet``, one row per Project Grants award (1 Apr 2018 - 2 Oct 2020):
  ``recipient``, ``activity_name``, ``amount``, ``award_date``, ``financial_year`` ("2018-19"),
  ``discipline``, ``ace_area``, the place columns, ``health_related`` (bool) and ``health_terms``
  (the ``HEALTH_KEYWORDS`` labels found in the activity name, "|"-joined; "" for none).
- ``cinemas.parquet``: English cinemas (OpenStreetMap) as venue assets, in the asset schema.
- ``pcn_practices.parquet``, one row per practice of the NHS England 2023-24 structure:
  ``practice_code``, ``practice_name``, ``pcn_code``, ``pcn_name`` (null for practices in no PCN,
  "U"/"Unallocated" in the file), ``sub_icb_code`` (E38), ``icb_code`` (E54), ``region_code``
  (E40), ``latitude``/``longitude`` (the ODS practice table's, by practice code; missing when it
  lacks the practice); ``pcns.parquet``, one row per PCN: ``pcn_code``, ``pcn_name``, ``icb_code``
  (that of most of its practices), ``practices``, ``located_practices`` and the mean
  ``latitude``/``longitude`` of its located practices.

Place columns: ``la_name_source`` (the local authority as named), ``lad_code`` (2024 code) and
``match``: "exact" (a 2024 name), "old district" (a 2020-2022 district, followed to its 2024
successor), "alias" (an older district in ``ALIASES``), "outside England" (Wales, Scotland,
Northern Ireland or "Overseas": no code), "not given" (blank) or "unmatched" (listed by the build
summary).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ecology import paths, schema
from ecology.sources import catalogue

INVESTMENT_FILE = "ace/ace_investment_programme_2023_26.csv"
GRANT_FILES = {"2018-19": "ace/ace_project_grants_2018_19.xlsx", "2019-20": "ace/ace_project_grants_2019_20.xlsx",
               "2020-21": "ace/ace_project_grants_2020_21.xlsx"}
GRANT_SHEET = "Project Grants Awards"
GRANT_HEADER_ROWS = 2  # the column names are on the third row
CINEMA_FILE = "cinemas/uk_cinemas_osm.csv"
NHS_STRUCTURE_FILE = "nhs_structure/practice_pcn_subicb_icb_2023_24.csv"
UK_LAD_FILE = "lad_boundaries/LAD_DEC_2023_UK_BUC.shp"
LAD22_LAD23_FILE = "lookups/lad22_to_lad23.csv"
HOC_LAD20_FILE = "health/hoc_lsoa11_lad20_lookup.csv"
LSOA11_LAD22_FILE = "lookups/lsoa11_sicbl22_icb22_lad22_en.csv"
OUTPUTS = ("ace_investment.parquet", "ace_grants.parquet", "cinemas.parquet", "pcn_practices.parquet",
           "pcns.parquet")

# Districts abolished before 2020, so in none of the lookups: old name -> its 2024 successor's name.
ALIASES = {
    "Taunton Deane": "Somerset", "West Somerset": "Somerset",  # 2019 Somerset West and Taunton, 2023 Somerset
    "Forest Heath": "West Suffolk", "St Edmundsbury": "West Suffolk",  # 2019
    "Suffolk Coastal": "East Suffolk", "Waveney": "East Suffolk",  # 2019
    "Bournemouth": "Bournemouth, Christchurch and Poole", "Christchurch": "Bournemouth, Christchurch and Poole",
    "Poole": "Bournemouth, Christchurch and Poole",  # 2019
    "East Dorset": "Dorset", "North Dorset": "Dorset", "Purbeck": "Dorset", "West Dorset": "Dorset",
    "Weymouth and Portland": "Dorset",  # 2019
    "Aylesbury Vale": "Buckinghamshire", "Chiltern": "Buckinghamshire", "South Bucks": "Buckinghamshire",
    "Wycombe": "Buckinghamshire",  # 2020
    "Shepway": "Folkestone and Hythe",  # renamed 2018
}
NOT_IN_ENGLAND = ("Overseas",)  # grant rows for work abroad

# The keyword rule for "health-related" activity: label -> pattern (case-insensitive, whole words,
# so "Hospitality" is not a hospital nor "Award" a ward). Kept out on purpose, as in these titles
# they mostly name something else: "recover"/"recovering" ("Recovering Misogynist"), care alone
# ("Performing Care"), clinic ("Drum Clinic"), mind, healing, grief, suicide ("A Rock n Roll
# Suicide"), doctor, Covid, and disability and autism (access and identity, not health).
HEALTH_KEYWORDS = {
    "mental health": r"\bmental[- ]?health\b|\bmentally (?:ill|unwell|unclear)\b|\bdepression\b|\banxiety\b",
    "health": r"\bhealth(?:care|y)?\b",
    "wellbeing": r"\bwell[- ]?being\b|\bwellness\b|\bmindfulness\b",
    "dementia": r"\bdementia\b|\balzheimer['’]?s?\b|\bmemory loss\b",
    "hospital": r"\bhospitals?\b",
    "hospice": r"\bhospice(?:s|care)?\b",
    "care home": r"\b(?:care|nursing) homes?\b|\bresidential care\b",
    "clinical care": r"\b(?:critical|intensive|palliative) care\b",
    "NHS": r"\bNHS\b",
    "patient": r"\bpatients?\b",
    "psychiatry": r"\bpsychiatr(?:y|ic|ist|ists)\b",
    "therapy": r"\btherap(?:y|ies|ist|ists|eutic)\b",
    "social prescribing": r"\bsocial prescribing\b|\bon prescription\b",
    "illness": r"\billness(?:es)?\b",
    "loneliness": r"\bloneliness\b",
    "recovery": r"\brecovery\b",  # in 2018-20 titles, recovery from ill health or addiction
    "condition": r"\bcancer\b|\bparkinson['’]?s?\b|\bstroke\b|\bCOPD\b|\basthma\b|\bdiabetes\b",
}
_HEALTH_PATTERNS = {label: re.compile(pattern, re.IGNORECASE) for label, pattern in HEALTH_KEYWORDS.items()}

CINEMAS_VERIFIED = "2026-02-01"  # the OpenStreetMap extract is of about February 2026
UNALLOCATED_PCN = "U"  # the structure file's code for practices in no PCN
DUPLICATE_CINEMA_M = 150  # the same name this close is one cinema mapped twice


# ---------------------------------------------------------------- parsing


def parse_pounds(value: object) -> float:
    """Return an amount in pounds from text like "£217,000" (NaN when blank; ValueError if not money)."""
    if isinstance(value, (int, float, np.integer, np.floating)) or value is None:
        return float("nan") if value is None else float(value)
    text = str(value).strip().replace(",", "").replace("£", "").replace(" ", "")
    if text in ("", "-", "–"):
        return float("nan")
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    number = text.strip("()-")
    if not re.fullmatch(r"\d+(?:\.\d+)?", number):
        raise ValueError(f"not an amount of money: {value!r}")
    return -float(number) if negative else float(number)


def health_terms(text: pd.Series) -> pd.Series:
    """Return, per text, the ``HEALTH_KEYWORDS`` labels it matches, "|"-joined ("" for none)."""
    values = text.fillna("").astype(str)
    return pd.Series([
        "|".join(label for label, pattern in _HEALTH_PATTERNS.items() if pattern.search(value))
        for value in values], index=text.index, dtype="string")


# ---------------------------------------------------------------- names to codes


def normalise_name(name: str) -> str:
    """Return a place name reduced for comparison: lower case, ASCII, "&" = "and", "St." = "St",
    hyphens, commas and brackets as spaces ("Newcastle-under-Lyme" = "newcastle under lyme")."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[.'`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def name_keys(name: str) -> set[str]:
    """Return the keys an official name is known by: "Bristol, City of" is also "Bristol" and
    "City of Bristol"."""
    key = normalise_name(name)
    keys = {key}
    inverted = re.fullmatch(r"(.+) (city|county) of", key)
    if inverted:
        keys |= {inverted.group(1), f"{inverted.group(2)} of {inverted.group(1)}"}
    return keys


class NameMatcher:
    """Places local authority names on 2024 district codes (see the module docstring for ``match``).

    ``current`` and ``old`` are frames of ``name`` and ``lad_code`` (2024); ``outside`` lists names of
    authorities outside England; ``aliases`` maps an old name to a current one.
    """

    def __init__(self, current: pd.DataFrame, old: pd.DataFrame, outside: list[str],
                 aliases: dict[str, str] | None = None):
        self._index: dict[str, tuple[str | None, str]] = {}
        current_keys = self._tier(current, "exact")
        self._tier(old, "old district")
        alias_rows = []
        for old_name, successor in (aliases or {}).items():
            code = current_keys.get(normalise_name(successor))
            if code is None:
                raise ValueError(f"alias {old_name!r} -> {successor!r}: not a current district name")
            alias_rows.append((old_name, code))
        self._tier(pd.DataFrame(alias_rows, columns=["name", "lad_code"]), "alias")
        self._tier(pd.DataFrame({"name": list(outside), "lad_code": None}), "outside England")

    def _tier(self, frame: pd.DataFrame, match: str) -> dict[str, str | None]:
        tier: dict[str, str | None] = {}
        for name, code in zip(frame["name"], frame["lad_code"]):
            for key in name_keys(name):
                if key in tier and tier[key] != code:
                    raise ValueError(f"{match}: {name!r} names two districts ({tier[key]}, {code})")
                tier[key] = code
        for key, code in tier.items():
            self._index.setdefault(key, (code, match))  # an earlier tier wins
        return tier

    def match(self, names: pd.Series) -> pd.DataFrame:
        """Return ``lad_code`` and ``match`` for each name, in the same order."""
        codes, matches = [], []
        for name in names:
            if not isinstance(name, str) or not name.strip():
                codes.append(None)
                matches.append("not given")
                continue
            code, how = self._index.get(normalise_name(name), (None, "unmatched"))
            codes.append(code)
            matches.append(how)
        return pd.DataFrame({"lad_code": pd.array(codes, dtype="string"), "match": matches}, index=names.index)


def lad20_successors(hoc: pd.DataFrame, lsoa11_lad22: pd.DataFrame, lad22_lad23: pd.DataFrame) -> pd.DataFrame:
    """Return ``name``, ``lad_code`` (2024) for every English 2020 district, following its 2011 LSOAs
    to 2022 districts and then to 2023 ones; a 2020 district that does not land in exactly one 2023
    district is refused (every change since 2020 is a whole-district merger)."""
    english = hoc[hoc["LAD_CODE"].str.startswith("E")][["LSOA_CODE", "LAD_CODE", "LAD_NAME"]]
    joined = english.merge(lsoa11_lad22[["lsoa11_code", "ltla22_code"]], left_on="LSOA_CODE",
                           right_on="lsoa11_code", how="left")
    joined = joined.merge(lad22_lad23[["ltla22_code", "ltla23_code"]], on="ltla22_code", how="left")
    landing = joined.groupby(["LAD_CODE", "LAD_NAME"])["ltla23_code"].agg(["nunique", "first"])
    landing["lost"] = joined["ltla23_code"].isna().groupby([joined["LAD_CODE"], joined["LAD_NAME"]]).any()
    bad = landing[(landing["nunique"] != 1) | landing["lost"]]
    if len(bad):
        raise ValueError(f"2020 districts that do not land in one 2023 district: {bad.index.tolist()}")
    landing = landing.reset_index()
    return pd.DataFrame({"name": landing["LAD_NAME"], "lad_code": landing["first"]})


def matcher_from_files(files: dict[str, Path], lads: pd.DataFrame) -> NameMatcher:
    """Return the matcher for 2024 names (``lads``: lad_code, lad_name), 2020-2022 districts and the UK."""
    lad22 = pd.read_csv(files[LAD22_LAD23_FILE], dtype=str)
    hoc = pd.read_csv(files[HOC_LAD20_FILE], dtype=str, usecols=["LSOA_CODE", "LAD_CODE", "LAD_NAME"])
    lsoa11 = pd.read_csv(files[LSOA11_LAD22_FILE], dtype=str, usecols=["lsoa11_code", "ltla22_code"])
    english22 = lad22[lad22["ltla22_code"].str.startswith("E")]
    old = pd.concat([
        pd.DataFrame({"name": english22["ltla22_name"], "lad_code": english22["ltla23_code"]}),
        lad20_successors(hoc, lsoa11, lad22),
    ], ignore_index=True).drop_duplicates()
    abroad = lad22[~lad22["ltla22_code"].str.startswith("E")]
    welsh20 = hoc[hoc["LAD_CODE"].str.startswith("W")]["LAD_NAME"]
    outside = sorted({*abroad["ltla22_name"], *abroad["ltla23_name"], *welsh20, *NOT_IN_ENGLAND})
    current = pd.DataFrame({"name": lads["lad_name"], "lad_code": lads["lad_code"]})
    return NameMatcher(current, old, outside, ALIASES)


def unmatched_names(frame: pd.DataFrame) -> dict[str, int]:
    """Return {name as given: rows} for names that matched nothing."""
    return frame.loc[frame["match"] == "unmatched", "la_name_source"].value_counts().to_dict()


# ---------------------------------------------------------------- ACE tables


def _org_type(text: pd.Series) -> pd.Series:
    clean = text.str.strip()
    return clean.where(~clean.str.contains("Transfer", case=False), "Transfer")


def ace_investment(path: Path, matcher: NameMatcher) -> pd.DataFrame:
    """Return one row per organisation of the 2023-26 Investment Programme (see module docstring)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [" ".join(c.split()) for c in raw.columns]  # one header holds a line break
    funding = {column: next(c for c in raw.columns if c.startswith(prefix)) for column, prefix in
               (("funding_2018_22", "2018-22"), ("funding_2022_23", "2022/23"), ("funding_2023_26", "2023-26"))}
    type_column = next(c for c in raw.columns if c.startswith("Type of organisation"))
    frame = pd.DataFrame({
        "name": raw["Applicant Name"].str.strip(),
        "org_type": _org_type(raw[type_column]),
        "org_type_source": raw[type_column].str.strip(),
        "discipline": raw["Main Discipline"].str.strip(),
        "ace_area": raw["ACE Area"].str.strip(),
        **{column: raw[source].map(parse_pounds).astype("float64") for column, source in funding.items()},
        "lucp": raw["Levelling Up For Culture Place"].str.strip().eq("LUCP"),
        "priority_place": raw["Priority Place"].str.strip().str.lower().eq("priority place"),
        "la_name_source": raw["Local authority"].str.strip(),
    })
    frame = pd.concat([frame, matcher.match(frame["la_name_source"])], axis=1)
    return frame.astype({c: "string" for c in ("name", "org_type", "org_type_source", "discipline", "ace_area",
                                               "la_name_source", "match")})


def ace_grants(paths_by_year: dict[str, Path], matcher: NameMatcher) -> pd.DataFrame:
    """Return one row per Project Grants award of all the years given (see module docstring)."""
    parts = []
    for year, path in paths_by_year.items():
        raw = pd.read_excel(path, sheet_name=GRANT_SHEET, skiprows=GRANT_HEADER_ROWS, dtype={"Recipient": str})
        raw = raw[raw["Recipient"].fillna("").str.strip() != ""]
        parts.append(pd.DataFrame({
            "recipient": raw["Recipient"].str.strip(),
            "activity_name": raw["Activity name"].astype("string").str.strip(),
            "amount": raw["Award amount"].map(parse_pounds).astype("float64"),
            "award_date": pd.to_datetime(raw["Award date"]),
            "financial_year": year,
            "discipline": raw["Main discipline"].astype("string").str.strip(),
            "ace_area": raw["ACE Area"].astype("string").str.strip(),
            "la_name_source": raw["Local authority"].astype("string").str.strip(),
        }))
    frame = pd.concat(parts, ignore_index=True)
    frame = pd.concat([frame, matcher.match(frame["la_name_source"])], axis=1)
    frame["health_terms"] = health_terms(frame["activity_name"])
    frame["health_related"] = (frame["health_terms"] != "").to_numpy(dtype=bool)
    return frame.astype({c: "string" for c in ("recipient", "financial_year", "match")})


# ---------------------------------------------------------------- cinemas


def _slug(text: pd.Series) -> pd.Series:
    return text.fillna("").str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")


def cinema_venues(path: Path) -> tuple[pd.DataFrame, dict]:
    """Return named UK cinemas (OpenStreetMap) as venue assets without area codes, and counts.

    Unnamed points are left out (nothing to list them by); a cinema mapped twice (same name within
    ``DUPLICATE_CINEMA_M``) is kept once, with its fuller record.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    from ecology.analysis.filters import distance_km

    raw = raw.apply(lambda column: column.str.strip())
    lat, lon = pd.to_numeric(raw["latitude"], errors="coerce"), pd.to_numeric(raw["longitude"], errors="coerce")
    named = (raw["name"] != "") & lat.notna() & lon.notna()
    counts = {"rows": len(raw), "unnamed_or_unplaced": int((~named).sum())}
    raw, lat, lon = raw[named].reset_index(drop=True), lat[named].to_numpy(), lon[named].to_numpy()
    # Of a cinema mapped twice, the fuller record is kept.
    fullness = (raw[["city", "brand", "operator"]] != "").sum(axis=1).to_numpy()
    keep = np.ones(len(raw), dtype=bool)
    for positions in pd.Series(range(len(raw))).groupby(raw["name"].map(normalise_name)).groups.values():
        rows = np.asarray(positions)[np.argsort(-fullness[positions], kind="stable")]
        for n, i in enumerate(rows):
            if keep[i]:
                later = rows[n + 1:]
                keep[later[distance_km(lat[later], lon[later], lat[i], lon[i]) * 1000 < DUPLICATE_CINEMA_M]] = False
    counts["mapped_twice"] = int((~keep).sum())
    raw, lat, lon = raw[keep].reset_index(drop=True), lat[keep], lon[keep]
    ids = "cinema:" + _slug(raw["city"]) + ":" + _slug(raw["name"])
    clash = ids.duplicated(keep=False)  # brands without a town: the point tells them apart
    where = pd.Series([f"{a:.4f}-{b:.4f}" for a, b in zip(lat, lon)]).str.replace(".", "", regex=False)
    ids = ids.where(~clash, ids + ":" + where)
    operator = raw["operator"].where(raw["operator"] != "", raw["brand"])
    meta = catalogue.dataset("cinemas")
    frame = pd.DataFrame({
        "asset_id": ids,
        "name": raw["name"],
        "organisation": operator.where(operator != ""),
        "kind": "venue",
        "activities": schema.join_terms(["film_digital"]),
        "settings": schema.join_terms(["cultural_venue"]),
        "address": raw["city"].where(raw["city"] != ""),
        "latitude": lat,
        "longitude": lon,
        "status": "active",
        "last_verified": CINEMAS_VERIFIED,
        "source": meta.title,
        "licence": meta.licence,
        "attribution": meta.attribution,
        "is_sample": False,
    })
    return schema.conform(frame), counts


def england_cinemas(path: Path, assigner, uk_lads_path: Path) -> tuple[pd.DataFrame, dict]:
    """Return the English cinemas with lad/icb/region codes from ``assigner`` (the asset build's),
    and counts. A point inside a Welsh, Scottish or Northern Irish district is outside England even
    when the assigner's coastal snap would have placed it on the English side of the border."""
    import geopandas as gpd

    venues, counts = cinema_venues(path)
    codes = assigner.assign(venues["longitude"], venues["latitude"])
    for column in schema.DERIVED:
        venues[column] = codes[column].to_numpy()
    uk = gpd.read_file(uk_lads_path, columns=["LAD23CD"])
    abroad = uk[~uk["LAD23CD"].str.startswith("E")]
    points = gpd.GeoSeries(gpd.points_from_xy(venues["longitude"], venues["latitude"]), crs="EPSG:4326")
    points = points.to_crs(abroad.crs)
    in_abroad = np.zeros(len(venues), dtype=bool)
    hit, _ = abroad.sindex.query(points.values, predicate="within")
    in_abroad[hit] = True
    english = venues["lad_code"].notna().to_numpy() & ~in_abroad
    counts.update(outside_england=int((~english).sum()), in_england=int(english.sum()))
    return schema.conform(venues[english]), counts


# ---------------------------------------------------------------- PCNs


def pcn_practices(path: Path, gp_practices: pd.DataFrame) -> pd.DataFrame:
    """Return one row per practice of the NHS structure file, located from ``gp_practices``
    (org_code, latitude, longitude) by practice code. A practice in no PCN (the file's "U",
    "Unallocated") has no pcn_code."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = pd.DataFrame({
        "practice_code": raw["PRACTICE_CODE"].str.strip(),
        "practice_name": raw["PRACTICE_NAME"].str.strip(),
        "pcn_code": raw["PCN_ODS_CODE"].str.strip(),
        "pcn_name": raw["PCN_NAME"].str.strip(),
        "sub_icb_code": raw["SUB_ICB_ONS_CODE"].str.strip(),
        "icb_code": raw["ICB_ONS_CODE"].str.strip(),
        "region_code": raw["REGION_ONS_CODE"].str.strip(),
    })
    in_none = frame["pcn_code"].eq(UNALLOCATED_PCN)
    frame.loc[in_none, ["pcn_code", "pcn_name"]] = None
    located = gp_practices[["org_code", "latitude", "longitude"]].drop_duplicates("org_code")
    frame = frame.merge(located.rename(columns={"org_code": "practice_code"}), on="practice_code", how="left",
                        validate="one_to_one")
    return frame.astype({c: "string" for c in frame.columns if c not in ("latitude", "longitude")})


def pcn_table(practices: pd.DataFrame) -> pd.DataFrame:
    """Return one row per PCN: name, majority ICB, practice counts and the mean of its located practices."""
    practices = practices[practices["pcn_code"].notna()]
    grouped = practices.groupby("pcn_code", sort=True)
    icb = (practices.groupby(["pcn_code", "icb_code"]).size().rename("n").reset_index()
           .sort_values(["pcn_code", "n", "icb_code"], ascending=[True, False, True])
           .drop_duplicates("pcn_code").set_index("pcn_code")["icb_code"])
    table = pd.DataFrame({
        "pcn_name": grouped["pcn_name"].first(),
        "icb_code": icb,
        "icbs": grouped["icb_code"].nunique(),
        "practices": grouped.size(),
        "located_practices": grouped["latitude"].count(),
        "latitude": grouped["latitude"].mean().round(5),
        "longitude": grouped["longitude"].mean().round(5),
    }).reset_index()
    return table.astype({"pcn_code": "string", "pcn_name": "string", "icb_code": "string"})


# ---------------------------------------------------------------- target


def make_arts(files: dict[str, Path], out: Path) -> dict:
    """Write the five tables of this target; return the build summary."""
    from ecology.places import geography

    build = paths.build_dir()  # geography and assets ran first: lads, boundaries, GP practices
    lads = pd.read_parquet(build / "lads.parquet", columns=["lad_code", "lad_name"])
    matcher = matcher_from_files(files, lads)
    investment = ace_investment(files[INVESTMENT_FILE], matcher)
    grants = ace_grants({year: files[path] for year, path in GRANT_FILES.items()}, matcher)
    cinemas, cinema_counts = england_cinemas(files[CINEMA_FILE], geography.PointAssigner.from_build(build),
                                             files[UK_LAD_FILE])
    practices = pcn_practices(files[NHS_STRUCTURE_FILE], pd.read_parquet(build / "gp_practices.parquet"))
    pcns = pcn_table(practices)

    out.mkdir(parents=True, exist_ok=True)
    investment.to_parquet(out / "ace_investment.parquet", index=False)
    grants.to_parquet(out / "ace_grants.parquet", index=False)
    cinemas.to_parquet(out / "cinemas.parquet", index=False)
    practices.to_parquet(out / "pcn_practices.parquet", index=False)
    pcns.drop(columns="icbs").to_parquet(out / "pcns.parquet", index=False)
    return {
        "investment_rows": len(investment),
        "investment_match": investment["match"].value_counts().to_dict(),
        "investment_unmatched": unmatched_names(investment),
        "funding_2023_26_total": float(investment["funding_2023_26"].sum()),
        "grants": len(grants),
        "grants_match": grants["match"].value_counts().to_dict(),
        "grants_unmatched": unmatched_names(grants),
        "grants_total": float(grants["amount"].sum()),
        "health_related_grants": int(grants["health_related"].sum()),
        "cinemas": cinema_counts,
        "pcn_practices": len(practices),
        "practices_without_location": int(practices["latitude"].isna().sum()),
        "pcns": len(pcns),
        "pcns_in_two_icbs": int((pcns["icbs"] > 1).sum()),
        "practices_in_no_pcn": int(practices["pcn_code"].isna().sum()),
    }
