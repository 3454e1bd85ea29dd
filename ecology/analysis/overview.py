"""Headline figures for a place: population, deprivation, and its sub-areas.

Every figure comes from the area tables that Coverage gaps ranks
(``gaps.GapInputs.need``, built by ``ecology.analysis.areas``): Census 2021 residents,
and for an ICB or region its local authorities' figures with a split authority
apportioned by the residents of its LSOAs; IMD scores are weighted by residents.
So an ICB has one population and one IMD score across the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ecology.places.geography import LEVEL_NAMES, PlaceTree


@dataclass(frozen=True)
class PlaceSummary:
    code: str
    label: str
    level_name: str
    breadcrumb: tuple[str, ...]  # labels from England down to the parent
    n_local_authorities: int
    population: int  # Census 2021 usual residents
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


def _row(inputs, level: str, code: str) -> pd.Series:
    table = inputs.need(level)
    return table.loc[table["area_code"] == code].iloc[0]


def summarise(tree: PlaceTree, inputs, code: str) -> PlaceSummary:
    """Return the headline figures of one place (``inputs``: ``gaps.GapInputs``)."""
    place = tree.get(code)
    row = _row(inputs, place["level"], code)
    cauth = place.get("cauth_name")
    return PlaceSummary(
        code=code,
        label=place["label"],
        level_name=LEVEL_NAMES[place["level"]],
        breadcrumb=tuple(tree.label(c) for c in tree.ancestors(code)),
        n_local_authorities=len(tree.lads_within(code)),
        population=int(row["pop21_total"]),
        share_65_plus=float(row["pop21_65_plus"] / max(row["pop21_total"], 1)),
        imd2025_average_score=float(row["imd_score"]),
        imd2019_average_score=float(row["imd2019_score"]),
        imd2025_health_score=float(row["health_score"]),
        imd2025_rank=int(row["imd_rank"]) if place["level"] == "lad" else None,
        combined_authority=cauth if isinstance(cauth, str) else None,
    )


def sub_areas(tree: PlaceTree, inputs, code: str) -> pd.DataFrame:
    """Return one row per child place (or the place itself for a local authority).

    Columns: code, name, local_authorities (left out when every row is one local
    authority), population (Census 2021), imd2025_average_score, share_65_plus (0-1),
    sorted by IMD 2025, most deprived first.
    """
    children = tree.children(code) or [code]
    level = tree.get(children[0])["level"]  # children of one place are all of one kind
    need = inputs.need(level).set_index("area_code").loc[children]
    table = pd.DataFrame({
        "code": children,
        "name": [tree.get(child)["short_name"] for child in children],
        "local_authorities": [len(tree.lads_within(child)) for child in children],
        "population": need["pop21_total"].astype(int).to_numpy(),
        "imd2025_average_score": need["imd_score"].astype(float).round(1).to_numpy(),
        "share_65_plus": (need["pop21_65_plus"] / need["pop21_total"].clip(lower=1)).astype(float).round(3).to_numpy(),
    }).sort_values("imd2025_average_score", ascending=False, ignore_index=True)
    if (table["local_authorities"] == 1).all():
        table = table.drop(columns="local_authorities")  # children are local authorities themselves
    return table


def asset_counts(assets: pd.DataFrame, tree: PlaceTree, code: str) -> tuple[int, int]:
    """Return (real assets, generated sample offers) located in a place."""
    from ecology.analysis.filters import within_place

    inside = within_place(assets, tree, code)
    sample = int(inside["is_sample"].sum())
    return len(inside) - sample, sample
