"""Area figures from local authorities (hand-made tables, no data build) and need by theme."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecology.analysis import areas, need

# Two ICBs in one region. LAD "S" is split: 700 of its 1,000 residents (and 300 of its 400
# aged 65+) live in ICB I1, the rest in I2. LAD "A" lies wholly in I1, "B" wholly in I2.
PARTS = pd.DataFrame({
    "lad_code": ["A", "S", "S", "B"], "icb_code": ["I1", "I1", "I2", "I2"],
    "pop21_total": [2_000, 700, 300, 1_000], "pop21_0_15": [400, 100, 100, 200],
    "pop21_16_64": [1_200, 300, 100, 700], "pop21_65_plus": [400, 300, 100, 100],
})
REGIONS = pd.DataFrame({"icb_code": ["I1", "I2"], "region_code": ["R1", "R1"]})
LADS = pd.DataFrame({
    "lad_code": ["A", "S", "B"], "pop21_total": [2_000, 1_000, 1_000], "pop21_65_plus": [400, 400, 100],
    "imd_score": [30.0, 10.0, 20.0], "dem_register": [20.0, 10.0, 5.0], "dem_list": [2_000.0, 1_000.0, 1_000.0],
})
RECIPE = areas.Recipe(sums=("pop21_total", "pop21_65_plus"), weighted={"imd_score": "pop21_total"},
                      ratios={"dem_prevalence": ("dem_register", "dem_list")})


def _icbs() -> pd.DataFrame:
    parts = areas.parts_table(PARTS, REGIONS)
    return areas.aggregate(LADS, parts, "icb", RECIPE).set_index("area_code")


def test_a_split_local_authority_is_apportioned_by_its_residents_not_its_lsoas():
    icbs = _icbs()
    assert icbs.loc["I1", "pop21_total"] == 2_700 and icbs.loc["I2", "pop21_total"] == 1_300
    # The 65+ band by the band's own split (300 / 100), not by the 70/30 split of everyone.
    assert icbs.loc["I1", "pop21_65_plus"] == 700 and icbs.loc["I2", "pop21_65_plus"] == 200


def test_scores_are_weighted_by_residents_and_prevalence_is_registers_over_lists():
    icbs = _icbs()
    # By hand: I1 = (30 x 2,000 + 10 x 700) / 2,700; I2 = (10 x 300 + 20 x 1,000) / 1,300.
    assert icbs.loc["I1", "imd_score"] == pytest.approx((30 * 2000 + 10 * 700) / 2700)
    assert icbs.loc["I2", "imd_score"] == pytest.approx((10 * 300 + 20 * 1000) / 1300)
    # Registers and lists are split 70/30 with S's residents: I1 = (20 + 7) / (2,000 + 700).
    assert icbs.loc["I1", "dem_prevalence"] == pytest.approx(27 / 2700)
    assert icbs.loc["I2", "dem_prevalence"] == pytest.approx(8 / 1300)


def test_a_region_is_the_sum_of_its_icbs_and_england_of_everything():
    parts = areas.parts_table(PARTS, REGIONS)
    region = areas.aggregate(LADS, parts, "region", RECIPE).set_index("area_code")
    england = areas.aggregate(LADS, parts, "england", RECIPE).set_index("area_code")
    assert region.loc["R1", "pop21_total"] == england.loc["E92000001", "pop21_total"] == 4_000
    assert region.loc["R1", "imd_score"] == pytest.approx((30 * 2000 + 10 * 1000 + 20 * 1000) / 4000)


def test_a_part_without_a_score_does_not_dilute_it():
    lads = LADS.assign(imd_score=[30.0, math.nan, 20.0])
    icbs = areas.aggregate(lads, areas.parts_table(PARTS, REGIONS), "icb", RECIPE).set_index("area_code")
    assert icbs.loc["I1", "imd_score"] == pytest.approx(30.0)


# ---------------------------------------------------------------- need by theme


def test_each_theme_has_its_own_measure_and_the_imd_can_be_chosen_for_any():
    assert need.measure_for("dementia").columns == ["dem_prevalence"]
    assert need.measure_for("mental_health").columns == ["dep_prevalence", "mh_prevalence"]
    assert need.measure_for("respiratory").columns == ["copd_prevalence", "ast_prevalence"]
    assert need.measure_for("cyp_mental_health").columns == ["idaci_score"]
    assert need.measure_for("falls_frailty").columns == need.measure_for("end_of_life").columns == [
        "idaopi_score", "share_65_plus"]
    assert need.measure_for("loneliness_isolation").columns == ["loneliness_pct"]
    assert need.measure_for("long_term_conditions").columns == ["health_score"]
    assert need.measure_for("perinatal").columns == need.measure_for(None).columns == ["imd_score"]
    assert need.measure_for("dementia", use_imd=True).columns == ["imd_score"]


def test_two_indicators_are_combined_by_mean_percentile_so_neither_swamps_the_other():
    table = pd.DataFrame({"dep_prevalence": [0.10, 0.12, 0.14], "mh_prevalence": [0.012, 0.010, 0.008]})
    values = need.need_values(table, need.measure_for("mental_health"))
    # Depression ranks 1, 2, 3 and SMI 3, 2, 1: every area has the same combined need.
    assert values.tolist() == [50.0, 50.0, 50.0]
    assert "mean of the percentiles" in need.measure_for("mental_health").formula


def test_the_age_band_follows_the_theme_in_census_2021_bands():
    assert need.age_band("dementia") == need.age_band("falls_frailty") == "pop21_65_plus"
    assert need.age_band("cyp_mental_health") == "pop21_0_15"
    assert need.age_band("mental_health") == need.age_band(None) == "pop21_total"
    assert need.AGE_BAND_LABELS[need.age_band("cyp_mental_health")] == "aged 0-15"


SMALL_NEED = pd.DataFrame({  # three areas; every indicator the themes read, by hand
    "dem_prevalence": [0.008, 0.006, 0.010], "dep_prevalence": [0.10, 0.14, 0.12],
    "mh_prevalence": [0.010, 0.012, 0.008], "copd_prevalence": [0.02, 0.01, 0.03],
    "ast_prevalence": [0.07, 0.05, 0.06], "idaci_score": [0.30, 0.10, 0.20], "idaopi_score": [0.25, 0.15, 0.05],
    "share_65_plus": [0.15, 0.25, 0.20], "loneliness_pct": [22.0, 18.0, 26.0], "health_score": [1.2, -0.4, 0.3],
    "imd_score": [35.0, 12.0, 24.0]})


@pytest.mark.parametrize(("theme", "expected"), [
    ("dementia", [0.8, 0.6, 1.0]),  # a single prevalence is shown in percent
    # mid-rank percentiles of three values are 16.67, 50 and 83.33; two indicators take their mean
    ("mental_health", [33.33, 83.33, 33.33]),  # depression 16.67, 83.33, 50; SMI 50, 83.33, 16.67
    ("respiratory", [66.67, 16.67, 66.67]),  # COPD 50, 16.67, 83.33; asthma 83.33, 16.67, 50
    ("cyp_mental_health", [0.30, 0.10, 0.20]),
    ("falls_frailty", [50.0, 66.67, 33.33]),  # IDAOPI 83.33, 50, 16.67; 65+ share 16.67, 83.33, 50
    ("end_of_life", [50.0, 66.67, 33.33]),
    ("loneliness_isolation", [22.0, 18.0, 26.0]),
    ("long_term_conditions", [1.2, -0.4, 0.3]), ("general_wellbeing", [1.2, -0.4, 0.3]),
    (None, [35.0, 12.0, 24.0]),
])
def test_each_themes_need_on_a_small_table_equals_a_hand_calculation(theme, expected):
    values = need.need_values(SMALL_NEED, need.measure_for(theme))
    assert values.tolist() == pytest.approx(expected, abs=0.01)
