"""Coverage gaps: recomputing all 296 local authorities and 42 ICBs after a filter change.

Assets: 100,000 rows resampled from the built asset table (seeded), as the
Assets benchmark makes them. A filter change means: filter the assets (theme,
activity, sample, venues), then compute both gap tables. Baseline, in the same
run: the same tables computed the naive way, one area at a time (a boolean scan
of every asset per area, then per-area arithmetic). Target: under 200 ms.

A theme change recomputes every table the Coverage gaps page can show: both gap
tables (with the practitioner columns, 3,000 generated practitioners included)
and both Arts Council investment tables. The page keeps each level's Arts
Council sums (``investment.area_money``, the same for every theme); the baseline
for that step is the same four tables with the sums recomputed each time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.common import Result, median_time

TITLE = "coverage gaps: recompute 296 LADs + 42 ICBs after a filter change, 100k assets, vs one area at a time"
SIZE = 100_000
TARGET_S = 0.200
REPEAT = 7
SEED = 20261122
CHANGES = [  # (theme, activity, include_sample, include_venues): what a user clicks through
    (None, (), True, True), ("dementia", (), True, True), ("dementia", ("singing",), True, True),
    ("mental_health", (), False, True), (None, ("crafts", "visual_arts"), True, False),
]


def _assets(size: int) -> pd.DataFrame:
    from ecology import paths, schema

    source = schema.conform(pd.read_parquet(paths.build_dir() / "assets.parquet"))
    rng = np.random.default_rng(SEED)
    return source.iloc[rng.integers(0, len(source), size)].reset_index(drop=True)


def naive_table(inputs, provision: pd.DataFrame, level: str, theme: str | None) -> pd.DataFrame:
    """One area at a time: what a first version without groupby would do."""
    from ecology.analysis import gaps

    base = gaps.gap_table(inputs, provision.iloc[0:0], level, theme)  # need and population only
    column = {"lad": "lad_code", "icb": "icb_code"}[level]
    band = gaps.age_band(theme)
    counts, per = [], []
    for code, population in zip(base["area_code"], base[band]):
        n = int((provision[column] == code).sum())
        counts.append(n)
        per.append(n / population * 10_000 if population else np.nan)
    base["assets"], base["assets_per_10k"] = counts, per
    base["provision_percentile"] = gaps.percentile(base["assets_per_10k"])
    base["gap_score"] = gaps.percentile(base["need"]) - base["provision_percentile"]
    return base.sort_values("gap_score", ascending=False)


def run(result: Result) -> None:
    from ecology.analysis import gaps
    from ecology.places import geography

    inputs = gaps.load_inputs()
    tree = geography.PlaceTree.from_table(geography.place_table())
    assets = _assets(SIZE)
    result.note(f"{len(assets):,} assets; {len(CHANGES)} filter changes, each the median of {REPEAT} runs")

    def ours(change) -> tuple[pd.DataFrame, pd.DataFrame]:
        theme, activity, sample, venues = change
        provision = gaps.provision_assets(assets, tree, gaps.provision_filter(theme, activity, sample, venues))
        return (gaps.gap_table(inputs, provision, "lad", theme), gaps.gap_table(inputs, provision, "icb", theme))

    def naive(change) -> tuple[pd.DataFrame, pd.DataFrame]:
        theme, activity, sample, venues = change
        provision = gaps.provision_assets(assets, tree, gaps.provision_filter(theme, activity, sample, venues))
        return (naive_table(inputs, provision, "lad", theme), naive_table(inputs, provision, "icb", theme))

    worst, worst_naive = 0.0, 0.0
    for change in CHANGES:
        label = f"theme={change[0] or 'all'}, activity={'+'.join(change[1]) or 'any'}, sample={change[2]}, " \
                f"venues={change[3]}"
        ours_s = median_time(lambda: ours(change), REPEAT)[0]
        naive_s = median_time(lambda: naive(change), 3)[0]
        lad, icb = ours(change)
        slow_lad, _ = naive(change)
        # Same answer both ways: the benchmark must not compare different work.
        same = lad.set_index("area_code")["assets"].sort_index().equals(
            slow_lad.set_index("area_code")["assets"].sort_index())
        result.add(f"recompute ({label})", ours_s, "s", baseline=naive_s, baseline_label="one area at a time",
                   target=TARGET_S, note="" if same else "COUNTS DIFFER FROM BASELINE")
        worst, worst_naive = max(worst, ours_s), max(worst_naive, naive_s)
    filter_s = median_time(lambda: gaps.provision_assets(assets, tree, gaps.provision_filter("dementia")), REPEAT)[0]
    provision = gaps.provision_assets(assets, tree, gaps.provision_filter("dementia"))
    tables_s = median_time(lambda: (gaps.gap_table(inputs, provision, "lad", "dementia"),
                                    gaps.gap_table(inputs, provision, "icb", "dementia")), REPEAT)[0]
    _theme_changes(result, inputs, tree, assets)
    result.add("of which: filtering 100k assets", filter_s, "s")
    result.add("of which: both gap tables", tables_s, "s")
    result.add("worst filter change", worst, "s", baseline=worst_naive, baseline_label="one area at a time",
               target=TARGET_S)


THEME_CHANGES = (None, "dementia", "mental_health", "cyp_mental_health", "loneliness_isolation", "falls_frailty")


def _theme_changes(result: Result, inputs, tree, assets: pd.DataFrame) -> None:
    """Time a theme change: filter, two gap tables with practitioners, two investment tables."""
    from ecology import paths
    from ecology.analysis import gaps, investment

    arts = investment.load()
    people = pd.read_parquet(paths.build_dir() / "practitioners.parquet")
    kept = {level: investment.area_money(inputs, arts, level) for level in ("lad", "icb")}

    def every_table(theme, *, reuse_money: bool) -> list[pd.DataFrame]:
        provision = gaps.provision_assets(assets, tree, gaps.provision_filter(theme, (), False, True))
        counted = gaps.counted_practitioners(people, include_sample=True)
        tables = [gaps.gap_table(inputs, provision, level, theme, practitioners=counted) for level in ("lad", "icb")]
        return tables + [investment.investment_table(inputs, arts, level, theme,
                                                     money=kept[level] if reuse_money else None)
                         for level in ("lad", "icb")]

    worst, worst_baseline = 0.0, 0.0
    for theme in THEME_CHANGES:
        ours_s = median_time(lambda: every_table(theme, reuse_money=True), REPEAT)[0]
        baseline_s = median_time(lambda: every_table(theme, reuse_money=False), 3)[0]
        same = all(a.equals(b) for a, b in zip(every_table(theme, reuse_money=True),
                                               every_table(theme, reuse_money=False)))
        result.add(f"theme change to {theme or 'all themes'}: 2 gap + 2 investment tables", ours_s, "s",
                   baseline=baseline_s, baseline_label="Arts Council sums recomputed", target=TARGET_S,
                   note="" if same else "TABLES DIFFER FROM BASELINE")
        worst, worst_baseline = max(worst, ours_s), max(worst_baseline, baseline_s)
    result.add("worst theme change, every table", worst, "s", baseline=worst_baseline,
               baseline_label="Arts Council sums recomputed", target=TARGET_S)
