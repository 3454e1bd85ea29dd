"""Chart builders: plotly figures for ``st.plotly_chart`` (plotly.js ships in Streamlit's frontend).

Only a view the user opens by choice uses them (the Arts Council investment scatter on Coverage
gaps); every chart a page shows on arrival is light SVG (``svg_charts``), so no page loads plotly.js
until asked. Pure functions, no Streamlit: each takes a table and returns a ``go.Figure`` drawn in the Okabe-Ito colours on a plain white background, legend at the bottom, with no
external fonts, tiles or map styles, so a figure looks the same offline and in any config.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ecology.maps.palette import CYCLE, HIGHLIGHT, OKABE_ITO

# Streamlit's own face first (its frontend bundles it), then faces every system has: nothing fetched.
FONT = {"family": "Source Sans, Source Sans Pro, Arial, Helvetica, sans-serif", "size": 14, "color": "#31333F"}
ST_CONFIG = {"displaylogo": False}  # the plotly.js config the pages pass to st.plotly_chart


# ---------------------------------------------------------------- shared


# Each figure is made in one go, from trace dicts and one layout dict: building ``go.Bar(...)``
# objects and then calling ``update_layout`` / ``update_xaxes`` validates the tree again at each
# step, which cost 40-60 ms per chart on every rerun; one constructor call costs a few.


def _merged(base: dict, extra: dict) -> dict:
    """Return ``base`` with ``extra`` laid over it, nested dicts merged key by key."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _figure(traces: list[dict], layout: dict, *, height: int, title: str | None = None,
            legend: bool = True) -> go.Figure:
    """Return the figure with the house look (white background, readable fonts, legend under the
    plot) under ``layout``'s own settings."""
    # Colours are set directly rather than through template="plotly_white": a template is a
    # whole tree to validate on every rerun.
    house = {
        "paper_bgcolor": "white", "plot_bgcolor": "white", "font": FONT, "height": height, "showlegend": legend,
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        "margin": {"l": 10, "r": 30, "t": 50 if title else 20, "b": 10},
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left",
                   "title": {"text": ""}},
        "hoverlabel": {"font": {"family": FONT["family"]}}}
    return go.Figure(data=traces, layout=_merged(house, layout))










def _number(value: float) -> str:
    """Return a value as printed on a chart: thousands separated, three significant figures below 100."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# ---------------------------------------------------------------- areas


def log_floor(values: pd.Series) -> float:
    """Return where a log axis draws a zero: the power of ten below the smallest positive value."""
    positive = values[values > 0]
    if positive.empty:
        return 1.0
    smallest = float(positive.min())
    floor = 10.0 ** math.floor(math.log10(smallest))
    return floor / 10 if floor >= smallest else floor


def need_provision_scatter(table: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str, highlight: str | None,
                           colour_by: str | None = None, colour_names: dict | None = None,
                           log_x: bool = False) -> go.Figure:
    """Draw one point per area (``area_code``, ``area``) of ``x`` against ``y``, coloured by the
    values of ``colour_by`` (named by ``colour_names``, in its order), the ``highlight`` area larger,
    outlined and named. With ``log_x`` the x axis is logarithmic and an x of zero or less is drawn at
    ``log_floor`` of the column; the hover always shows the real values."""
    data = table.assign(_x=table[x], _y=table[y])
    if log_x:
        data["_x"] = data["_x"].mask(data["_x"] <= 0, log_floor(data[x]))  # a missing value stays missing
    if colour_by is None:
        groups = [("Areas", data)]
    else:
        names = colour_names or {value: str(value) for value in dict.fromkeys(data[colour_by])}
        groups = [(label, data[data[colour_by] == value]) for value, label in names.items()]
    hover = (f"<b>%{{customdata[0]}}</b><br>{x_title}: %{{customdata[1]}}<br>{y_title}: %{{customdata[2]}}"
             "<extra></extra>")

    def points(rows: pd.DataFrame, **style) -> dict:
        custom = list(zip(rows["area"], [_shown(v) for v in rows[x]], [_shown(v) for v in rows[y]]))
        return dict(x=rows["_x"], y=rows["_y"], mode="markers", customdata=custom, hovertemplate=hover, **style)

    traces, annotations, chosen = [], [], None
    for index, (label, rows) in enumerate(groups):
        colour = CYCLE[index % len(CYCLE)] if colour_by is not None else OKABE_ITO[1]
        traces.append(dict(type="scatter", name=label, **points(rows[rows["area_code"] != highlight],
                                                                marker={"color": colour, "size": 9, "opacity": 0.75,
                                                                        "line": {"color": "#FFFFFF", "width": 0.5}})))
        if (rows["area_code"] == highlight).any():
            chosen = (rows[rows["area_code"] == highlight], colour)
    if chosen is not None:
        # Its own trace, added last, so the chosen area sits on top of every other point.
        rows, colour = chosen
        traces.append(dict(type="scatter", name=str(rows["area"].iloc[0]), showlegend=False, **points(
            rows, marker={"color": colour, "size": 18, "opacity": 1, "line": {"color": HIGHLIGHT, "width": 2.5}})))
        at_x, at_y = rows["_x"].iloc[0], rows["_y"].iloc[0]
        if pd.notna(at_x) and pd.notna(at_y):
            annotations.append(dict(x=math.log10(at_x) if log_x else at_x, y=at_y, text=f"<b>{rows['area'].iloc[0]}</b>",
                                    showarrow=True, arrowhead=0, arrowcolor=HIGHLIGHT, ax=30, ay=-30,
                                    bgcolor="rgba(255, 255, 255, 0.85)", font={"color": HIGHLIGHT}))
    layout = {"annotations": annotations,
              "xaxis": {"title": {"text": f"{x_title} (log scale)" if log_x else x_title},
                        "type": "log" if log_x else "linear", "zeroline": False,
                        **({} if log_x else {"rangemode": "tozero"})},  # no negative provision on the axis
              "yaxis": {"title": {"text": y_title}, "zeroline": False}}
    return _figure(traces, layout, height=420, legend=colour_by is not None)


def _shown(value: object) -> str:
    """Return a value for a hover line ("no data" when missing)."""
    return "no data" if pd.isna(value) else _number(float(value))
