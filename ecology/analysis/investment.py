"""Where Arts Council England money lands, against need: per local authority and ICB.

Two real sources (``arts_build``): the 2023-26 Investment Programme (each
organisation's annual offer, at its registered office) and National Lottery
Project Grants 2018-2020 (each award, by the recipient's local authority; those
whose activity name matches the health keyword rule are counted apart). Money
is counted where the organisation is registered, which is where investment
*lands*, not necessarily where its activity happens. An ICB takes its local
authorities' sums, a split authority apportioned by its residents in each ICB
(``ecology.analysis.areas``), like every other ICB figure.

The ranking reads like the coverage gap: **need percentile minus investment
percentile** (investment per head of all residents), so +100 is the area in most
need that receives the least.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology.analysis import areas, gaps, need

SOURCE = ("Arts Council England: 2023-26 Investment Programme offers (4 November 2022) and National Lottery "
          "Project Grants awards 2018-2020. Licence not stated in the copy used.")
COUNTS = ("organisations", "funding_2023_26", "grants", "grants_value", "health_grants", "health_grants_value")
DEFINITION = ("Investment gap = need percentile minus the percentile of Investment Programme funding per head "
              "(2023-26, a year), among areas of the same kind: +100 is the area in most need that receives least.")


@dataclass(frozen=True)
class ArtsInputs:
    investment: pd.DataFrame  # ace_investment.parquet: one row per organisation
    grants: pd.DataFrame  # ace_grants.parquet: one row per award

    @functools.cached_property
    def lads(self) -> pd.DataFrame:
        """``by_lad`` of these tables, made once (every level and theme starts from it)."""
        return by_lad(self)


def load(build=None) -> ArtsInputs:
    """Return the Arts Council tables from the data build."""
    from ecology import paths

    folder = build or paths.build_dir()
    return ArtsInputs(pd.read_parquet(folder / "ace_investment.parquet"), pd.read_parquet(folder / "ace_grants.parquet"))


def by_lad(arts: ArtsInputs) -> pd.DataFrame:
    """Return per local authority (English ones with any record): organisations and their annual
    2023-26 funding (GBP), project grants and their value, health-related grants and their value,
    and whether ACE marks it a Priority Place or a Levelling Up for Culture Place."""
    money = arts.investment[arts.investment["lad_code"].notna()]
    grants = arts.grants[arts.grants["lad_code"].notna()]
    out = money.groupby("lad_code").agg(organisations=("name", "size"), funding_2023_26=("funding_2023_26", "sum"),
                                        priority_place=("priority_place", "max"), lucp=("lucp", "max"))
    awards = grants.groupby("lad_code").agg(grants=("recipient", "size"), grants_value=("amount", "sum"))
    health = grants[grants["health_related"]].groupby("lad_code").agg(
        health_grants=("recipient", "size"), health_grants_value=("amount", "sum"))
    return out.join(awards, how="outer").join(health, how="outer").reset_index()


def area_money(inputs: gaps.GapInputs, arts: ArtsInputs, level: str) -> pd.DataFrame:
    """Return one row per area of ``level``: Arts Council counts and GBP (``COUNTS``), Census 2021
    residents and the Priority Place / Levelling Up for Culture Place flags. The same for every
    theme, so a theme change can reuse it (``investment_table(money=...)``)."""
    lads = inputs.lads[["lad_code", *areas.POPULATIONS]].merge(arts.lads, on="lad_code", how="left")
    for column in COUNTS:
        lads[column] = lads[column].fillna(0.0)
    flags = lads[["lad_code", "priority_place", "lucp"]]
    recipe = areas.Recipe(sums=(*areas.POPULATIONS, *COUNTS))
    money = areas.aggregate(lads.drop(columns=["priority_place", "lucp"]), inputs.parts, level, recipe)
    if level == "lad":
        money = money.merge(flags.rename(columns={"lad_code": "area_code"}), on="area_code", how="left")
    else:  # an ICB holds a Priority Place when any of its local authorities is one
        parts = inputs.parts[["lad_code", "icb_code"]].merge(flags, on="lad_code", how="left")
        held = parts.groupby("icb_code")[["priority_place", "lucp"]].max().reset_index()
        money = money.merge(held.rename(columns={"icb_code": "area_code"}), on="area_code", how="left")
    for column in ("priority_place", "lucp"):
        money[column] = money[column].astype("boolean").fillna(False).astype(bool)
    return money


def funding_per_head(money: pd.DataFrame) -> pd.Series:
    """Return Arts Council Investment Programme GBP a year per Census 2021 resident, to the penny
    (missing where an area has no residents)."""
    return (money["funding_2023_26"] / money["pop21_total"].where(money["pop21_total"] > 0)).round(2)


def investment_table(inputs: gaps.GapInputs, arts: ArtsInputs, level: str, theme: str | None = None, *,
                     use_imd: bool = False, money: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per area of ``level``: the theme's need, Arts Council investment (counts,
    GBP and GBP per head of Census 2021 residents), percentiles, terciles, the investment gap
    and the "high need, low investment" flag, ranked by the gap (largest first). ``money`` is
    ``area_money`` for this level when the caller already has it."""
    measure = need.measure_for(theme, use_imd=use_imd)
    if money is None:
        money = area_money(inputs, arts, level)
    wanted = list(dict.fromkeys(["area_code", *measure.columns, "imd_score"]))  # the IMD may be the measure
    table = inputs.need(level)[wanted].merge(money, on="area_code", how="left", validate="one_to_one")
    table.insert(1, "area", table["area_code"].map(inputs.names))
    table["need_measure"] = measure.name
    table["need"] = need.need_values(table, measure)
    table["funding_per_head"] = funding_per_head(table)
    need_pct, money_pct = need.percentile(table["need"]), need.percentile(table["funding_per_head"])
    table["need_percentile"], table["investment_percentile"] = need_pct.round(1), money_pct.round(1)
    table["need_tercile"], table["provision_tercile"] = gaps.tercile(need_pct), gaps.tercile(money_pct)
    table["investment_gap"] = (need_pct - money_pct).round(1)
    table["high_need_low_investment"] = ((table["need_tercile"] == 3) & (table["provision_tercile"] == 1)).fillna(
        False).astype(bool)
    table = table.sort_values(["investment_gap", "need", "area"], ascending=[False, False, True], kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


DISPLAY = {
    "rank": "Rank", "area": "Area", "area_code": "Code", "investment_gap": "Investment gap",
    "high_need_low_investment": "High need, low investment", "priority_place": "ACE Priority Place",
    "lucp": "Levelling Up for Culture Place", "need_measure": "Need measure", "need": "Need",
    "need_percentile": "Need percentile", "funding_per_head": "Investment Programme £ per head a year",
    "investment_percentile": "Investment percentile", "funding_2023_26": "Investment Programme £ a year (2023-26)",
    "organisations": "Funded organisations", "grants": "Project grants 2018-20", "grants_value": "Project grants £",
    "health_grants": "Health-related project grants", "health_grants_value": "Health-related project grants £",
    "pop21_total": "Residents (Census 2021)",
}


def display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the investment table with readable names and every input column (CSV and page)."""
    measure = gaps.measure_of(table)
    shown = table[list(DISPLAY)].rename(columns={**DISPLAY, "need": measure.need_label})
    at = shown.columns.get_loc("Need measure") + 1
    shown.insert(at, "Need source", measure.source)
    shown.insert(at + 1, "Need formula", measure.formula)
    for column in ("Funded organisations", "Project grants 2018-20", "Health-related project grants"):
        shown[column] = shown[column].round(0).astype("int64")
    for column in ("Investment Programme £ a year (2023-26)", "Project grants £", "Health-related project grants £"):
        shown[column] = shown[column].round(0)
    return shown


def keyword_rule() -> str:
    """Return the health keyword rule in plain words, for the page."""
    from ecology.sources import arts_build

    return ("A project grant counts as health-related when its activity name contains any of these words "
            "(whole words, any case): " + ", ".join(arts_build.HEALTH_KEYWORDS) + ". Counted separately, "
            "never added to provision; listed below for review.")


def health_grants(arts: ArtsInputs, names: dict[str, str], lad_codes=None) -> pd.DataFrame:
    """Return the health-related project grants for review (largest first): recipient, activity,
    award (GBP), date, local authority, and the words that matched; only ``lad_codes`` if given."""
    grants = arts.grants[arts.grants["health_related"].fillna(False).astype(bool)]
    if lad_codes is not None:
        grants = grants[grants["lad_code"].isin(list(lad_codes))]
    return pd.DataFrame({
        "Recipient": grants["recipient"], "Activity": grants["activity_name"], "Award £": grants["amount"].round(0),
        "Awarded": pd.to_datetime(grants["award_date"]).dt.date,
        "Local authority": grants["lad_code"].map(names).fillna(grants["la_name_source"]),
        "Matched words": grants["health_terms"].str.replace("|", ", ", regex=False),
    }).sort_values("Award £", ascending=False, ignore_index=True)


def organisations_in(arts: ArtsInputs, lad_codes) -> int:
    """Return how many Investment Programme organisations are registered in these local authorities."""
    return int(arts.investment["lad_code"].isin(list(lad_codes)).sum())
