"""Headline figures for a place: population, deprivation, and its sub-areas.

Figures for regions and ICBs add up their local authorities (each counted in
its majority ICB). IMD average scores of several local authorities are
combined weighted by mid-2020 population, which matches how MHCLG builds a
district's average score from its LSOAs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology.geography import LEVEL_NAMES, PlaceTree


@dataclass(frozen=True)
class PlaceSummary:
    code: str
    label: str
    level_name: str
    breadcrumb: tuple[str, ...]  # labels from England down to the parent
    n_local_authorities: int
    population: int  # mid-2020
    share_65_plus: float  # 0-1
    imd2025_average_score: float  # population-weighted; higher = more deprived
    imd2019_average_score: float
    imd2025_health_score: float  # health deprivation & disability domain
    imd2025_rank: int | None  # rank of average score among 296 districts (1 = most deprived); LAD only
    combined_authority: str | None

    @property
    def context_line(self) -> str:
        """Return e.g. 'Local authority in England › North West (NHS region) › … · X combined authority'."""
        line = self.level_name[0].upper() + self.level_name[1:]
        if self.breadcrumb:
            line += " in " + " › ".join(self.breadcrumb)
        if self.combined_authority:
            line += f" · {self.combined_authority} combined authority"
        return line


def _weighted(frame: pd.DataFrame, column: str) -> float:
    weights = frame["total_population"].to_numpy(dtype="float64")
    values = frame[column].to_numpy(dtype="float64")
    ok = np.isfinite(values)
    return float(np.average(values[ok], weights=weights[ok])) if ok.any() else float("nan")


def summarise(tree: PlaceTree, indicators: pd.DataFrame, code: str) -> PlaceSummary:
    """Return the headline figures of one place."""
    place = tree.get(code)
    lads = indicators[indicators["lad_code"].isin(tree.lads_within(code))]
    rank = None
    if place["level"] == "lad" and len(lads):
        rank = int(lads["imd2025_imd_rank_average_score"].iloc[0])
    cauth = place.get("cauth_name")
    return PlaceSummary(
        code=code,
        label=place["label"],
        level_name=LEVEL_NAMES[place["level"]],
        breadcrumb=tuple(tree.label(c) for c in tree.ancestors(code)),
        n_local_authorities=len(lads),
        population=int(lads["total_population"].sum()),
        share_65_plus=float(lads["pop_65_plus"].sum() / max(lads["total_population"].sum(), 1)),
        imd2025_average_score=_weighted(lads, "imd2025_imd_average_score"),
        imd2019_average_score=_weighted(lads, "imd2019_imd_average_score"),
        imd2025_health_score=_weighted(lads, "imd2025_health_average_score"),
        imd2025_rank=rank,
        combined_authority=cauth if isinstance(cauth, str) else None,
    )


def sub_areas(tree: PlaceTree, indicators: pd.DataFrame, code: str) -> pd.DataFrame:
    """Return one row per child place (or the place itself for a local authority).

    Columns: code, name, local_authorities (left out when every row is one local
    authority), population, imd2025_average_score, share_65_plus (0-1), sorted
    by IMD 2025, most deprived first.
    """
    children = tree.children(code) or [code]
    rows = []
    for child in children:
        lads = indicators[indicators["lad_code"].isin(tree.lads_within(child))]
        population = int(lads["total_population"].sum())
        rows.append({
            "code": child,
            "name": tree.get(child)["short_name"],
            "local_authorities": len(lads),
            "population": population,
            "imd2025_average_score": round(_weighted(lads, "imd2025_imd_average_score"), 1),
            "share_65_plus": round(float(lads["pop_65_plus"].sum() / max(population, 1)), 3),
        })
    table = pd.DataFrame(rows).sort_values("imd2025_average_score", ascending=False, ignore_index=True)
    if (table["local_authorities"] == 1).all():
        table = table.drop(columns="local_authorities")  # children are local authorities themselves
    return table


def asset_counts(assets: pd.DataFrame, tree: PlaceTree, code: str) -> tuple[int, int]:
    """Return (real assets, generated sample offers) located in a place."""
    from ecology.filters import within_place

    inside = within_place(assets, tree, code)
    sample = int(inside["is_sample"].sum())
    return len(inside) - sample, sample
