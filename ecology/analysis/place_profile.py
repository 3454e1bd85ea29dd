"""The whole picture of one place for one theme: what the Overview shows and the briefing prints.

One function (``profile``) gathers every headline figure of a place (England, a
region, an ICB or a local authority) from the same functions the other pages
use: population and IMD from ``gaps.GapInputs`` (built by ``ecology.analysis.areas``),
the gap rank from ``gaps.gap_table``, investment from
``investment.investment_table``, maturity from ``maturity.summary``, and
practitioners and clusters through ``clusters.publish`` (so counts obey
``ecology.analysis.privacy``). The Overview and the briefing both draw from it, so they
cannot disagree with each other or with the page a figure comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecology.analysis import clusters, gaps, investment, maturity, need, privacy
from ecology.analysis.filters import within_place
from ecology.places.geography import ENGLAND_CODE, PlaceTree

PEERS = 5
PEER_METHOD = (f"Nearest peers: the {PEERS} places of the same kind closest to this one on two measures, each "
               "rescaled to mean 0 and standard deviation 1 across all places of that kind: the theme's need "
               "(its own measure) and the logarithm of Census 2021 residents; closeness is the straight-line "
               "distance between those two values.")
VENUE_KINDS = {"museum": "Museums", "library": "Libraries", "cinema": "Cinemas"}
REAL, SAMPLE = "real", "sample"


@dataclass(frozen=True)
class Figure:
    """One headline figure as shown: its label, text, the number behind it, vintage and origin."""

    key: str
    label: str
    text: str
    vintage: str
    origin: str = REAL  # "real" or "sample" (generated records)
    number: float | None = None
    note: str = ""

    def __post_init__(self):
        plain = None if self.number is None or pd.isna(self.number) else float(self.number)
        object.__setattr__(self, "number", plain)


@dataclass(frozen=True)
class PlaceInputs:
    """Everything a profile is built from, loaded once (the app caches each part)."""

    tree: PlaceTree
    gap_inputs: gaps.GapInputs
    assets: pd.DataFrame  # the register's assets, with area codes
    practitioners: pd.DataFrame
    clusters: clusters.ClusterView  # at the Practitioners page's default setting
    maturity_current: pd.DataFrame  # maturity.current_scores
    maturity_summary: pd.DataFrame  # maturity.summary (all 42, with evidence counts)
    maturity_evidence: pd.DataFrame
    maturity_assessments: pd.DataFrame
    arts: investment.ArtsInputs


@dataclass(frozen=True)
class PlaceProfile:
    code: str
    label: str
    short_name: str
    level: str
    theme: str | None
    theme_label: str
    measure: need.NeedMeasure
    figures: tuple[Figure, ...]
    assets_by_kind: pd.DataFrame  # Kind, Real, Generated sample
    comparison: pd.DataFrame  # one row per place compared (role: this / region / England / peer)
    gap_level: str  # the level the gap table ranks ("lad" or "icb")
    gap_table: pd.DataFrame  # the whole ranked table at gap_level (as Coverage gaps)
    top_gaps: pd.DataFrame  # the largest gaps in or around the place
    maturity_icb: str | None  # the ICB whose maturity is shown (the place's own, or its ICB's)
    notes: tuple[str, ...] = field(default_factory=tuple)  # what is known and missing

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


# ---------------------------------------------------------------- helpers

def _gap_level(level: str) -> str:
    return "lad" if level == "lad" else "icb"


def _within(frame: pd.DataFrame, tree: PlaceTree, code: str, key: str) -> pd.DataFrame:
    """Rows of a table with one row per area (``key``) whose area lies in the place."""
    if key == "lad":
        inside = set(tree.lads_within(code))
    else:
        icbs = tree.places[tree.places["level"] == "icb"]
        inside = set(icbs.index if code == ENGLAND_CODE else icbs.index[(icbs.index == code)
                                                                         | (icbs["region_code"] == code)])
    return frame[frame["area_code"].isin(inside)]


KIND_ORDER = (*VENUE_KINDS.values(), "Other venues", "Organisations", "Programmes")


def kind_table(assets: pd.DataFrame) -> pd.DataFrame:
    """Return the active assets' area codes with Kind (a label of ``KIND_ORDER``) and ``sample``:
    the place-independent half of ``assets_by_kind``."""
    active = assets[(assets["status"] == "active").fillna(False)]
    prefix = active["asset_id"].str.split(":").str[0]
    kind = np.where(active["kind"] == "venue", prefix.map(VENUE_KINDS).fillna("Other venues"),
                    active["kind"].str.capitalize() + "s")
    return pd.DataFrame({"lad_code": active["lad_code"], "icb_code": active["icb_code"],
                         "region_code": active["region_code"], "Kind": kind,
                         "sample": active["is_sample"].fillna(False).astype(bool).to_numpy()})


def assets_by_kind(kinds: pd.DataFrame, tree: PlaceTree, code: str) -> pd.DataFrame:
    """Return the active assets in a place by kind (``kinds``: ``kind_table``): Kind, Real,
    Generated sample; every venue kind listed, other kinds only when present."""
    inside = within_place(kinds, tree, code)
    counts = inside.groupby(["Kind", "sample"]).size()
    rows = []
    for label in KIND_ORDER:
        real, sample = int(counts.get((label, False), 0)), int(counts.get((label, True), 0))
        if real or sample or label in VENUE_KINDS.values():
            rows.append({"Kind": label, "Real": real, "Generated sample": sample})
    return pd.DataFrame(rows, columns=["Kind", "Real", "Generated sample"])


def practitioner_figures(inputs: PlaceInputs, code: str) -> tuple[str, str, str]:
    """Return (practitioners, in a cluster, clusters reaching the place) as published texts."""
    people = inputs.practitioners
    if people.empty:
        return "0", "0", "0"
    labels = pd.Series(inputs.clusters.clustering.labels, index=people.index)
    mine = within_place(people, inputs.tree, code)
    mine_labels = labels.loc[mine.index]
    reaching = int(mine_labels[mine_labels > 0].nunique())
    return (privacy.count_text(len(mine)), privacy.count_text(int((mine_labels > 0).sum())), f"{reaching:,}")


def _maturity_icb(tree: PlaceTree, code: str) -> str | None:
    place = tree.get(code)
    if place["level"] == "icb":
        return code
    if place["level"] == "lad" and isinstance(place["icb_code"], str):
        return place["icb_code"]
    return None


def maturity_figure(inputs: PlaceInputs, code: str) -> Figure:
    """Return the maturity stage (an ICB's own; a local authority's ICB; a count above that)."""
    table = inputs.maturity_summary.set_index("icb_code")
    icb = _maturity_icb(inputs.tree, code)
    vintage = "evidence to December 2026"
    if icb is not None:
        row = table.loc[icb]
        whose = "" if icb == code else f"its ICS, {row['ICB']}: "
        return Figure("maturity", "ICS maturity", row["Overall"], vintage,
                      number=None if pd.isna(row["overall_stage"]) else float(row["overall_stage"]),
                      note=f"{whose}{int(row['Evidence'])} piece(s) of evidence, {row['Assessed']} of 10 criteria "
                           "assessed")
    level = inputs.tree.get(code)["level"]
    if level == "region":
        table = table[[inputs.tree.get(c)["region_code"] == code for c in table.index]]
    staged = table[table["overall_status"] == "stage"]
    counts = staged["overall_stage"].astype(int).value_counts().sort_index()
    spread = ", ".join(f"{n} at {maturity.stage_label(s)}" for s, n in counts.items()) or "none staged"
    return Figure("maturity", "ICS maturity", f"{len(staged)} of {len(table)} staged", vintage,
                  number=float(len(staged)), note=f"{spread}; {int(table['Evidence'].sum())} pieces of evidence")


def nearest_peers(table: pd.DataFrame, code: str, *, k: int = PEERS) -> list[str]:
    """Return the codes of the ``k`` areas nearest ``code`` on standardised need and log residents
    (``table``: one row per area of one kind with area_code, need, pop21_total); ties by code."""
    known = table.dropna(subset=["need", "pop21_total"]).copy()
    if code not in set(known["area_code"]) or len(known) < 2:
        return []
    features = np.column_stack([known["need"].astype(float), np.log10(known["pop21_total"].astype(float).clip(lower=1))])
    spread = features.std(axis=0)
    scaled = (features - features.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    mine = scaled[known["area_code"].to_numpy() == code][0]
    known["distance"] = np.sqrt(((scaled - mine) ** 2).sum(axis=1))
    others = known[known["area_code"] != code].sort_values(["distance", "area_code"], kind="stable")
    return others["area_code"].head(k).tolist()


def _level_table(inputs: PlaceInputs, provision: pd.DataFrame, level: str, theme: str | None) -> pd.DataFrame:
    """Return one row per area of ``level``: need, residents, 65+ share, IMD, provision per 10,000
    (the theme's age band), Arts Council £ per head."""
    measure = need.measure_for(theme)
    band = gaps.age_band(theme)
    table = inputs.gap_inputs.need(level).copy()
    table["need"] = need.need_values(table, measure)
    key = {"lad": "lad_code", "icb": "icb_code", "region": "region_code"}.get(level)
    counts = provision[key].value_counts() if key else pd.Series({table["area_code"].iloc[0]: len(provision)})
    table["assets"] = table["area_code"].map(counts).fillna(0).astype(int)
    table["assets_per_10k"] = gaps.per_10k(table["assets"], table[band])
    money = investment.area_money(inputs.gap_inputs, inputs.arts, level)  # the same for every theme
    table["funding_per_head"] = table["area_code"].map(investment.funding_per_head(money.set_index("area_code")))
    table["share_65_plus"] = table["pop21_65_plus"] / table["pop21_total"].where(table["pop21_total"] > 0)
    return table


@dataclass(frozen=True)
class ThemeTables:
    """The place-independent tables of one theme (worth caching: a place change reuses them)."""

    theme: str | None
    provision: pd.DataFrame  # active real assets counted as provision (area codes)
    levels: dict  # level -> _level_table
    ranked: dict  # "lad" / "icb" -> gaps.gap_table
    kinds: pd.DataFrame  # kind_table of the register's assets


def theme_tables(inputs: PlaceInputs, theme: str | None) -> ThemeTables:
    """Return the tables every place's profile for ``theme`` reads (real records, venues included,
    as Coverage gaps opens)."""
    chosen = gaps.provision_filter(theme, (), include_sample=False, include_venues=True)
    provision = gaps.provision_assets(inputs.assets, inputs.tree, chosen)
    levels = {level: _level_table(inputs, provision, level, theme) for level in ("lad", "icb", "region", "england")}
    ranked = {level: gaps.gap_table(inputs.gap_inputs, provision, level, theme, practitioners=inputs.practitioners)
              for level in ("lad", "icb")}
    return ThemeTables(theme, provision, levels, ranked, kind_table(inputs.assets))


def comparison_table(inputs: PlaceInputs, tables: ThemeTables, code: str) -> pd.DataFrame:
    """Return the place beside its region, England and its nearest peers: Place, area_code, role,
    Residents, Aged 65+ (0-1), Need, IMD 2025 score, assets per 10,000, £ per head, ICS maturity."""
    tree = inputs.tree
    place = tree.get(code)
    level = place["level"]
    theme = tables.theme
    tables = tables.levels
    rows = [(code, "this")]
    if level in ("lad", "icb"):
        rows.append((place["region_code"], "region"))
    if level != "england":
        rows.append((ENGLAND_CODE, "England"))
        peers = nearest_peers(tables[level], code) if level != "region" else [
            c for c in tables["region"]["area_code"] if c != code]
        rows += [(p, "peer") for p in peers]
    stages = inputs.maturity_summary.set_index("icb_code")["Overall"]
    # A two-indicator need is a mean percentile among places of one kind: a region's or England's
    # percentile is not on the same scale as a local authority's, so it is left out.
    ranked_only = len(need.measure_for(theme).components) > 1
    out = []
    for area, role in rows:
        lvl = tree.get(area)["level"]
        row = tables[lvl].set_index("area_code").loc[area]
        icb = _maturity_icb(tree, area)
        out.append({"Place": tree.get(area)["short_name"], "area_code": area, "role": role,
                    "Residents": int(row["pop21_total"]), "Aged 65+": float(row["share_65_plus"]),
                    "Need": float(row["need"]) if pd.notna(row["need"]) and not (ranked_only and lvl != level)
                    else np.nan,
                    "IMD 2025 score": round(float(row["imd_score"]), 1),
                    "Assets per 10,000": float(row["assets_per_10k"]),
                    "£ per head": float(row["funding_per_head"]) if pd.notna(row["funding_per_head"]) else np.nan,
                    "ICS maturity": stages.get(icb, "") if icb else ""})
    return pd.DataFrame(out)


def top_gaps(table: pd.DataFrame, tree: PlaceTree, code: str, *, n: int = 8) -> pd.DataFrame:
    """Return the largest gaps in or around the place: its local authorities (an ICB), its ICB's
    local authorities (a local authority), its ICBs (a region) or all ICBs (England)."""
    place = tree.get(code)
    around = code if place["level"] != "lad" else (place["icb_code"] if isinstance(place["icb_code"], str) else code)
    level = "lad" if place["level"] in ("lad", "icb") else "icb"
    mine = _within(table, tree, around, level)
    return mine.sort_values("gap_rank").head(n)


# ---------------------------------------------------------------- the profile

def profile(inputs: PlaceInputs, code: str, theme: str | None = None,
            tables: ThemeTables | None = None) -> PlaceProfile:
    """Return the place's headline figures, comparisons and gaps for a theme (None: all themes),
    counting real records only (generated sample records are counted apart and marked).
    ``tables``: the theme's ``theme_tables`` when already made."""
    from ecology import taxonomy

    tree = inputs.tree
    place = tree.get(code)
    level = place["level"]
    measure = need.measure_for(theme)
    theme_label = taxonomy.label_of("health_focus", theme) if theme else "All themes"
    tables = tables if tables is not None and tables.theme == theme else theme_tables(inputs, theme)
    gap_level = _gap_level(level)
    ranked = tables.ranked[gap_level]
    local = tables.ranked["lad" if level in ("lad", "icb") else "icb"]
    comparison = comparison_table(inputs, tables, code)
    mine = comparison.iloc[0]
    england = comparison[comparison["role"] == "England"]
    kinds = assets_by_kind(tables.kinds, tree, code)
    people, clustered, reaching = practitioner_figures(inputs, code)
    band = gaps.AGE_BAND_LABELS[gaps.age_band(theme)]
    figures = [
        Figure("population", "Residents", f"{int(mine['Residents']):,}", "Census 2021", number=float(mine["Residents"]),
               note=f"{mine['Aged 65+']:.1%} aged 65+"),
        Figure("imd", "IMD 2025 score", f"{mine['IMD 2025 score']:.1f}", "English IoD 2025",
               number=mine["IMD 2025 score"], note=_imd_note(inputs, level, code)),
        Figure("need", "Need", need_text(measure, mine["Need"]), measure.source, number=mine["Need"],
               note=f"{measure.name}; " + _versus_england(mine["Need"], england, "Need", measure)),
        Figure("real_assets", "Real venues", f"{int(kinds['Real'].sum()):,}", "register (museums 2021, "
               "libraries December 2023, cinemas February 2026)", number=float(kinds["Real"].sum()),
               note=", ".join(f"{r.Real:,} {r.Kind.lower()}" for r in kinds.itertuples() if r.Real) or "none"),
        Figure("provision", "Provision per 10,000", f"{mine['Assets per 10,000']:.2f}",
               f"register; Census 2021 residents {band}", number=mine["Assets per 10,000"],
               note=f"for {theme_label.lower()}; "
                    + _versus_england(mine["Assets per 10,000"], england, "Assets per 10,000", None)),
        _gap_figure(ranked, tree, code, gap_level, theme_label),
        Figure("investment", "ACE £ per head", _money(mine["£ per head"]),
               "ACE Investment Programme 2023-26", number=mine["£ per head"],
               note="Arts Council England funding a year; "
                    + _versus_england(mine["£ per head"], england, "£ per head", "£")),
        maturity_figure(inputs, code),
        Figure("practitioners", "Practitioners", people, "generated sample register", origin=SAMPLE,
               note=f"{clustered} in a cluster; {reaching} cluster(s) reach here "
                    f"({clusters.DEFAULT_RADIUS_KM:g} km, at least {clusters.DEFAULT_MIN_SIZE})"),
        Figure("sample_offers", "Sample offers", f"{int(kinds['Generated sample'].sum()):,}",
               "generated, not real", origin=SAMPLE, number=float(kinds["Generated sample"].sum()),
               note="generated offers, not counted in any figure above"),
    ]
    return PlaceProfile(code, place["label"], place["short_name"], level, theme, theme_label, measure,
                        tuple(figures), kinds, comparison, gap_level, ranked, top_gaps(local, tree, code),
                        _maturity_icb(tree, code), tuple(_notes(kinds, ranked, inputs, code, theme_label)))


def _imd_note(inputs: PlaceInputs, level: str, code: str) -> str:
    """Return what the IMD score is, with a local authority's rank among England's 296."""
    if level == "lad":
        table = inputs.gap_inputs.need("lad")
        rank = int(table.loc[table["area_code"] == code, "imd_rank"].iloc[0])
        return f"average score, higher = more deprived; rank {rank} of {len(table)} (1 = most deprived)"
    return "average score, higher = more deprived; population-weighted"


def _money(value: float) -> str:
    return "no data" if pd.isna(value) else f"£{value:,.2f}"


def need_text(measure: need.NeedMeasure, value: float) -> str:
    """Return a need value as shown: a prevalence in %, a score, or a mean percentile (two indicators)."""
    if pd.isna(value):
        return "no data"
    if len(measure.components) > 1:
        return f"{value:.0f} (mean percentile)"
    return f"{value:.2f}%" if measure.components[0].unit == "%" else f"{value:.1f}"


def _versus_england(value: float, england: pd.DataFrame, column: str, unit) -> str:
    """Return "England <value> (<ratio>x)"; ``unit`` is a NeedMeasure, "£" or None (a plain rate)."""
    if england.empty or pd.isna(value):
        return "England as a whole"
    base = float(england[column].iloc[0])
    if pd.isna(base) and isinstance(unit, need.NeedMeasure):
        return "a mean percentile among places of this kind (50 = the middle)"
    if base == 0 or pd.isna(base):
        return "England: none"
    if isinstance(unit, need.NeedMeasure):
        shown = need_text(unit, base)
    else:
        shown = f"£{base:,.2f}" if unit == "£" else f"{base:.2f}"
    return f"England {shown} ({value / base:.2f}x)"


def _gap_figure(ranked: pd.DataFrame, tree: PlaceTree, code: str, gap_level: str, theme_label: str) -> Figure:
    vintage = "need and provision, as Coverage gaps (real records)"
    label = "Gap rank"
    rank = gaps.rank_of(ranked, code)
    if rank is not None:
        row = ranked.set_index("area_code").loc[code]
        flag = "high need, low provision" if row["high_need_low_provision"] else "not flagged"
        return Figure("gap", label, f"{rank} of {len(ranked)}", vintage, number=float(rank),
                      note=f"gap score {row['gap_score']:+.1f}; {flag} ({theme_label.lower()})")
    mine = _within(ranked, tree, code, gap_level)
    flagged = int(mine["high_need_low_provision"].sum())
    return Figure("gap", "Flagged ICBs", f"{flagged} of {len(mine)}", vintage, number=float(flagged),
                  note=f"high need, low provision ({theme_label.lower()}): top third by need, bottom third by "
                       "provision")


def _notes(kinds: pd.DataFrame, ranked: pd.DataFrame, inputs: PlaceInputs, code: str,
           theme_label: str) -> list[str]:
    """Say what is known and what is missing for this place."""
    notes = []
    if kinds["Real"].sum() == 0:
        notes.append("No real venue or offer is in the register here: import a directory on the Data page.")
    if (ranked["assets"] == 0).all():  # say what does exist here that could host an offer
        organisations = investment.organisations_in(inputs.arts, inputs.tree.lads_within(code))
        notes.append(gaps.nothing_counts(inputs.assets, inputs.tree, code, theme_label, include_sample=False,
                                         organisations=organisations))
    icb = _maturity_icb(inputs.tree, code)
    if icb is not None:
        row = inputs.maturity_summary.set_index("icb_code").loc[icb]
        if row["overall_status"] != "stage":
            notes.append(f"{row['ICB']}: {row['Overall']}. Not assessed is not a low score; it means no public "
                         "evidence is known to this project.")
    notes.append("Practitioner figures come from the generated sample register until a real one is imported.")
    return notes


def maturity_parts(places: pd.DataFrame, self_assessed: pd.DataFrame | None):
    """Return (evidence, assessments, current scores, summary of all 42) as the ICS maturity page
    builds them."""
    icbs = maturity.icb_table(places)
    evidence = maturity.load_evidence(icb_codes=set(icbs["icb_code"]))
    assessments = maturity.all_assessments(maturity.evidence_scores(evidence), self_assessed)
    current = maturity.current_scores(assessments)
    return evidence, assessments, current, maturity.summary(current, icbs, evidence)


def load_inputs(register) -> PlaceInputs:
    """Return everything a profile needs, read from the data build and ``register`` (a Store)."""
    from ecology.places import geography

    places = geography.place_table()
    tree = PlaceTree.from_table(places)
    people = register.records("practitioners")
    evidence, assessments, current, summary = maturity_parts(places, register.assessments())
    view = clusters.publish(people, clusters.DEFAULT_RADIUS_KM, clusters.DEFAULT_MIN_SIZE, tree)
    return PlaceInputs(tree, gaps.load_inputs(), register.records("assets"), people, view, current, summary,
                       evidence, assessments, investment.load())
