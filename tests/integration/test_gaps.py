"""Coverage gaps: per-10k arithmetic, ICB aggregation, ranks and terciles, and an independent check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecology.analysis import areas, gaps
from ecology.sources import catalogue


def _inputs(lads: pd.DataFrame, parts: pd.DataFrame | None = None) -> gaps.GapInputs:
    """Return gap inputs over hand-made local authorities; ``parts`` (lad_code, icb_code, pop21_*)
    defaults to every authority wholly in ICB I1."""
    if parts is None:
        parts = lads[["lad_code", *areas.POPULATIONS]].assign(icb_code="I1")
    regions = pd.DataFrame({"icb_code": parts["icb_code"].unique(), "region_code": "R1"})
    names = {c: f"Area {c}" for c in [*lads["lad_code"], *parts["icb_code"]]}
    return gaps.GapInputs(lads, areas.parts_table(parts, regions), names)


def _lads(rows: list[tuple]) -> pd.DataFrame:
    """rows: (lad_code, residents, aged 0-15, aged 65+, IMD score, bottom-decile share, health score)."""
    frame = pd.DataFrame(rows, columns=["lad_code", "pop21_total", "pop21_0_15", "pop21_65_plus", "imd_score",
                                        "most_deprived_10pc_share", "health_score"])
    frame["pop21_16_64"] = frame["pop21_total"] - frame["pop21_0_15"] - frame["pop21_65_plus"]
    frame["imd_rank"] = frame["imd_score"].rank(ascending=False)
    frame["share_65_plus"] = frame["pop21_65_plus"] / frame["pop21_total"]
    frame["imd2019_score"] = frame["imd_score"]
    # Dementia registers that rank the areas C > A > B (the opposite of nothing in particular).
    frame["dem_list"] = frame["pop21_total"].astype(float)
    frame["dem_register"] = frame["dem_list"] * frame["lad_code"].map({"A": 0.006, "B": 0.004, "C": 0.009})
    frame["dem_prevalence"] = frame["dem_register"] / frame["dem_list"]
    for column in ("idaci_score", "idaopi_score", "loneliness_pct", "dep_prevalence", "mh_prevalence",
                   "copd_prevalence", "ast_prevalence"):
        frame[column] = np.nan
    for code in ("dep", "mh", "copd", "ast"):
        frame[f"{code}_register"] = frame[f"{code}_list"] = np.nan
    return frame


def _assets(codes: dict[str, int], icb: str = "I1") -> pd.DataFrame:
    lads = [code for code, n in codes.items() for _ in range(n)]
    return pd.DataFrame({"lad_code": lads, "icb_code": icb})


SMALL = _lads([("A", 20_000, 4_000, 5_000, 40.0, 0.5, 1.0), ("B", 50_000, 10_000, 10_000, 10.0, 0.0, -1.0),
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
    assert children.set_index("area_code").loc["A", "assets_per_10k"] == 5.0  # 2 per 4,000 aged 0-15
    loneliness = gaps.gap_table(_inputs(SMALL), _assets({"A": 2}), "lad", theme="loneliness_isolation")
    assert loneliness.set_index("area_code").loc["A", "assets_per_10k"] == 1.0
    assert gaps.age_band(None) == gaps.age_band("mental_health") == "pop21_total"


def test_the_theme_chooses_the_need_measure_and_the_ranking_follows_it():
    by_imd = gaps.gap_table(_inputs(SMALL), _assets({}), "lad")
    by_dementia = gaps.gap_table(_inputs(SMALL), _assets({}), "lad", theme="dementia")
    # IMD: A (40) > C (25) > B (10); dementia prevalence: C (0.9%) > A (0.6%) > B (0.4%).
    assert by_imd["area_code"].tolist() == ["A", "C", "B"]
    assert by_dementia["area_code"].tolist() == ["C", "A", "B"]
    assert by_dementia.set_index("area_code").loc["C", "need"] == pytest.approx(0.9)  # a percentage
    assert set(by_dementia["need_measure"]) == {"Dementia prevalence"}
    chosen_imd = gaps.gap_table(_inputs(SMALL), _assets({}), "lad", theme="dementia", use_imd=True)
    assert chosen_imd["area_code"].tolist() == ["A", "C", "B"]
    shown = gaps.display(by_dementia)
    assert "Need: dementia prevalence (all ages, % of registered patients)" in shown.columns


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


def test_an_icb_is_built_from_its_local_authorities_with_a_split_one_apportioned_by_residents():
    lads = _lads([("A", 20_000, 4_000, 5_000, 40.0, 0.5, 1.0), ("B", 50_000, 10_000, 10_000, 10.0, 0.0, -1.0),
                  ("C", 10_000, 2_000, 2_500, 25.0, 0.2, 0.1)])
    # C is split: 3,000 of its residents live in I1 and 7,000 in I2.
    parts = pd.DataFrame({"lad_code": ["A", "B", "C", "C"], "icb_code": ["I1", "I2", "I1", "I2"],
                          "pop21_total": [20_000, 50_000, 3_000, 7_000], "pop21_0_15": [4_000, 10_000, 600, 1_400],
                          "pop21_16_64": [11_000, 30_000, 1_650, 3_850], "pop21_65_plus": [5_000, 10_000, 750, 1_750]})
    assets = pd.DataFrame({"lad_code": ["A", "C"], "icb_code": ["I1", "I2"]})
    table = gaps.gap_table(_inputs(lads, parts), assets, "icb").set_index("area_code")
    assert table.loc["I1", "pop21_total"] == 23_000 and table.loc["I2", "pop21_total"] == 57_000
    # Population-weighted, not a plain mean of the authorities' scores.
    assert table.loc["I1", "imd_score"] == pytest.approx((20_000 * 40 + 3_000 * 25) / 23_000, abs=5e-4)
    assert table.loc["I2", "imd_score"] == pytest.approx((50_000 * 10 + 7_000 * 25) / 57_000, abs=5e-4)
    assert table.loc["I1", "imd_rank"] == 1
    assert table.loc["I2", "assets"] == 1  # counted by where the asset is, not apportioned
    assert table["pop21_total"].sum() == lads["pop21_total"].sum()


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
    assert icbs["pop21_total"].sum() == pytest.approx(lads["pop21_total"].sum(), abs=42)
    assert lads["imd_score"].notna().all() and icbs["imd_score"].notna().all()


def test_icb_need_agrees_with_an_independent_calculation_from_lsoa_level_imd_2025(real_inputs):
    """Our ICB scores come from LAD summaries; here, the plain mean of each ICB's LSOA scores
    (LSOAs hold similar populations) from the LSOA-level IMD 2025 file and the ONS lookup."""
    files = catalogue.locate_all([catalogue.dataset("imd2025_lsoa"), catalogue.dataset("lsoa_icb_lookup")])
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
    # Sorted, the suppressed count goes between 0 and 5 whatever it was; the key gives nothing away.
    assert dict(zip(table.index, gaps.practitioner_order(table))) == {"A": 2.5, "B": 5.0, "C": 0.0}
    themed = gaps.gap_table(_inputs(SMALL), _assets({}), "lad", theme="falls_frailty", practitioners=people)
    assert (themed["practitioners"] == 0).all()  # nobody has that focus


def test_all_42_icbs_have_one_population_and_imd_score_on_the_overview_gaps_and_the_command(real_inputs, capsys):
    """NHS Norfolk and Waveney ICB once had 914,039 people on one page and 1,038,362 on another."""
    import json

    from ecology.analysis import overview
    from ecology.places import geography
    from ecology.cli.main import main

    tree = geography.PlaceTree.from_table(geography.place_table())
    none = pd.DataFrame({"lad_code": pd.Series(dtype="string"), "icb_code": pd.Series(dtype="string")})
    ranked = gaps.gap_table(real_inputs, none, "icb").set_index("area_code")
    assert main(["gaps", "--level", "icb", "--format", "json"]) == 0
    command = {row["Code"]: row for row in json.loads(capsys.readouterr().out)["areas"]}
    icbs = tree.places.index[tree.places["level"] == "icb"]
    assert len(icbs) == len(ranked) == len(command) == 42
    for code in icbs:
        shown = overview.summarise(tree, real_inputs, code)
        assert shown.population == ranked.loc[code, "pop21_total"] == command[code]["Residents (Census 2021)"]
        assert shown.imd2025_average_score == pytest.approx(ranked.loc[code, "imd_score"])
        assert command[code]["IMD 2025 average score"] == pytest.approx(ranked.loc[code, "imd_score"])
    assert overview.summarise(tree, real_inputs, "E54000022").population == 1_032_480  # Census 2021 LSOAs


def test_investment_lands_where_organisations_are_and_a_split_authority_is_apportioned(real_inputs):
    from ecology.analysis import investment

    arts = investment.load()
    lads = investment.investment_table(real_inputs, arts, "lad", "dementia").set_index("area_code")
    icbs = investment.investment_table(real_inputs, arts, "icb", "dementia").set_index("area_code")
    english = arts.investment[arts.investment["lad_code"].notna()]
    # Every pound that lands in England is counted once at each level.
    assert lads["funding_2023_26"].sum() == pytest.approx(english["funding_2023_26"].sum())
    assert icbs["funding_2023_26"].sum() == pytest.approx(english["funding_2023_26"].sum(), rel=1e-9)
    manchester = english[english["lad_code"] == "E08000003"]
    assert lads.loc["E08000003", "funding_2023_26"] == pytest.approx(manchester["funding_2023_26"].sum())
    assert lads.loc["E08000003", "funding_per_head"] == pytest.approx(
        manchester["funding_2023_26"].sum() / lads.loc["E08000003", "pop21_total"], abs=0.01)
    assert lads["health_grants"].sum() == arts.grants.loc[arts.grants["lad_code"].notna(), "health_related"].sum()


def test_the_generated_practitioner_sample_is_counted_only_when_the_user_includes_it():
    people = pd.DataFrame({"lad_code": ["B"] * 16, "icb_code": "I1", "health_focus": ["|dementia|"] * 16,
                           "is_sample": [True] * 10 + [False] * 6})
    real = gaps.gap_table(_inputs(SMALL), _assets({}), "lad",
                          practitioners=gaps.counted_practitioners(people, include_sample=False)).set_index("area_code")
    both = gaps.gap_table(_inputs(SMALL), _assets({}), "lad",
                          practitioners=gaps.counted_practitioners(people, include_sample=True)).set_index("area_code")
    assert real.loc["B", "practitioners"] == 5 and both.loc["B", "practitioners"] == 15  # 6 and 16, rounded to 5
    none_real = gaps.gap_table(_inputs(SMALL), _assets({}), "lad",
                               practitioners=gaps.counted_practitioners(people.iloc[:10], include_sample=False))
    assert (none_real["practitioners"] == 0).all()  # no real practitioners: zero, not missing
