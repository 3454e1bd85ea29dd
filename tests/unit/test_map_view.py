"""Where a map drawn in place looks (ecology/maps/leaflet.view_of): the place fits, one zoom closer it would not."""

from __future__ import annotations

import math

from hypothesis import given, strategies as st

from ecology.maps import leaflet

WIDTH, HEIGHT = 700, 480


def _pixels(bounds, zoom):
    (south, west), (north, east) = bounds
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    world = 256 * 2 ** zoom
    return (east - west) / 360 * world, (y(north) - y(south)) / (2 * math.pi) * world


def test_england_is_seen_whole_at_zoom_6_from_its_middle():
    view = leaflet.view_of(None, width_px=WIDTH, height_px=HEIGHT)
    assert view.zoom == 6
    assert 52.0 < view.center[0] < 54.0 and -3.0 < view.center[1] < -1.5


def test_a_city_is_seen_closer_than_a_region():
    manchester = [[53.34, -2.32], [53.54, -2.15]]
    north_west = [[52.9, -3.6], [55.2, -2.0]]
    assert leaflet.view_of(manchester).zoom > leaflet.view_of(north_west).zoom > leaflet.view_of(None).zoom


def test_a_point_is_not_zoomed_past_street_level():
    assert leaflet.view_of([[53.0, -2.0], [53.0, -2.0]]).zoom == 13


@given(st.floats(49.9, 55.5), st.floats(-6.0, 1.5), st.floats(0.001, 4.0), st.floats(0.001, 6.0))
def test_the_place_fits_at_the_zoom_chosen_and_not_one_closer(south, west, tall, wide):
    bounds = [[south, west], [min(south + tall, 55.9), min(west + wide, 1.9)]]
    view = leaflet.view_of(bounds, width_px=WIDTH, height_px=HEIGHT)
    (s, w), (n, e) = bounds
    assert s <= view.center[0] <= n and w <= view.center[1] <= e
    x, y = _pixels(bounds, view.zoom)
    assert view.zoom == 4 or (x <= WIDTH and y <= HEIGHT)
    if 4 < view.zoom < 13:
        x, y = _pixels(bounds, view.zoom + 1)
        assert x > 0.95 * WIDTH or y > 0.95 * HEIGHT  # the margin view_of leaves
