"""Chart builders: plotly figures for ``st.plotly_chart`` (plotly.js ships in Streamlit's frontend).

Pure functions, no Streamlit: each takes a table and returns a ``plotly.graph_objects.Figure``
drawn in the Okabe-Ito colours on a plain white background, legend at the bottom, with no
external fonts, tiles or map styles, so a figure looks the same offline and in any config.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from ecology.analysis import maturity
from ecology.maps.palette import HIGHLIGHT, OKABE_ITO

# Streamlit's own face first (its frontend bundles it), then faces every system has: nothing fetched.
FONT = {"family": "Source Sans, Source Sans Pro, Arial, Helvetica, sans-serif", "size": 14, "color": "#31333F"}
STAGE_TICKS = [0, 1, 2, 3, 4]
ST_CONFIG = {"displaylogo": False}  # the plotly.js config the pages pass to st.plotly_chart
STRONG = OKABE_ITO[4]  # blue: the chosen ICS or area
MUTED = "#BBBBBB"  # grey: every other bar
# Colours for series without a colour of their own: the yellow (weak on white) and the grey last.
CYCLE = (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[4], OKABE_ITO[3],
         OKABE_ITO[7])


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


def _values(column: pd.Series) -> list[float | None]:
    """Return a column as floats, None where missing (a gap in plotly, never a zero)."""
    return [None if pd.isna(v) else float(v) for v in column]


def _criteria_order(criteria: pd.Series) -> list[str]:
    """Return the framework's criterion labels in order, then any other label the table has."""
    order = [maturity.criterion_label(c) for c in maturity.criterion_ids()]
    return order + [c for c in dict.fromkeys(criteria) if c not in order]


def _stages(profile: pd.DataFrame, name: str, order: list[str]) -> list[float | None]:
    """Return one series' stage for each criterion of ``order`` (None when not assessed or absent)."""
    mine = profile[profile["Series"] == name].drop_duplicates("Criterion").set_index("Criterion")["Stage"]
    return _values(mine.reindex(order))


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _number(value: float) -> str:
    """Return a value as printed on a chart: thousands separated, three significant figures below 100."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# ---------------------------------------------------------------- maturity


def maturity_bars(profile: pd.DataFrame, series: list[str], colours: list[str]) -> go.Figure:
    """Draw horizontal bars of stage (0-4) per criterion, grouped by series (an ICS, its peers, the
    England median), criteria top to bottom in framework order. A criterion not assessed keeps its
    place on the axis with no bar."""
    order = _criteria_order(profile["Criterion"])
    traces = []
    for name, colour in zip(series, colours):
        stages = _stages(profile, name, order)
        traces.append(dict(type="bar", name=name, y=order, x=stages, orientation="h", marker={"color": colour},
                           customdata=[maturity.stage_label(s) for s in stages],
                           hovertemplate="<b>%{fullData.name}</b><br>%{y}: %{customdata}<extra></extra>"))
    bar = 14 if len(series) <= 2 else 9
    layout = {"barmode": "group", "bargap": 0.25, "bargroupgap": 0.05,
              "xaxis": {"range": [0, 4], "tickvals": STAGE_TICKS, "title": {"text": "Stage"}, "showgrid": True,
                        "zeroline": False},
              # Reversed: the first criterion (and the first series within a group) at the top.
              "yaxis": {"categoryorder": "array", "categoryarray": order, "range": [len(order) - 0.5, -0.5],
                        "automargin": True}}
    return _figure(traces, layout, height=140 + len(order) * (12 + bar * len(series)))


def maturity_radar(profile: pd.DataFrame, series: list[str], colours: list[str]) -> go.Figure:
    """Draw each series' stage (0-4) round the criteria as a closed line, the first series filled and
    drawn on top; a criterion not assessed is a gap in its line, never a zero."""
    order = _criteria_order(profile["Criterion"])
    traces = []
    # Added last to first so the first series is drawn over the others; the legend is reversed back.
    for index, (name, colour) in reversed(list(enumerate(zip(series, colours)))):
        stages = _stages(profile, name, order)
        traces.append(dict(
            type="scatterpolar", name=name, theta=[*order, order[0]], r=[*stages, stages[0]], mode="lines+markers",
            connectgaps=False, line={"color": colour, "width": 3 if index == 0 else 2},
            marker={"color": colour, "size": 7}, fill="toself" if index == 0 else "none",
            fillcolor=_rgba(colour, 0.15) if index == 0 else None,
            customdata=[maturity.stage_label(s) for s in [*stages, stages[0]]],
            hovertemplate="<b>%{fullData.name}</b><br>%{theta}: %{customdata}<extra></extra>"))
    half_step = 180 / len(order)  # the stage labels sit between the first two criteria, clear of the lines
    layout = {"polar": {
        "radialaxis": {"range": [0, 4], "tickvals": STAGE_TICKS, "angle": 90 - half_step, "tickangle": 90 - half_step,
                       "gridcolor": "#DDDDDD", "tickfont": {"size": 12, "color": "#777777"}},
        "angularaxis": {"direction": "clockwise", "rotation": 90, "categoryorder": "array", "categoryarray": order,
                        "tickvals": order, "ticktext": [_wrap(c) for c in order], "gridcolor": "#DDDDDD"}},
        "legend": {"traceorder": "reversed"}, "margin": {"l": 70, "r": 70, "t": 50, "b": 130}}
    return _figure(traces, layout, height=600)


def _wrap(label: str, width: int = 18) -> str:
    """Return a long axis label broken over lines (plotly's ``<br>``)."""
    return "<br>".join(textwrap.wrap(label, width)) or label


def maturity_history(history: pd.DataFrame) -> go.Figure:
    """Draw one ICS's dated scores (``maturity.history``): a line with markers per criterion, stage
    0-4 over time; a withdrawn score ("not assessed") is a gap in its line."""
    order = _criteria_order(history["Criterion"])
    frame = history.assign(Date=pd.to_datetime(history["Date"]))
    traces = []
    for index, criterion in enumerate(order):
        rows = frame[frame["Criterion"] == criterion]
        if rows.empty:
            continue
        stages = _values(rows["Stage"])
        traces.append(dict(
            type="scatter", name=criterion, x=rows["Date"], y=stages, mode="lines+markers", connectgaps=False,
            # Ten criteria, eight colours: the line's dash tells apart those that share a colour.
            line={"color": CYCLE[index % len(CYCLE)], "width": 2, "dash": "solid" if index < len(CYCLE) else "dash"},
            marker={"size": 8},
            customdata=list(zip([maturity.stage_label(s) for s in stages], rows["Kind"].fillna(""),
                                rows["By"].fillna(""), rows["Change"].fillna(""))),
            hovertemplate=("<b>%{fullData.name}</b><br>%{x|%d %b %Y}: %{customdata[0]}<br>"
                           "%{customdata[1]} by %{customdata[2]} (%{customdata[3]})<extra></extra>")))
    layout = {"xaxis": {"tickformat": "%b %Y"},
              "yaxis": {"range": [-0.2, 4.2], "tickvals": STAGE_TICKS, "title": {"text": "Stage"}, "zeroline": False}}
    return _figure(traces, layout, height=460)


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


def comparison_bars(frame: pd.DataFrame, *, value: str, label: str, title: str, marked: str | None,
                    unit: str = "") -> go.Figure:
    """Draw one horizontal bar per row of ``frame`` (top to bottom in its order), named by ``label``,
    its ``value`` printed at the bar's end followed by ``unit`` (e.g. "%", " per head"); the row
    named ``marked`` in a strong blue, the others grey. A missing value is no bar."""
    labels = [str(v) for v in frame[label]]
    values = _values(frame[value])
    colours = [STRONG if name == marked else MUTED for name in labels]
    printed = ["" if v is None else f"{_number(v)}{unit}" for v in values]
    labels = [_wrap(name, 28) for name in labels]  # long ICB names over two lines, so a phone keeps room for bars
    bars = dict(type="bar", y=labels, x=values, orientation="h", marker={"color": colours}, text=printed,
                textposition="outside", cliponaxis=False, textfont={"color": FONT["color"]},
                hovertemplate="<b>%{y}</b>: %{text}<extra></extra>")
    known = [v for v in values if v is not None] + [0]
    layout = {  # room past the longest bar for its printed value
        "xaxis": {"range": [min(known) * 1.15, max(known) * 1.15 or 1], "showgrid": True, "zeroline": True,
                  "zerolinecolor": "#888888"},
        "yaxis": {"categoryorder": "array", "categoryarray": labels, "range": [len(labels) - 0.5, -0.5],
                  "automargin": True}}
    lines = sum(label.count("<br>") + 1 for label in labels)
    return _figure([bars], layout, height=110 + 20 * lines + 12 * len(labels), title=title, legend=False)
