"""Chart builders (ecology.reports.charts): what the plotly scatter draws, on small hand-made tables."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ecology.reports import charts
from ecology.maps.leaflet import HIGHLIGHT

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


def test_figures_use_the_house_look_and_nothing_from_outside():
    figures = [charts.need_provision_scatter(AREAS, x="money", y="need", x_title="x", y_title="y", highlight="A"),
               charts.need_provision_scatter(AREAS, x="money", y="need", x_title="x", y_title="y", highlight=None,
                                             colour_by="priority", log_x=True)]
    for fig in figures:
        assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == "white"
        assert fig.layout.font.family == charts.FONT["family"]
        text = fig.to_json()
        assert "mapbox" not in text and "http" not in text
