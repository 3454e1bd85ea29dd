"""Chart builders (ecology.reports.charts): what each plotly figure draws, on small hand-made tables."""

from __future__ import annotations

import datetime as dt
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecology.analysis import maturity
from ecology.reports import charts
from ecology.maps.leaflet import HIGHLIGHT, OKABE_ITO

ORDER = [maturity.criterion_label(c) for c in maturity.criterion_ids()]
SERIES = ["NHS Test ICB", maturity.MEDIAN_SERIES]
COLOURS = [OKABE_ITO[4], OKABE_ITO[-1]]


def _profile(gap: str) -> pd.DataFrame:
    """Return a profile (as ``maturity.profile`` gives) for one ICS and the median, ``gap`` not assessed
    by the ICS; rows given in reverse framework order to show the chart puts them back."""
    rows = []
    for name, base in zip(SERIES, (1.0, 2.0)):
        for index, criterion in enumerate(ORDER):
            stage = np.nan if (name == SERIES[0] and criterion == gap) else float((base + index) % 4 + 1)
            rows.append({"Criterion": criterion, "Series": name, "Stage": stage})
    return pd.DataFrame(rows[::-1])


def test_bars_keep_every_criterion_in_framework_order_and_draw_no_bar_where_not_assessed():
    gap = ORDER[3]
    fig = charts.maturity_bars(_profile(gap), SERIES, COLOURS)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == SERIES and [t.marker.color for t in fig.data] == COLOURS
    assert all(t.orientation == "h" for t in fig.data) and fig.layout.barmode == "group"
    assert list(fig.layout.yaxis.categoryarray) == ORDER
    ics = fig.data[0]
    assert list(ics.y) == ORDER  # the criterion not assessed is on the axis...
    stage = dict(zip(ics.y, ics.x))
    assert stage[gap] is None  # ...with no bar (not a zero)
    assert stage[ORDER[0]] == 2.0 and list(fig.data[1].x)[0] == 3.0
    assert tuple(fig.layout.xaxis.range) == (0, 4) and list(fig.layout.xaxis.tickvals) == [0, 1, 2, 3, 4]
    assert fig.layout.xaxis.title.text == "Stage"
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y == 0  # under the plot


def test_bars_show_all_ten_criteria_even_when_the_profile_lacks_some():
    profile = _profile(ORDER[0])
    fig = charts.maturity_bars(profile[profile["Criterion"] != ORDER[-1]], SERIES, COLOURS)
    assert list(fig.data[0].y) == ORDER and fig.data[0].x[-1] is None


def test_radar_has_a_closed_line_per_series_with_gaps_and_the_first_filled_on_top():
    gap = ORDER[5]
    fig = charts.maturity_radar(_profile(gap), SERIES, COLOURS)
    assert len(fig.data) == len(SERIES) and all(t.type == "scatterpolar" for t in fig.data)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == set(SERIES)
    ics = by_name[SERIES[0]]
    assert list(ics.theta) == [*ORDER, ORDER[0]] and ics.r[0] == ics.r[-1]  # closed
    assert dict(zip(ics.theta, ics.r))[gap] is None and ics.connectgaps is False
    assert ics.fill == "toself" and by_name[SERIES[1]].fill in (None, "none")
    assert fig.data[-1].name == SERIES[0]  # drawn last, so on top
    assert fig.layout.legend.traceorder == "reversed"  # while the legend still lists it first
    assert tuple(fig.layout.polar.radialaxis.range) == (0, 4)


def test_history_draws_one_line_per_criterion_over_dates_with_withdrawn_scores_as_gaps():
    history = pd.DataFrame({
        "Date": [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 6, 1), dt.date(2025, 6, 1)],
        "Criterion": [ORDER[2], ORDER[0], ORDER[2], ORDER[0]],
        "Stage": pd.array([3.0, 2.0, 1.0, None], dtype="Float64"),
        "Kind": ["baseline", "baseline", "self-assessment", "self-assessment"],
        "By": ["baseline", "baseline", "alice", "alice"],
        "Change": ["first", "first", "fall", "withdrawn"]})
    fig = charts.maturity_history(history)
    assert [t.name for t in fig.data] == [ORDER[0], ORDER[2]]  # one trace per criterion, framework order
    assert all(t.mode == "lines+markers" for t in fig.data)
    first, third = fig.data
    assert list(third.y) == [3.0, 1.0] and list(first.y) == [2.0, None]
    assert pd.Timestamp(third.x[1]) == pd.Timestamp("2025-06-01")
    assert first.line.color != third.line.color
    assert tuple(fig.layout.yaxis.range) == (-0.2, 4.2) and list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3, 4]
    # The hover: stage, kind, by whom, change.
    assert list(third.customdata[1]) == [maturity.stage_label(1), "self-assessment", "alice", "fall"]


AREAS = pd.DataFrame({"area_code": ["A", "B", "C", "D"], "area": ["Ashby", "Brill", "Crewe", "Dent"],
                      "money": [0.0, 2.5, 40.0, 8.0], "need": [0.9, 0.4, 0.7, 1.2],
                      "priority": [True, False, False, True]})


def _markers(fig: go.Figure) -> dict[str, tuple[float, str | None]]:
    """Return {area name: (marker size, outline colour)} across a scatter's traces."""
    out = {}
    for trace in fig.data:
        for custom in trace.customdata:
            out[custom[0]] = (trace.marker.size, trace.marker.line.color)
    return out


def test_scatter_draws_every_area_the_highlighted_one_larger_outlined_and_named():
    fig = charts.need_provision_scatter(AREAS, x="money", y="need", x_title="£ per head", y_title="Need",
                                        highlight="C", colour_by="priority",
                                        colour_names={True: "Priority", False: "Other"})
    markers = _markers(fig)
    assert set(markers) == {"Ashby", "Brill", "Crewe", "Dent"}  # one point per area
    assert all(markers["Crewe"][0] > size for name, (size, _) in markers.items() if name != "Crewe")
    assert markers["Crewe"][1] == HIGHLIGHT
    assert fig.data[-1].customdata[0][0] == "Crewe"  # drawn last: on top
    assert [a.text for a in fig.layout.annotations] == ["<b>Crewe</b>"]
    assert (fig.layout.annotations[0].x, fig.layout.annotations[0].y) == (40.0, 0.7)
    legend = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in legend] == ["Priority", "Other"] and legend[0].marker.color != legend[1].marker.color
    # The chosen area keeps the colour of its group.
    assert fig.data[-1].marker.color == legend[1].marker.color
    # The hover names the area and gives both values.
    crewe = fig.data[-1]
    assert list(crewe.customdata[0]) == ["Crewe", "40", "0.7"]
    assert "£ per head" in crewe.hovertemplate and "Need" in crewe.hovertemplate


def test_scatter_on_a_log_axis_draws_zero_at_the_floor_but_hovers_the_real_value():
    fig = charts.need_provision_scatter(AREAS, x="money", y="need", x_title="£ per head", y_title="Need",
                                        highlight=None, log_x=True)
    assert fig.layout.xaxis.type == "log" and "log scale" in fig.layout.xaxis.title.text
    assert len(fig.data) == 1 and not fig.layout.annotations
    (trace,) = fig.data
    at = {c[0]: (x, c[1]) for x, c in zip(trace.x, trace.customdata)}
    assert charts.log_floor(AREAS["money"]) == 1.0
    assert at["Ashby"] == (1.0, "0") and at["Brill"] == (2.5, "2.5")
    assert charts.log_floor(pd.Series([0.0, 0.22, 5.0])) == 0.1
    assert charts.log_floor(pd.Series([0.0, 0.1])) == 0.01  # strictly below the smallest


def test_comparison_bars_mark_one_row_strong_the_rest_grey_with_values_printed():
    frame = pd.DataFrame({"place": ["Bradford", "Leeds", "England"], "rate": [12.5, 1234.4, 20.0]})
    fig = charts.comparison_bars(frame, value="rate", label="place", title="Assets per 100,000", marked="Leeds",
                                 unit=" per 100k")
    (bars,) = fig.data
    assert list(bars.y) == ["Bradford", "Leeds", "England"] and list(bars.x) == [12.5, 1234.4, 20.0]
    assert list(bars.marker.color) == [charts.MUTED, charts.STRONG, charts.MUTED]
    assert charts.STRONG != charts.MUTED
    assert list(bars.text) == ["12.5 per 100k", "1,234 per 100k", "20 per 100k"]
    assert bars.textposition == "outside" and bars.orientation == "h"
    assert fig.layout.title.text == "Assets per 100,000"
    assert fig.layout.xaxis.range[1] > 1234.4  # room for the printed value
    unmarked = charts.comparison_bars(frame, value="rate", label="place", title="t", marked=None)
    assert set(unmarked.data[0].marker.color) == {charts.MUTED}


def test_figures_use_the_house_look_and_nothing_from_outside():
    figures = [charts.maturity_bars(_profile(ORDER[0]), SERIES, COLOURS),
               charts.maturity_radar(_profile(ORDER[0]), SERIES, COLOURS),
               charts.need_provision_scatter(AREAS, x="money", y="need", x_title="x", y_title="y", highlight="A"),
               charts.comparison_bars(AREAS, value="need", label="area", title="t", marked="Brill")]
    for fig in figures:
        assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == "white"
        assert fig.layout.font.family == charts.FONT["family"]
        text = fig.to_json()
        assert "mapbox" not in text and "http" not in text
