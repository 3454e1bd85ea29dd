"""Primary Care Networks (ecology.analysis.pcn): finding one by name or code, and assets near its practices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecology import paths
from ecology.analysis import filters, pcn

PCNS = pd.DataFrame({"pcn_code": ["U12345", "U23456", "U34567", "U45678"],
                     "pcn_name": ["Bradford City 4 PCN", "North Bradford PCN", "Leeds Central PCN",
                                  "Bradford On Avon & Melksham PCN"]})
# Two practices of U12345 about 11 km apart (0.1 degree of latitude); one of U23456 with no location.
PRACTICES = pd.DataFrame({
    "practice_code": ["B1", "B2", "N1", "L1"],
    "pcn_code": ["U12345", "U12345", "U23456", "U34567"],
    "latitude": [53.80, 53.90, np.nan, 53.80],
    "longitude": [-1.75, -1.75, np.nan, -1.55],
})


def _assets(*points: tuple[float, float]) -> pd.DataFrame:
    lat, lon = zip(*points)
    return pd.DataFrame({"asset_id": [f"a:{i}" for i in range(len(points))], "latitude": lat, "longitude": lon})


def test_a_pcn_is_found_by_part_of_its_name_in_any_case():
    assert list(pcn.find_pcns(PCNS, "bradford")["pcn_code"]) == ["U12345", "U45678", "U23456"]
    assert list(pcn.find_pcns(PCNS, "LEEDS")["pcn_code"]) == ["U34567"]


def test_every_word_must_match_and_names_starting_with_the_text_come_first():
    assert list(pcn.find_pcns(PCNS, "bradford city")["pcn_code"]) == ["U12345"]
    assert list(pcn.find_pcns(PCNS, "north bradford")["pcn_code"]) == ["U23456"]
    assert pcn.find_pcns(PCNS, "bradford york").empty


def test_a_pcn_is_found_by_its_code_exact_match_first():
    assert list(pcn.find_pcns(PCNS, "u34567")["pcn_code"]) == ["U34567"]
    assert list(pcn.find_pcns(PCNS, "4567")["pcn_code"]) == ["U45678", "U34567"]  # codes containing it


def test_blank_text_finds_nothing():
    assert pcn.find_pcns(PCNS, "   ").empty


def test_near_a_pcn_means_near_any_of_its_practices():
    assets = _assets((53.80, -1.75),  # at practice B1
                     (53.905, -1.75),  # 0.56 km from B2, 11.7 km from B1
                     (53.85, -1.75),  # 5.6 km from both
                     (53.80, -1.55),  # at Leeds, 13 km from B1
                     (np.nan, np.nan))  # no location
    assert list(pcn.near_pcn(assets, PRACTICES, "U12345", 1.0)) == [True, True, False, False, False]
    assert list(pcn.near_pcn(assets, PRACTICES, "U12345", 6.0)) == [True, True, True, False, False]
    assert list(pcn.near_pcn(assets, PRACTICES, "U34567", 1.0)) == [False, False, False, True, False]


def test_a_pcn_without_located_practices_is_near_nothing_and_an_unknown_one_is_an_error():
    assets = _assets((53.80, -1.75))
    assert not pcn.near_pcn(assets, PRACTICES, "U23456", 50).any()
    with pytest.raises(KeyError, match="U99999"):
        pcn.near_pcn(assets, PRACTICES, "U99999", 5)


@pytest.mark.parametrize("centre_lat", [50.0, 54.0, 60.5])
def test_near_pcn_agrees_with_brute_force_distances(centre_lat):
    rng = np.random.default_rng(7)
    practices = pd.DataFrame({"pcn_code": "U1", "latitude": centre_lat + rng.uniform(-0.05, 0.05, 4),
                              "longitude": -2 + rng.uniform(-0.05, 0.05, 4)})
    assets = _assets(*zip(centre_lat + rng.uniform(-0.3, 0.3, 3000), -2 + rng.uniform(-0.6, 0.6, 3000)))
    brute = np.zeros(len(assets), dtype=bool)
    for lat, lon in zip(practices["latitude"], practices["longitude"]):
        brute |= filters.distance_km(assets["latitude"], assets["longitude"], lat, lon) <= 8
    assert brute.sum() > 100
    assert (pcn.near_pcn(assets, practices, "U1", 8) == brute).all()


def test_counts_by_pcn_counts_each_pcns_nearby_assets():
    assets = _assets((53.80, -1.75), (53.905, -1.75), (53.80, -1.56), (53.80, -1.65))
    counts = pcn.counts_by_pcn(assets, PRACTICES, 7.0).set_index("pcn_code")
    # The asset at -1.65 is 6.6 km from both B1 and L1, so it counts for both PCNs.
    assert counts.loc["U12345"].tolist() == [2, 3]
    assert counts.loc["U34567"].tolist() == [1, 2]
    assert counts.loc["U23456"].tolist() == [0, 0]


def test_a_real_pcn_is_found_by_part_of_its_name_and_has_assets_nearby(built):
    pcns = pd.read_parquet(paths.build_dir() / "pcns.parquet")
    practices = pd.read_parquet(paths.build_dir() / "pcn_practices.parquet")
    found = pcn.find_pcns(pcns, "walthamstow west")
    assert list(found["pcn_name"]) == ["Waltham Forest Walthamstow West PCN"]
    code = found["pcn_code"].iloc[0]
    assets = pd.read_parquet(paths.build_dir() / "assets.parquet")
    real = assets[~assets["is_sample"]].reset_index(drop=True)
    near = pcn.near_pcn(real, practices, code, 2.0)
    assert "William Morris Gallery" in set(real.loc[near, "name"])
    counted = pcn.counts_by_pcn(real, practices, 2.0).set_index("pcn_code").loc[code, "assets"]
    assert counted == near.sum()


def test_the_asset_filter_keeps_assets_near_any_practice_of_a_pcn_and_says_so():
    from ecology.places import geography

    tree = geography.PlaceTree.from_table(pd.DataFrame({
        "code": ["E92000001"], "name": ["England"], "label": ["England"], "level": ["england"],
        "parent_code": [None], "region_code": [None], "icb_code": [None], "short_name": ["England"]}))
    # U12345's practices sit at 53.80 and 53.90 (longitude -1.75); 0.02 degrees is about 2.2 km.
    assets = pd.DataFrame({"latitude": [53.82, 53.92, 53.60], "longitude": [-1.75, -1.75, -1.75]})
    points = pcn.practice_points(PRACTICES, "U12345")
    chosen = filters.AssetFilter(near_points=points, within_km=3, near_points_label="the practices of P1")
    assert filters.mask(assets, tree, chosen).tolist() == [True, True, False]
    assert "within 3 km of the practices of P1" in filters.describe(chosen, tree)


def test_the_assets_command_filters_by_pcn_and_refuses_an_ambiguous_name(built, capsys):
    from ecology.cli.main import main

    assert main(["assets", "--pcn", "walthamstow west", "--within-km", "2"]) == 0
    listed = capsys.readouterr().out
    assert "William Morris Gallery" in listed
    assert main(["assets", "--pcn", "bradford"]) == 2
    assert "Primary Care Networks match 'bradford'" in capsys.readouterr().err
    assert main(["assets", "--place", "Bradford", "--per-pcn", "--within-km", "2"]) == 0
    per_pcn = capsys.readouterr().out.splitlines()
    assert per_pcn[0].startswith("PCN code,PCN,ICB code") and len(per_pcn) > 1000
