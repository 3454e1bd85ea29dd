"""Figures for ICBs, NHS regions and England built from local authorities: the one place it is done.

Every page and command that shows a figure for an area above a local authority
(the Overview, Coverage gaps, the briefing, ``python -m ecology gaps``) gets it
from ``aggregate``, so the same ICB has the same population and need everywhere.

A local authority split between ICBs is apportioned by the Census 2021
residents of its LSOAs in each ICB (``lad_icb_population.parquet``), not by how
many LSOAs each holds: a count is split by the part's share of residents (an
age band by its own band's share), a score is weighted by residents, and a
prevalence is the ratio of apportioned registers to apportioned list sizes.
ICBs nest in NHS regions, so a region is the sum of its ICBs' parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

POPULATIONS = ("pop21_total", "pop21_0_15", "pop21_16_64", "pop21_65_plus")
LEVELS = ("lad", "icb", "region", "england")


@dataclass(frozen=True)
class Recipe:
    """How each column of a local authority table becomes an area figure."""

    sums: tuple[str, ...] = ()  # counts: apportioned by the part's residents, then added
    weighted: dict[str, str] = field(default_factory=dict)  # score -> the population column weighting it
    ratios: dict[str, tuple[str, str]] = field(default_factory=dict)  # out -> (numerator sum, denominator sum)


def parts_table(lad_icb_population: pd.DataFrame, icb_regions: pd.DataFrame) -> pd.DataFrame:
    """Return one row per part of a local authority in one ICB: lad_code, icb_code, region_code,
    the part's Census 2021 residents (``POPULATIONS``) and ``share_<population>`` of the LAD's.

    ``icb_regions`` maps icb_code to region_code."""
    parts = lad_icb_population.merge(icb_regions[["icb_code", "region_code"]], on="icb_code", how="left",
                                     validate="many_to_one")
    for column in POPULATIONS:
        whole = parts.groupby("lad_code")[column].transform("sum")
        parts[f"share_{column}"] = np.where(whole > 0, parts[column] / whole.where(whole > 0), 0.0)
    return parts


def aggregate(lads: pd.DataFrame, parts: pd.DataFrame, level: str, recipe: Recipe) -> pd.DataFrame:
    """Return one row per area of ``level`` (column ``area_code``) with the recipe's columns.

    ``lads`` has one row per local authority (``lad_code``); for ``level`` "lad" it is
    returned as it is. Population columns are taken from the parts themselves; other
    counts are split by the part's share of all residents."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    wanted = list(dict.fromkeys([*recipe.sums, *recipe.weighted, *recipe.weighted.values(),
                                 *(c for pair in recipe.ratios.values() for c in pair)]))
    if level == "lad":
        out = lads.rename(columns={"lad_code": "area_code"}).copy()
        for name, (top, bottom) in recipe.ratios.items():
            out[name] = out[top] / out[bottom].where(out[bottom] > 0)
        return out
    key = {"icb": "icb_code", "region": "region_code", "england": "england"}[level]
    share_columns = [f"share_{c}" for c in POPULATIONS]
    frame = parts[["lad_code", "icb_code", "region_code", *POPULATIONS, *share_columns]].assign(england="E92000001")
    frame = frame.merge(lads[["lad_code", *[c for c in wanted if c not in POPULATIONS]]], on="lad_code", how="inner")
    counts = [c for c in dict.fromkeys([*recipe.sums, *recipe.weighted.values(),
                                        *(c for pair in recipe.ratios.values() for c in pair)])]
    for column in counts:
        if column not in POPULATIONS:  # populations are the part's own residents already
            frame[column] = frame[column] * frame["share_pop21_total"]
    for score, weight in recipe.weighted.items():
        # A part without the score neither adds to it nor to the weight it is divided by.
        frame[f"_weight_{score}"] = frame[weight].where(frame[score].notna())
        frame[score] = frame[score] * frame[weight]
    summed = list(dict.fromkeys([*counts, *recipe.weighted, *(f"_weight_{s}" for s in recipe.weighted)]))
    out = frame.groupby(key, as_index=False)[summed].sum(min_count=1)
    for score in recipe.weighted:
        weights = out.pop(f"_weight_{score}")
        out[score] = out[score] / weights.where(weights > 0)
    for name, (top, bottom) in recipe.ratios.items():
        out[name] = out[top] / out[bottom].where(out[bottom] > 0)
    for column in POPULATIONS:
        if column in out:
            out[column] = out[column].round(0).astype("int64")
    return out.rename(columns={key: "area_code"})
