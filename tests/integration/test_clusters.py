"""Practitioner clusters on the real build: profiles and the size floor."""

from __future__ import annotations
import pandas as pd
import pytest
from ecology import schema
from ecology.analysis import clusters
from ecology.places import geography


def _practitioners(rows: list[dict]) -> pd.DataFrame:
    return schema.conform(pd.DataFrame(rows), schema.PRACTITIONER_COLUMNS)


@pytest.fixture(scope="module")
def tree(built) -> geography.PlaceTree:
    return geography.PlaceTree.from_table(geography.place_table())


def test_profiles_count_shares_over_those_who_answered(tree):
    base = {"postcode_district": "M14", "latitude": 53.45, "longitude": -2.22, "lad_code": "E08000003",
            "icb_code": "E54000057", "disciplines": "|music|"}
    rows = ([{**base, "trained_safeguarding": True, "disabled": None} for _ in range(6)]
            + [{**base, "trained_safeguarding": False, "disabled": False, "disciplines": "|dance|music|"}
               for _ in range(6)])
    people = _practitioners(rows)
    result = clusters.cluster(people, radius_km=5, min_size=5)
    raw = clusters.profiles(people, result, tree)
    assert raw[["size", "trained_safeguarding_yes", "trained_safeguarding_answered", "disabled_answered"]
               ].values.tolist() == [[12, 6, 12, 6]]
    table = clusters.profile_table(raw)
    assert table.loc[0, "Safeguarding training"] == "about 50%"
    assert table.loc[0, "Disabled (self-identified)"] == "fewer than 5"  # 0 yes of 6 answered: not shown
    # Music: all 12 (the other side is 0, under 5, so no exact share); dance 6 of 12.
    assert table.loc[0, "Disciplines"] == "Music (all but fewer than 5), Dance about 50%"
    assert table.loc[0, "Practitioners"] == "10"  # 12, rounded to the nearest 5
    assert table.loc[0, "Local authorities"] == "Manchester"


def test_min_size_below_5_is_raised_so_no_cluster_points_at_fewer_than_5(tree):
    base = {"postcode_district": "BD1", "latitude": 53.79, "longitude": -1.75, "lad_code": "E08000032",
            "icb_code": "E54000054"}
    people = _practitioners([base] * 3)
    result = clusters.cluster(people, radius_km=20, min_size=2)
    assert result.min_size == 5 and result.count == 0
    isolated = clusters.isolated_by_area(people, result, tree)
    assert isolated[["Local authority", "Outside any cluster", "Practitioners"]].values.tolist() == [
        ["Bradford", "fewer than 5", "fewer than 5"]]
    assert list(isolated.columns) == ["Local authority", "ICB", "Outside any cluster", "Practitioners", "lad_code"]
