"""Static figures for the briefing, drawn with matplotlib as inline SVG text.

A briefing must open offline and print, so its map and charts are pictures,
not scripts: no tiles, no fonts or libraries fetched. Each function returns an
``<svg>`` element as a string (British National Grid, EPSG:27700, for the map),
from the same tables the pages chart with plotly (``fmt="png"`` gives an embedded PNG for the PDF).
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no screen: render to files only

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ecology.analysis import gaps
from ecology.maps import palette  # noqa: E402

plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none",
                     "axes.spines.top": False, "axes.spines.right": False})
CHOSEN, OTHER, MEDIAN = palette.CHOSEN, "#b8b8b8", palette.MEDIAN
KIND_COLOURS = {"Museums": palette.OKABE_ITO[5], "Libraries": palette.OKABE_ITO[2], "Cinemas": palette.OKABE_ITO[0]}


def embed(figure, fmt: str = "svg") -> str:
    """Return the figure as an inline ``<svg>`` element (the XML prolog dropped), or for
    ``fmt="png"`` an ``<img>`` holding a 150 dpi PNG (a PDF prints pictures faster than SVG)."""
    if fmt == "png":
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
        plt.close(figure)
        return f"<img alt='' src='data:image/png;base64,{base64.b64encode(out.getvalue()).decode()}'>"
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = out.getvalue()
    return text[text.index("<svg"):]


def place_map(areas, fills: dict[str, str], points: pd.DataFrame, *, outline=None, title: str = "",
              fmt: str = "svg") -> str:
    """Draw areas (a GeoDataFrame with ``code``, WGS84) filled by ``fills`` {code: colour}, the
    place's outline in black, and real venues (``points``: latitude, longitude, Kind) by kind."""
    import geopandas as gpd

    figure, axis = plt.subplots(figsize=(7.2, 6.0))
    shapes = areas.to_crs(27700)
    shapes.plot(ax=axis, color=[fills.get(c, "#eeeeee") for c in shapes["code"]], edgecolor="white", linewidth=0.4)
    if outline is not None:
        outline.to_crs(27700).boundary.plot(ax=axis, color="#111111", linewidth=1.2)
    handles = []
    if len(points):
        where = gpd.GeoSeries(gpd.points_from_xy(points["longitude"], points["latitude"]), crs=4326).to_crs(27700)
        for kind, colour in KIND_COLOURS.items():
            mine = where[(points["Kind"] == kind).to_numpy()]
            if len(mine):
                handles.append(axis.scatter(mine.x, mine.y, s=7, color=colour, edgecolor="white", linewidth=0.3,
                                            label=f"{kind} ({len(mine):,})", zorder=3))
    if handles:
        axis.legend(handles=handles, loc="lower left", frameon=True, fontsize=8, title="Real venues")
    axis.set_axis_off()
    axis.set_aspect("equal")
    if title:
        axis.set_title(title, loc="left", fontsize=10)
    return embed(figure, fmt)


def bivariate_key(*, fmt: str = "svg") -> str:
    """Draw the 3x3 need-and-provision key the map's colours come from."""
    figure, axis = plt.subplots(figsize=(1.7, 1.7))
    for need in (1, 2, 3):
        for provision in (1, 2, 3):
            axis.add_patch(plt.Rectangle((provision - 1, need - 1), 1, 1, color=gaps.BIVARIATE[(need, provision)]))
    axis.set_xlim(0, 3)
    axis.set_ylim(0, 3)
    axis.set_xticks([])
    axis.set_yticks([])
    axis.set_xlabel("Provision →", fontsize=8)
    axis.set_ylabel("Need →", fontsize=8)
    return embed(figure, fmt)


def maturity_bars(profile: pd.DataFrame, series: list[str], *, fmt: str = "svg") -> str:
    """Draw stages by criterion (0-4) for each series (the ICS first, then the England median);
    ``profile`` as ``maturity.profile`` returns it; not assessed = no bar."""
    criteria = list(dict.fromkeys(profile["Criterion"]))
    figure, axis = plt.subplots(figsize=(6.4, 0.42 * len(criteria) + 0.9))
    height = 0.8 / len(series)
    colours = palette.series_colours(max(len(series) - 2, 0))[:len(series)]
    for offset, (name, colour) in enumerate(zip(series, colours)):
        stages = profile[profile["Series"] == name].set_index("Criterion")["Stage"].reindex(criteria)
        rows = np.arange(len(criteria)) + offset * height
        axis.barh(rows, stages.fillna(0), height=height, color=colour, label=name)
        for row, stage in zip(rows, stages):
            if pd.isna(stage):
                axis.text(0.05, row, "not assessed", va="center", fontsize=7, color="#555555")
    axis.set_yticks(np.arange(len(criteria)) + height * (len(series) - 1) / 2, criteria)
    axis.invert_yaxis()
    axis.set_xlim(0, 4)
    axis.set_xticks([0, 1, 2, 3, 4])
    axis.set_xlabel("Stage (1 Emerging, 2 Developing, 3 Established, 4 Embedded)")
    axis.legend(loc="upper center", bbox_to_anchor=(0.4, -0.18), ncol=2, frameon=False, fontsize=8)
    return embed(figure, fmt)


def need_provision(table: pd.DataFrame, code: str, *, need_label: str, provision_label: str,
                   fmt: str = "svg") -> str:
    """Draw need against provision per 10,000 for every area of one kind, the place marked."""
    figure, axis = plt.subplots(figsize=(6.2, 3.6))
    others = table[table["area_code"] != code]
    axis.scatter(others["assets_per_10k"], others["need"], s=14, color=OTHER, label="Other areas")
    mine = table[table["area_code"] == code]
    if len(mine):
        axis.scatter(mine["assets_per_10k"], mine["need"], s=70, color=CHOSEN, edgecolor="#111111", zorder=3,
                     label=str(mine["area"].iloc[0]))
        axis.annotate(str(mine["area"].iloc[0]), (mine["assets_per_10k"].iloc[0], mine["need"].iloc[0]),
                      xytext=(6, 6), textcoords="offset points", fontsize=8)
    axis.set_xlabel(provision_label)
    axis.set_ylabel(need_label)
    axis.legend(loc="best", fontsize=8, frameon=False)
    return embed(figure, fmt)


def comparison_bars(frame: pd.DataFrame, *, value: str, label: str, title: str, marked: str, unit: str = "",
                    fmt: str = "svg") -> str:
    """Draw one horizontal bar per row of ``frame`` (``label`` names it), the ``marked`` row in colour."""
    shown = frame.dropna(subset=[value])
    figure, axis = plt.subplots(figsize=(6.2, 0.32 * len(shown) + 0.8))
    colours = [CHOSEN if name == marked else MEDIAN if name == "England" else OTHER for name in shown[label]]
    axis.barh(np.arange(len(shown)), shown[value], color=colours)
    for row, number in enumerate(shown[value]):
        axis.text(number, row, f" {unit}{number:,.2f}" if unit == "£" else f" {number:,.2f}{unit}", va="center",
                  fontsize=7)
    axis.set_yticks(np.arange(len(shown)), shown[label])
    axis.invert_yaxis()
    axis.set_title(title, loc="left", fontsize=10)
    axis.set_xlim(0, max(float(shown[value].max()) * 1.2, 1e-9) if len(shown) else 1)
    return embed(figure, fmt)
