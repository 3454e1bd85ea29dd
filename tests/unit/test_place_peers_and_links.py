"""Pure parts of the place profile and the links: nearest peers, need text, view links (no data build)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from ecology import links
from ecology.analysis import need
from ecology.analysis.place_profile import Figure, nearest_peers, need_text


def _areas(rows):
    return pd.DataFrame(rows, columns=["area_code", "need", "pop21_total"])


def test_nearest_peers_are_the_closest_on_standardised_need_and_log_residents():
    # By hand: need has mean 16.2 and standard deviation 7.86; log10 residents mean 5.295, sd 0.398.
    # From A: C is 1/7.86 = 0.13 away; E is sqrt((10/7.86)^2 + (0.477/0.398)^2) = 1.75; B (ten times
    # the residents, same need) is 1/0.398 = 2.51; D (need 30) is 20/7.86 = 2.54.
    table = _areas([("A", 10.0, 100_000), ("B", 10.0, 1_000_000), ("C", 11.0, 100_000), ("D", 30.0, 100_000),
                    ("E", 20.0, 300_000)])
    assert nearest_peers(table, "A", k=4) == ["C", "E", "B", "D"]


def test_nearest_peers_leave_out_the_place_and_areas_without_need():
    table = _areas([("A", 1.0, 10), ("B", np.nan, 10), ("C", 2.0, 10), ("D", 3.0, 10)])
    peers = nearest_peers(table, "A", k=5)
    assert peers == ["C", "D"]


def test_nearest_peers_of_an_unknown_place_are_none():
    assert nearest_peers(_areas([("A", 1.0, 10), ("B", 2.0, 20)]), "Z") == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.integers(1, 10_000_000)), min_size=2, max_size=30))
def test_nearest_peers_are_ordered_by_distance_and_never_repeat(rows):
    table = _areas([(f"X{i}", n, p) for i, (n, p) in enumerate(rows)])
    peers = nearest_peers(table, "X0", k=5)
    assert len(peers) == len(set(peers)) == min(5, len(rows) - 1)
    assert "X0" not in peers


def test_need_text_shows_a_prevalence_in_percent_and_a_two_indicator_need_as_a_percentile():
    assert need_text(need.measure_for("dementia"), 0.7439) == "0.74%"
    assert need_text(need.measure_for(None), 27.94) == "27.9"
    assert need_text(need.measure_for("mental_health"), 68.75) == "69 (mean percentile)"
    assert need_text(need.measure_for("dementia"), float("nan")) == "no data"


def test_a_figure_holds_a_plain_float_or_none():
    assert Figure("k", "K", "1", "v", number=np.float64(2.5)).number == 2.5
    assert type(Figure("k", "K", "1", "v", number=np.int64(3)).number) is float
    assert Figure("k", "K", "1", "v", number=float("nan")).number is None


def test_view_params_leave_out_the_defaults_and_carry_page_settings():
    assert links.view_params("England", "All themes") == {}
    assert links.view_params("Bradford", "Dementia", {"level": "Integrated care boards (42)", "radius": 15,
                                                      "empty": ""}) == {
        "place": "Bradford", "theme": "Dementia", "level": "Integrated care boards (42)", "radius": "15"}


def test_a_view_url_round_trips_labels_with_commas_brackets_and_ampersands():
    place = "Bristol, City of"
    level = "Integrated care boards (42)"
    url = links.view_url("http://example.org:8501/", "Coverage_gaps",
                         links.view_params(place, "Arts & crafts", {"level": level}))
    parts = urlsplit(url)
    assert parts.path == "/Coverage_gaps"
    assert parse_qs(parts.query) == {"place": [place], "theme": ["Arts & crafts"], "level": [level]}
    assert links.view_url("http://h", "", {}) == "http://h/"
