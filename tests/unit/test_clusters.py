"""Practitioner clusters: known answers on hand-placed points, suppression, and re-identification."""

from __future__ import annotations

import math

import numpy as np

from ecology.analysis import clusters

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


