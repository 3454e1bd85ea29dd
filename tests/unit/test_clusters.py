"""Practitioner clusters: known answers on hand-placed points, suppression, and re-identification."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ecology import schema
from ecology.analysis import clusters
from ecology.places import geography

KM_LAT = clusters.KM_PER_DEGREE  # km per degree of latitude


def _north(lat: float, km: float) -> float:
    return lat + km / KM_LAT


def test_two_groups_50_km_apart_and_an_outlier():
    lat0, lon0 = 53.0, -1.5
    group_a = [(lat0, lon0), (_north(lat0, 2), lon0), (_north(lat0, 4), lon0)]
    group_b = [(_north(lat0, 50), lon0), (_north(lat0, 52), lon0)]
    outlier = [(_north(lat0, 120), lon0)]
    points = group_a + group_b + outlier
    lat, lon = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    weight = np.array([4, 4, 4, 6, 6, 1])
    labels = clusters.dbscan(lat, lon, weight, radius_km=5, min_size=5)
    assert labels.tolist() == [1, 1, 1, 2, 2, -1]  # the 12-strong group is cluster 1
    # With a 60 km radius the two groups join; the outlier, 68 km on, still stays out.
    assert clusters.dbscan(lat, lon, weight, radius_km=60, min_size=5).tolist() == [1, 1, 1, 1, 1, -1]


def test_the_radius_boundary_is_inclusive():
    lat0 = 52.0
    lat = np.array([lat0, _north(lat0, 10.0)])
    weight = np.array([3, 3])
    assert clusters.dbscan(lat, np.zeros(2), weight, radius_km=10.0, min_size=6).tolist() == [1, 1]
    assert clusters.dbscan(lat, np.zeros(2), weight, radius_km=9.99, min_size=6).tolist() == [-1, -1]


def test_east_west_neighbours_are_found_at_any_latitude_in_england():
    for lat0 in (50.0, 55.5):
        east = 10 / (KM_LAT * math.cos(math.radians(lat0)))  # 10 km east
        labels = clusters.dbscan(np.array([lat0, lat0]), np.array([0.0, east]), np.array([3, 3]), 10.05, 6)
        assert labels.tolist() == [1, 1]


def test_labels_do_not_depend_on_input_order():
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(51, 54, 300), rng.uniform(-3, 0, 300)
    weight = rng.integers(1, 4, 300)
    order = rng.permutation(300)
    first = clusters.dbscan(lat, lon, weight, 15, 12)
    second = clusters.dbscan(lat[order], lon[order], weight[order], 15, 12)
    assert (first[order] == second).all()


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
