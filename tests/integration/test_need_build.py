"""The need build: QOF on 2023 districts, Census 2021 population, population-weighted need per ICB and region."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ecology import paths
from ecology.sources import need_build

# ---------------------------------------------------------------- pure functions, hand-made tables


def _qof(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["lad_code", "lad_name", "group_code", "register", "list"])
    frame["prevalence"] = frame["register"] / frame["list"]
    return frame


def _all_codes(code: str, name: str, register: float, size: float) -> list[tuple]:
    return [(code, name, group, register, size) for group in need_build.QOF_CODES]


LAD_MAP = pd.DataFrame({"lad20_code": ["E07000001", "E07000002", "E06000009"],
                        "lad20_name": ["Old A", "Old B", "Same"],
                        "lad23_code": ["E06000100", "E06000100", "E06000009"],
                        "lad23_name": ["New", "New", "Same"]})


def test_merging_2020_districts_sums_register_and_list_not_prevalences():
    qof = _qof(_all_codes("E07000001", "Old A", 10, 100) + _all_codes("E07000002", "Old B", 30, 200)
               + _all_codes("E06000009", "Same", 5, 50))
    table = need_build.qof_on_lad23(qof, LAD_MAP).set_index("lad_code")
    assert table.loc["E06000100", "dem_register"] == 40
    assert table.loc["E06000100", "dem_list"] == 300
    # 40 / 300, not the mean of 0.1 and 0.15
    assert table.loc["E06000100", "dem_prevalence"] == pytest.approx(40 / 300)
    assert table.loc["E06000009", "copd_prevalence"] == pytest.approx(0.1)
    assert sorted(table.index) == ["E06000009", "E06000100"]
    assert need_build.merged_districts(LAD_MAP) == {"E06000100 New": ["E07000001 Old A", "E07000002 Old B"]}


def test_english_qof_area_without_a_2023_district_raises_naming_it_and_welsh_areas_are_left_out():
    base = _all_codes("E07000001", "Old A", 10, 100) + _all_codes("E07000002", "Old B", 30, 200) + \
        _all_codes("E06000009", "Same", 5, 50)
    welsh = _all_codes("W06000002", "Gwynedd", 1, 10)
    assert len(need_build.qof_on_lad23(_qof(base + welsh), LAD_MAP)) == 2
    with pytest.raises(need_build.NeedBuildError, match="E07999999 Nowhere"):
        need_build.qof_on_lad23(_qof(base + _all_codes("E07999999", "Nowhere", 1, 10)), LAD_MAP)


def test_english_qof_area_missing_a_condition_raises():
    rows = _all_codes("E07000001", "Old A", 10, 100)[:-1] + _all_codes("E07000002", "Old B", 30, 200) + \
        _all_codes("E06000009", "Same", 5, 50)
    with pytest.raises(need_build.NeedBuildError, match="E07000001"):
        need_build.qof_on_lad23(_qof(rows), LAD_MAP)


def _lookups(second_lsoa_lad22: str):
    hoc = pd.DataFrame({"LSOA_CODE": ["E01000001", "E01000002", "E01000003", "W01000001"],
                        "LAD_CODE": ["E07000001", "E07000001", "E07000002", "W06000002"],
                        "LAD_NAME": ["Old A", "Old A", "Old B", "Gwynedd"]})
    lsoa11_lad22 = pd.DataFrame({"lsoa11_code": ["E01000001", "E01000002", "E01000003"],
                                 "ltla22_code": ["E07000001", second_lsoa_lad22, "E07000002"]})
    lad22_lad23 = pd.DataFrame({"ltla22_code": ["E07000001", "E07000002", "E07000003"],
                                "ltla23_code": ["E06000100", "E06000100", "E06000200"],
                                "ltla23_name": ["New", "New", "Other"]})
    return hoc, lsoa11_lad22, lad22_lad23


def test_lad20_to_lad23_follows_each_district_through_its_lsoas():
    table = need_build.lad20_to_lad23(*_lookups("E07000001"))
    assert table.to_dict("list") == {"lad20_code": ["E07000001", "E07000002"], "lad20_name": ["Old A", "Old B"],
                                     "lad23_code": ["E06000100", "E06000100"], "lad23_name": ["New", "New"]}


def test_2020_district_split_between_2023_districts_is_refused():
    # One of Old A's LSOAs lies in a 2022 district that became a different 2023 district.
    with pytest.raises(need_build.NeedBuildError, match="E07000001 Old A -> E06000200"):
        need_build.lad20_to_lad23(*_lookups("E07000003"))


def test_census_age_groups_sum_into_three_bands_and_a_total():
    groups = list(need_build.AGE_BANDS)  # 0-15, 16-24, 25-34, 35-49, 50-64, 65+
    long = pd.DataFrame({"lsoa21_code": ["E01000001"] * 6 + ["E01000002"] * 6, "age_group": groups * 2,
                         "usual_residents": [10.0, 1, 2, 3, 4, 20, 0, 5, 5, 5, 5, 7]})
    bands = need_build.census_bands(long).set_index("lsoa21_code")
    assert bands.loc["E01000001"].to_dict() == {"pop21_total": 40, "pop21_0_15": 10, "pop21_16_64": 10,
                                                "pop21_65_plus": 20}
    assert bands.loc["E01000002"].to_dict() == {"pop21_total": 27, "pop21_0_15": 0, "pop21_16_64": 20,
                                                "pop21_65_plus": 7}
    assert str(bands["pop21_total"].dtype) == "int64"
    with pytest.raises(need_build.NeedBuildError, match="Aged 90"):
        need_build.census_bands(pd.concat([long, pd.DataFrame(
            {"lsoa21_code": ["E01000001"], "age_group": ["Aged 90 years and over"], "usual_residents": [1.0]})]))


def test_loneliness_is_weighted_by_each_lsoas_census_residents():
    lsoa = pd.DataFrame({"lad_code": ["X", "X", "Y"], "perc": [20.0, 30.0, 25.0],
                         "pop21_total": [100, 300, 50], "pop21_0_15": [0, 0, 0], "pop21_16_64": [100, 300, 50],
                         "pop21_65_plus": [0, 0, 0]})
    table = need_build.area_population(lsoa, "lad_code").set_index("lad_code")
    assert table.loc["X", "loneliness_pct"] == pytest.approx((20 * 100 + 30 * 300) / 400)  # 27.5, not 25
    assert table.loc["Y", "loneliness_pct"] == pytest.approx(25)
    assert table.loc["X", "pop21_total"] == 400


def test_a_lad_split_70_30_between_two_icbs_is_apportioned_by_population():
    # LAD X: 700 residents in ICB A, 300 in ICB B. LAD Y: 500 residents, all in ICB B.
    lsoa = pd.DataFrame({"lsoa21_code": ["L1", "L2", "L3", "L4"], "lad_code": ["X", "X", "X", "Y"],
                         "icb_code": ["A", "A", "B", "B"], "pop21_total": [400, 300, 300, 500],
                         "pop21_0_15": [100, 100, 0, 100], "pop21_16_64": [250, 200, 200, 300],
                         "pop21_65_plus": [50, 0, 100, 100]})
    parts = need_build.lad_icb_population(lsoa).set_index(["lad_code", "icb_code"])
    assert parts.loc[("X", "A"), "share"] == pytest.approx(0.7)
    assert parts.loc[("X", "B"), "share"] == pytest.approx(0.3)
    assert parts.loc[("Y", "B"), "share"] == 1
    assert parts.loc[("X", "A"), "pop21_total"] == 700

    lad_need = pd.DataFrame({"lad_code": ["X", "Y"]})
    for code in need_build.QOF_CODES:
        lad_need[f"{code.lower()}_register"] = [100.0, 100.0]
        lad_need[f"{code.lower()}_list"] = [1000.0, 500.0]
    lad_need["imd_score"] = [10.0, 40.0]
    lad_need["health_score"] = [0.0, 1.0]
    lad_need["idaci_score"] = [0.2, 0.4]
    lad_need["idaopi_score"] = [0.1, 0.3]
    icb = need_build.apportion_need(parts.reset_index(), lad_need, "icb_code").set_index("icb_code")
    assert icb.loc["A", "dem_register"] == pytest.approx(70)   # 0.7 x 100
    assert icb.loc["A", "dem_list"] == pytest.approx(700)      # 0.7 x 1000
    assert icb.loc["B", "dem_register"] == pytest.approx(130)  # 0.3 x 100 + 100
    assert icb.loc["B", "dem_list"] == pytest.approx(800)      # 0.3 x 1000 + 500
    assert icb.loc["B", "dem_prevalence"] == pytest.approx(130 / 800)
    assert icb.loc["A", "imd_score"] == pytest.approx(10)
    assert icb.loc["B", "imd_score"] == pytest.approx((10 * 300 + 40 * 500) / 800)
    # IDACI by children (X-part in B has none), IDAOPI by people 65+ (100 each).
    assert icb.loc["B", "idaci_score"] == pytest.approx(0.4)
    assert icb.loc["B", "idaopi_score"] == pytest.approx(0.2)
    assert icb.loc["A", "idaopi_score"] == pytest.approx(0.1)


# ---------------------------------------------------------------- with the data build

PREDECESSORS = {
    "E06000063": {"E07000026": "Allerdale", "E07000028": "Carlisle", "E07000029": "Copeland"},
    "E06000064": {"E07000027": "Barrow-in-Furness", "E07000030": "Eden", "E07000031": "South Lakeland"},
    "E06000065": {"E07000163": "Craven", "E07000164": "Hambleton", "E07000165": "Harrogate",
                  "E07000166": "Richmondshire", "E07000167": "Ryedale", "E07000168": "Scarborough",
                  "E07000169": "Selby"},
    "E06000066": {"E07000187": "Mendip", "E07000188": "Sedgemoor", "E07000189": "South Somerset",
                  "E07000246": "Somerset West and Taunton"},
    "E06000061": {"E07000150": "Corby", "E07000152": "East Northamptonshire", "E07000153": "Kettering",
                  "E07000156": "Wellingborough"},
    "E06000062": {"E07000151": "Daventry", "E07000154": "Northampton", "E07000155": "South Northamptonshire"},
}


def _built(name: str) -> pd.DataFrame:
    return pd.read_parquet(paths.build_dir() / name)


def _raw(path: str) -> pd.DataFrame:
    return pd.read_csv(paths.raw_dir() / path)


@pytest.fixture(scope="module")
def raw_qof() -> pd.DataFrame:
    return _raw(need_build.QOF_FILE)


@pytest.mark.parametrize("lad_code", sorted(PREDECESSORS))
def test_new_unitary_dementia_prevalence_equals_its_2020_districts_raw_rows(built, raw_qof, lad_code):
    predecessors = PREDECESSORS[lad_code]
    rows = raw_qof[raw_qof["lad_code"].isin(predecessors) & (raw_qof["group_code"] == "DEM")]
    assert dict(zip(rows["lad_code"], rows["lad_name"])) == predecessors  # the codes are the districts named
    need = _built("lad_need.parquet").set_index("lad_code").loc[lad_code]
    assert need["dem_register"] == pytest.approx(rows["register"].sum(), rel=1e-12)
    assert need["dem_list"] == pytest.approx(rows["list"].sum(), rel=1e-12)
    assert need["dem_prevalence"] == pytest.approx(rows["register"].sum() / rows["list"].sum(), rel=1e-12)


def test_manchester_prevalence_matches_the_published_figures(built):
    manchester = _built("lad_need.parquet").set_index("lad_code").loc["E08000003"]
    assert round(manchester["dem_prevalence"] * 100, 2) == 0.44
    assert round(manchester["dep_prevalence"] * 100, 1) == 12.4
    assert round(manchester["copd_prevalence"] * 100, 2) == 1.96
    assert round(manchester["mh_prevalence"] * 100, 2) == 1.23


def test_england_census_2021_total_is_56_489_608_and_bands_add_up(built):
    census = _built("census_lad.parquet")
    assert int(census["pop21_total"].sum()) == 56_489_608
    bands = census["pop21_0_15"] + census["pop21_16_64"] + census["pop21_65_plus"]
    assert (bands == census["pop21_total"]).all()
    assert all(str(census[c].dtype) == "int64" for c in need_build.POP_COLUMNS)


def test_every_english_lad_appears_once_in_each_table(built):
    english = set(pd.read_parquet(paths.build_dir() / "lads.parquet", columns=["lad_code"])["lad_code"])
    assert len(english) == 296
    for name in ("census_lad.parquet", "lad_need.parquet"):
        codes = _built(name)["lad_code"]
        assert not codes.duplicated().any(), name
        assert set(codes) == english, name
    parts = _built("lad_icb_population.parquet")
    assert set(parts["lad_code"]) == english
    assert not parts.duplicated(["lad_code", "icb_code"]).any()
    assert len(_built("icb_need.parquet")) == 42
    assert len(_built("region_need.parquet")) == 7


def test_each_lads_icb_shares_sum_to_one_and_parts_sum_to_its_population(built):
    parts = _built("lad_icb_population.parquet")
    assert parts.groupby("lad_code")["share"].sum().to_numpy() == pytest.approx(1, abs=1e-12)
    census = _built("census_lad.parquet").set_index("lad_code")
    sums = parts.groupby("lad_code")[list(need_build.POP_COLUMNS)].sum()
    pd.testing.assert_frame_equal(sums.sort_index(), census.sort_index()[list(need_build.POP_COLUMNS)])
    assert (parts.groupby("lad_code").size() > 1).sum() == 13  # split LADs, as SOURCES.md counts them


def test_norfolk_and_waveney_population_from_census_lsoas_equals_the_sum_of_its_parts(built):
    census = _raw(need_build.CENSUS_FILE)
    icb = _raw(need_build.LSOA21_ICB_FILE)
    lsoas = icb[icb["icb24_code"] == "E54000022"]["lsoa21_code"]
    from_lsoas = int(census[census["lsoa21_code"].isin(lsoas)]["usual_residents"].sum())
    parts = _built("lad_icb_population.parquet")
    assert int(parts[parts["icb_code"] == "E54000022"]["pop21_total"].sum()) == from_lsoas
    icb_need = _built("icb_need.parquet").set_index("icb_code")
    assert icb_need.loc["E54000022", "pop21_total"] == from_lsoas
    assert from_lsoas > 1_000_000


def test_apportioning_to_icbs_and_regions_keeps_england_totals(built):
    lad, icb, region = (_built(f"{n}_need.parquet") for n in ("lad", "icb", "region"))
    for column in ("dem_register", "dem_list", "dep_register", "ast_list", "pop21_total", "pop21_65_plus"):
        assert icb[column].sum() == pytest.approx(lad[column].sum(), rel=1e-9), column
        assert region[column].sum() == pytest.approx(lad[column].sum(), rel=1e-9), column
    england_lonely = (lad["loneliness_pct"] * lad["pop21_total"]).sum() / lad["pop21_total"].sum()
    assert (icb["loneliness_pct"] * icb["pop21_total"]).sum() / icb["pop21_total"].sum() == \
        pytest.approx(england_lonely)


def test_need_tables_are_complete_with_fractions_and_percentages_in_range(built):
    for name in ("lad_need.parquet", "icb_need.parquet", "region_need.parquet"):
        table = _built(name)
        assert not table.isna().any().any(), name
        for code in need_build.QOF_CODES:
            assert table[f"{code.lower()}_prevalence"].between(0, 1).all(), (name, code)
        assert table["share_65_plus"].between(0, 1).all()
        assert table["loneliness_pct"].between(10, 50).all()  # a percent, not a fraction
        assert table[["idaci_score", "idaopi_score"]].stack().between(0, 1).all()


def test_build_summary_reports_the_merged_districts_and_no_unmatched_codes(built):
    stamp = json.loads((paths.build_dir() / paths.STAMP_NAME).read_text())
    summary = stamp["need"]["summary"]
    assert summary["unmatched_codes"] == []
    assert summary["lads"] == 296 and summary["icbs"] == 42 and summary["regions"] == 7
    assert summary["england_population"] == 56_489_608
    assert summary["merged_2020_districts"] == sum(len(p) for p in PREDECESSORS.values()) == 24
    merged = {key.split()[0]: sorted(v.split()[0] for v in values) for key, values in summary["merged_into"].items()}
    assert merged == {code: sorted(p) for code, p in PREDECESSORS.items()}
