"""The arts build: ACE investment and grants placed on 2024 districts, the health keyword rule,
cinemas as English venues (also offered to an older register), and the PCN tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecology import paths, schema
from ecology.register import startup, store
from ecology.sources import arts_build, build, catalogue

# ---------------------------------------------------------------- without the build


@pytest.mark.parametrize("text, pounds", [
    ("£217,000", 217000.0), ("£0", 0.0), ("£1,506,375", 1506375.0), (" £40,000 ", 40000.0),
    ("-£1,000", -1000.0), ("(£2,500)", -2500.0), ("£99.50", 99.5), (14400, 14400.0),
])
def test_pounds_text_is_parsed_to_a_float(text, pounds):
    assert arts_build.parse_pounds(text) == pounds


@pytest.mark.parametrize("blank", ["", "  ", "-", None, float("nan")])
def test_a_blank_amount_is_missing_not_zero(blank):
    assert math.isnan(arts_build.parse_pounds(blank))


def test_text_that_is_not_money_is_refused():
    with pytest.raises(ValueError, match="not an amount"):
        arts_build.parse_pounds("about £5k")


def _hand_made_matcher() -> arts_build.NameMatcher:
    current = pd.DataFrame({"name": ["Bristol, City of", "Kingston upon Hull, City of", "Cumberland", "St. Helens",
                                     "Brighton and Hove", "Newcastle-under-Lyme", "Somerset"],
                            "lad_code": ["E06000023", "E06000010", "E06000063", "E08000013", "E06000043",
                                         "E07000195", "E06000066"]})
    old = pd.DataFrame({"name": ["Allerdale", "Somerset West and Taunton"], "lad_code": ["E06000063", "E06000066"]})
    return arts_build.NameMatcher(current, old, ["Cardiff", "Overseas"], {"Taunton Deane": "Somerset"})


@pytest.mark.parametrize("name, code, how", [
    ("Bristol, City of", "E06000023", "exact"), ("Bristol", "E06000023", "exact"),
    ("City of Bristol", "E06000023", "exact"), ("BRISTOL, CITY OF", "E06000023", "exact"),
    ("Kingston upon Hull", "E06000010", "exact"), ("St Helens", "E08000013", "exact"),
    ("Brighton & Hove", "E06000043", "exact"), ("Newcastle under Lyme", "E07000195", "exact"),
    ("Allerdale", "E06000063", "old district"), ("Somerset West and Taunton", "E06000066", "old district"),
    ("Taunton Deane", "E06000066", "alias"), ("Cardiff", None, "outside England"),
    ("Overseas", None, "outside England"), ("Bristoll", None, "unmatched"), ("", None, "not given"),
])
def test_hand_made_names_match_their_district_and_say_how(name, code, how):
    result = _hand_made_matcher().match(pd.Series([name])).iloc[0]
    assert (None if pd.isna(result["lad_code"]) else result["lad_code"], result["match"]) == (code, how)


def test_a_name_given_two_codes_in_one_tier_is_refused():
    current = pd.DataFrame({"name": ["Bristol, City of", "City of Bristol"], "lad_code": ["E06000023", "E06000099"]})
    with pytest.raises(ValueError, match="names two districts"):
        arts_build.NameMatcher(current, current.iloc[0:0], [])


def test_an_alias_to_a_name_that_is_not_current_is_refused():
    with pytest.raises(ValueError, match="not a current district"):
        arts_build.NameMatcher(pd.DataFrame({"name": ["Somerset"], "lad_code": ["E06000066"]}),
                               pd.DataFrame(columns=["name", "lad_code"]), [], {"Wycombe": "Buckinghamshire"})


@pytest.mark.parametrize("title, terms", [
    ("Poetry for Wellbeing", "wellbeing"), ("Music and Arts for Well-being", "wellbeing"),
    ("Hip Hop and Well being", "wellbeing"), ("Hospitality training for venues", ""),
    ("The Singing Hospital", "hospital"), ("Reframing Dementia through Theatre", "dementia"),
    ("STRING THEORY MENTAL HEALTH PROJECT", "mental health|health"), ("Sexual Health Circus", "health"),
    ("Residential Care Homes Tour", "care home"), ("NHS 70", "NHS"), ('"Following Patient 36"', "patient"),
    ("The Recovery Mob", "recovery"), ("Recovering Misogynist Finish & Showcase", ""),
    ("Oram Awards", ""), ("Palace Drum Clinic Audience Development", ""), ("Performing Care: a showcase", ""),
    ("Backstroke R&D", ""), ("Heallreaf 3", ""), ("Arts on Prescription - Cambridgeshire Adults", "social prescribing"),
    ("Dancing with Parkinson’s", "condition"), ("Ashgate Hospicecare Artists in Residence", "hospice"),
    ("", ""),
])
def test_the_health_keyword_rule_finds_health_words_only(title, terms):
    assert arts_build.health_terms(pd.Series([title])).iloc[0] == terms


# ---------------------------------------------------------------- with the build


@pytest.fixture(scope="module")
def tables(built) -> dict[str, pd.DataFrame]:
    return {name.removesuffix(".parquet"): pd.read_parquet(paths.build_dir() / name) for name in arts_build.OUTPUTS}


@pytest.fixture(scope="module")
def real_matcher(built) -> arts_build.NameMatcher:
    target = next(t for t in build.TARGETS if t.name == "arts")
    manifest = {d.id: d for d in catalogue.load_manifest()}
    files = catalogue.locate_all([manifest[i] for i in target.dataset_ids])
    return arts_build.matcher_from_files(files, pd.read_parquet(paths.build_dir() / "lads.parquet"))


@pytest.mark.parametrize("name, code", [
    ("Bristol, City of", "E06000023"), ("Kingston upon Hull", "E06000010"), ("Herefordshire", "E06000019"),
    ("Allerdale", "E06000063"), ("Daventry", "E06000062"), ("Harrogate", "E06000065"),
    ("Taunton Deane", "E06000066"), ("Somerset West and Taunton", "E06000066"), ("St. Helens", "E08000013"),
    ("Wycombe", "E06000060"), ("Waveney", "E07000244"),
])
def test_old_and_variant_names_reach_their_2024_district(real_matcher, name, code):
    assert real_matcher.match(pd.Series([name])).iloc[0]["lad_code"] == code


def test_every_english_ace_name_is_matched(built):
    summary = build._read_stamp(paths.build_dir())["arts"]["summary"]
    assert summary["investment_unmatched"] == {}
    assert summary["grants_unmatched"] == {}


def test_no_ace_row_is_left_unmatched_or_silently_placed(tables):
    for table in (tables["ace_investment"], tables["ace_grants"]):
        assert set(table["match"]) <= {"exact", "old district", "alias", "outside England", "not given"}
        assert table["lad_code"].isna().eq(table["match"].isin(["outside England", "not given"])).all()
    wales = tables["ace_investment"][tables["ace_investment"]["la_name_source"].isin(["Cardiff", "Powys", "Swansea"])]
    assert len(wales) == 5 and set(wales["match"]) == {"outside England"}


def test_investment_has_990_organisations_and_about_446m_a_year(tables):
    investment = tables["ace_investment"]
    total = investment["funding_2023_26"].sum()
    print(f"2023-26 annual funding offered: £{total:,.0f}")
    assert len(investment) == 990
    assert investment["org_type"].value_counts().to_dict() == {"NPO": 932, "IPSO": 34, "Transfer": 24}
    assert total == pytest.approx(446.3e6, abs=0.05e6)
    assert investment.loc[investment["name"] == "1927", "funding_2018_22"].item() == 217000.0
    assert investment["lucp"].sum() == 192 and investment["priority_place"].sum() == 161


def test_grants_have_9289_awards_with_amounts_and_86_health_related(tables):
    grants = tables["ace_grants"]
    assert len(grants) == 9289
    assert grants["financial_year"].value_counts().to_dict() == {"2019-20": 4535, "2018-19": 4079, "2020-21": 675}
    assert grants["amount"].notna().all() and (grants["amount"] >= 0).all()
    assert grants["health_related"].sum() == 86
    assert (grants["health_terms"] != "").eq(grants["health_related"]).all()


def test_cinemas_are_english_venues_in_the_asset_schema(tables):
    cinemas = tables["cinemas"]
    print(f"cinemas in England: {len(cinemas)}")
    assert len(cinemas) == 667
    assert list(cinemas.columns) == list(schema.ASSET_COLUMNS)
    assert schema.validate(cinemas) == []
    assert cinemas["asset_id"].str.startswith("cinema:").all()
    assert (cinemas["activities"] == "|film_digital|").all() and (cinemas["kind"] == "venue").all()
    assert cinemas["lad_code"].str.startswith("E").all() and cinemas["icb_code"].notna().all()
    assert not cinemas["is_sample"].any()
    assert set(cinemas["attribution"]) == {"© OpenStreetMap contributors"}
    # Near the border, the assigner's coastal snap alone would have placed these in England.
    welsh = (cinemas["name"] == "Richard Booth's Bookshop Cinema") | (cinemas["address"] == "Broughton")
    assert not welsh.any()
    assert {"Cineworld Crawley", "Barbican Centre (Cinema)"} <= set(cinemas["name"])


def test_the_asset_table_holds_the_same_cinemas(tables):
    assets = pd.read_parquet(paths.build_dir() / "assets.parquet")
    in_assets = assets[assets["asset_id"].str.startswith("cinema:")]
    assert sorted(in_assets["asset_id"]) == sorted(tables["cinemas"]["asset_id"])


def test_an_older_register_is_offered_the_cinemas_once(built, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    records = startup.seed_records()
    older = records["assets"][~records["assets"]["asset_id"].str.startswith("cinema:")]
    first = store.Store.open(url)
    first.seed({"assets": older, "practitioners": records["practitioners"]})
    first.engine.dispose()
    opened = startup.open_register(url)
    ids = opened.records("assets")["asset_id"]
    assert ids.str.startswith("cinema:").sum() == 667
    assert len(ids) == len(records["assets"])
    seeds = opened.history(kind="assets")
    assert list(seeds["action"]) == ["seed"] and seeds.iloc[0]["after"] == {"assets": 667}
    opened.engine.dispose()
    again = startup.open_register(url)
    assert len(again.history(kind="assets")) == 1  # nothing offered twice
    again.engine.dispose()


def test_pcn_tables_cover_every_practice_and_locate_nearly_all(tables):
    practices, pcns = tables["pcn_practices"], tables["pcns"]
    print(f"practices without a location: {practices['latitude'].isna().sum()}")
    assert len(practices) == 6267 and practices["practice_code"].is_unique
    assert practices["icb_code"].str.startswith("E54").all() and practices["icb_code"].nunique() == 42
    assert practices["latitude"].isna().sum() <= 5
    assert practices["pcn_code"].isna().sum() == 54  # "Unallocated" in the file
    assert len(pcns) == 1275 and pcns["pcn_code"].is_unique
    assert pcns["practices"].sum() == 6267 - 54
    assert (pcns["located_practices"] <= pcns["practices"]).all()
