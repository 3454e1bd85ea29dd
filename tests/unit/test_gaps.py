"""Coverage gaps: per-10k arithmetic, ICB aggregation, ranks and terciles, and an independent check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecology import gaps, sources


def _inputs(indicators: pd.DataFrame, shares: pd.DataFrame | None = None) -> gaps.GapInputs:
    shares = shares if shares is not None else pd.DataFrame(
        {"lad_code": indicators["lad_code"], "icb_code": "I1", "icb_share": 1.0})
    names = {c: f"Area {c}" for c in [*indicators["lad_code"], *shares["icb_code"]]}
    return gaps.GapInputs(indicators, shares, names)


def _indicators(rows: list[tuple]) -> pd.DataFrame:
    """rows: (lad_code, total, age 0-17, age 65+, IMD score, bottom-decile share, health score)."""
    frame = pd.DataFrame(rows, columns=["lad_code", "total_population", "pop_0_17", "pop_65_plus",
                                        "imd2025_imd_average_score", "imd2025_imd_proportion_bottom_decile",
                                        "imd2025_health_average_score"])
    frame["pop_18_64"] = frame["total_population"] - frame["pop_0_17"] - frame["pop_65_plus"]
    frame["pop_80_plus"] = frame["pop_65_plus"] // 4
    frame["imd2025_imd_rank_average_score"] = frame["imd2025_imd_average_score"].rank(ascending=False)
    return frame


def _assets(codes: dict[str, int], icb: str = "I1") -> pd.DataFrame:
    lads = [code for code, n in codes.items() for _ in range(n)]
    return pd.DataFrame({"lad_code": lads, "icb_code": icb})


SMALL = _indicators([("A", 20_000, 4_000, 5_000, 40.0, 0.5, 1.0), ("B", 50_000, 10_000, 10_000, 10.0, 0.0, -1.0),
                     ("C", 10_000, 2_000, 2_500, 25.0, 0.2, 0.1)])


def test_per_10k_arithmetic_on_a_small_table_and_a_place_with_no_assets():
    table = gaps.gap_table(_inputs(SMALL), _assets({"A": 2, "B": 10}), "lad").set_index("area_code")
    assert table.loc["A", "assets_per_10k"] == 1.0  # 2 per 20,000
    assert table.loc["B", "assets_per_10k"] == 2.0  # 10 per 50,000
    assert table.loc["C", "assets"] == 0 and table.loc["C", "assets_per_10k"] == 0.0
    assert table.loc["C", "age_band"] == "all ages"


def test_a_theme_with_an_age_band_counts_per_10k_of_that_band_and_one_without_uses_everyone():
    dementia = gaps.gap_table(_inputs(SMALL), _assets({"A": 2}), "lad", theme="dementia").set_index("area_code")
    assert dementia.loc["A", "assets_per_10k"] == 4.0  # 2 per 5,000 aged 65+
    assert dementia.loc["A", "age_band"] == "aged 65+"
    children = gaps.gap_table(_inputs(SMALL), _assets({"A": 2}), "lad", theme="cyp_mental_health")
    assert children.set_index("area_code").loc["A", "assets_per_10k"] == 5.0  # 2 per 4,000 aged 0-17
    loneliness = gaps.gap_table(_inputs(SMALL), _assets({"A": 2}), "lad", theme="loneliness_isolation")
    assert loneliness.set_index("area_code").loc["A", "assets_per_10k"] == 1.0
    assert gaps.age_band(None) == gaps.age_band("mental_health") == "total_population"


def test_the_gap_score_flag_and_ranking():
    table = gaps.gap_table(_inputs(SMALL), _assets({"B": 10, "C": 1}), "lad")
    # A: most deprived and no assets: need percentile 83.3, provision 16.7 -> gap 66.7, first.
    assert table["area_code"].tolist() == ["A", "C", "B"]
    first = table.iloc[0]
    assert (first["need_percentile"], first["provision_percentile"], first["gap_score"]) == (83.3, 16.7, 66.7)
    assert first["high_need_low_provision"] and not table.iloc[1:]["high_need_low_provision"].any()
    assert table["gap_rank"].tolist() == [1, 2, 3]


def test_ties_share_a_percentile_and_a_tercile():
    values = pd.Series([0.0, 0.0, 0.0, 5.0, 9.0])  # three areas with no assets at all
    pct = gaps.percentile(values)
    assert pct.iloc[:3].tolist() == [30.0, 30.0, 30.0]  # mid-rank 2 of 5
    assert gaps.tercile(pct).tolist() == [1, 1, 1, 3, 3]
    assert gaps.tercile(gaps.percentile(pd.Series([1.0, 2.0, 3.0]))).tolist() == [1, 2, 3]
    assert gaps.tercile(pd.Series([np.nan, 50.0])).tolist() == [pd.NA, 2]


def test_an_icb_is_built_from_its_local_authorities_with_a_split_one_apportioned():
    indicators = _indicators([("A", 20_000, 4_000, 5_000, 40.0, 0.5, 1.0), ("B", 50_000, 10_000, 10_000, 10.0, 0.0, -1.0),
                              ("C", 10_000, 2_000, 2_500, 25.0, 0.2, 0.1)])
    # C is split: 30% of its LSOAs in I1, 70% in I2.
    shares = pd.DataFrame({"lad_code": ["A", "B", "C", "C"], "icb_code": ["I1", "I2", "I1", "I2"],
                           "icb_share": [1.0, 1.0, 0.3, 0.7]})
    assets = pd.DataFrame({"lad_code": ["A", "C"], "icb_code": ["I1", "I2"]})
    table = gaps.gap_table(_inputs(indicators, shares), assets, "icb").set_index("area_code")
    assert table.loc["I1", "total_population"] == 23_000 and table.loc["I2", "total_population"] == 57_000
    # Population-weighted, not a plain mean of the authorities' scores.
    assert table.loc["I1", "imd_score"] == pytest.approx((20_000 * 40 + 3_000 * 25) / 23_000, abs=5e-4)
    assert table.loc["I2", "imd_score"] == pytest.approx((50_000 * 10 + 7_000 * 25) / 57_000, abs=5e-4)
    assert table.loc["I1", "imd_rank"] == 1
    assert table.loc["I2", "assets"] == 1  # counted by where the asset is, not apportioned
    assert table["total_population"].sum() == indicators["total_population"].sum()


def test_what_if_adds_assets_and_moves_the_rank():
    before = gaps.gap_table(_inputs(SMALL), _assets({"B": 10, "C": 1}), "lad")
    after = gaps.gap_table(_inputs(SMALL), _assets({"B": 10, "C": 1}), "lad", extra={"A": 30})
    # 30 more assets make A the best provided: its gap falls from 66.7 to 0, below C's.
    assert gaps.rank_of(before, "A") == 1 and gaps.rank_of(after, "A") == 2
    assert after.set_index("area_code").loc["A", "assets"] == 30


# -- the real data ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_inputs(built) -> gaps.GapInputs:
    return gaps.load_inputs()


def test_every_area_is_present_and_populations_add_up(real_inputs):
    none = pd.DataFrame({"lad_code": pd.Series(dtype="string"), "icb_code": pd.Series(dtype="string")})
    lads = gaps.gap_table(real_inputs, none, "lad")
    icbs = gaps.gap_table(real_inputs, none, "icb")
    assert len(lads) == 296 and len(icbs) == 42
    assert icbs["total_population"].sum() == pytest.approx(lads["total_population"].sum(), abs=42)
    assert lads["imd_score"].notna().all() and icbs["imd_score"].notna().all()


def test_icb_need_agrees_with_an_independent_calculation_from_lsoa_level_imd_2025(real_inputs):
    """Our ICB scores come from LAD summaries; here, the plain mean of each ICB's LSOA scores
    (LSOAs hold similar populations) from the LSOA-level IMD 2025 file and the ONS lookup."""
    files = sources.locate_all([sources.dataset("imd2025_lsoa"), sources.dataset("lsoa_icb_lookup")])
    lsoa = pd.read_csv(files["imd/imd2025_lsoa21_en.csv"], usecols=["lsoa21_code", "IMD_score"])
    icb_of = pd.read_csv(files["lookups/lsoa21_sicbl24_icb24_en.csv"], usecols=["lsoa21_code", "icb24_code"])
    independent = lsoa.merge(icb_of, on="lsoa21_code").groupby("icb24_code")["IMD_score"].mean()
    ours = gaps.gap_table(real_inputs, pd.DataFrame({"lad_code": [], "icb_code": []}), "icb").set_index(
        "area_code")["imd_score"]
    both = pd.concat([ours.rename("ours"), independent.rename("independent")], axis=1, join="inner")
    assert len(both) == 42
    rho = both["ours"].rank().corr(both["independent"].rank())
    print(f"Spearman correlation of ICB need rankings: {rho:.4f}")
    assert rho > 0.98
    assert (both["ours"] - both["independent"]).abs().max() < 2.0  # IMD score points


def test_practitioner_counts_under_5_are_suppressed_and_the_rest_rounded_in_the_table_and_its_rate():
    people = pd.DataFrame({"lad_code": ["A"] * 4 + ["B"] * 6, "icb_code": "I1",
                           "health_focus": ["|dementia|"] * 10})
    table = gaps.gap_table(_inputs(SMALL), _assets({"A": 1}), "lad", practitioners=people).set_index("area_code")
    assert np.isnan(table.loc["A", "practitioners_per_10k"])  # 4 people: the rate would give them away
    # 6 people are published as 5 (base-5 rounding), and the rate is over the 5: 50,000 people -> 1.0.
    assert table.loc["B", "practitioners"] == 5
    assert table.loc["B", "practitioners_per_10k"] == pytest.approx(1.0)
    shown = gaps.display(table.reset_index()).set_index("Code")
    assert shown.loc["A", "Practitioners"] == "fewer than 5" and shown.loc["B", "Practitioners"] == "5"
    themed = gaps.gap_table(_inputs(SMALL), _assets({}), "lad", theme="falls_frailty", practitioners=people)
    assert (themed["practitioners"] == 0).all()  # nobody has that focus
