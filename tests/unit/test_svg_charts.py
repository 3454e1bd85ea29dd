"""The Overview's light SVG charts (ecology/reports/svg_charts.py): one mark per value, escaped text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
from hypothesis import given, strategies as st

from ecology.reports import svg_charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>&\"'"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML: every text escaped
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label")
    return root


def test_comparison_bars_have_one_bar_per_value_the_marked_one_blue_and_no_bar_when_missing():
    frame = pd.DataFrame({"Place": ["Bradford", "Yorkshire", "England", HOSTILE], "Need": [38.7, 25.0, 21.8, None]})
    svg = svg_charts.comparison_bars(frame, value="Need", label="Place", title="Need", marked="Bradford")
    root = _parse(svg)
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 3
    assert [b.get("fill") for b in bars] == [svg_charts.STRONG, svg_charts.MUTED, svg_charts.MUTED]
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] > widths[1] > widths[2] and abs(widths[0] / widths[2] - 38.7 / 21.8) < 0.01
    assert [b.find(f"{SVG}title").text for b in bars][0] == "Bradford: 38.7"
    assert "no data" in svg and "<script>" not in svg


def test_negative_values_grow_left_of_zero():
    frame = pd.DataFrame({"Place": ["A", "B"], "Gap": [-5.0, 10.0]})
    bars = _parse(svg_charts.comparison_bars(frame, value="Gap", label="Place", title="Gap", marked=None)).findall(
        f"{SVG}rect")
    (a, b) = bars
    assert float(a.get("x")) + float(a.get("width")) == float(b.get("x"))  # both meet at zero


def test_maturity_bars_leave_a_criterion_not_assessed_without_a_bar():
    profile = pd.DataFrame({"Series": ["ICS", "ICS", "Median", "Median"],
                            "Criterion": ["Strategy", "Workforce", "Strategy", "Workforce"],
                            "Stage": [3.0, None, 2.0, 1.0]})
    root = _parse(svg_charts.maturity_bars(profile, ["ICS", "Median"], ["#0072B2", "#999999"]))
    bars = [r for r in root.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    tips = [b.find(f"{SVG}title").text for b in bars]
    assert len(bars) == 3 and not any(t.startswith("ICS, Workforce") for t in tips)
    widths = {t.split(":")[0]: float(b.get("width")) for t, b in zip(tips, bars)}
    assert widths["ICS, Strategy"] == 3 * widths["Median, Workforce"]


def test_the_scatter_has_a_point_per_area_with_values_and_marks_the_chosen_one():
    table = pd.DataFrame({"area_code": ["a", "b", "c", "d"], "area": ["Alpha", "Beta", HOSTILE, "Delta"],
                          "assets_per_10k": [1.0, 2.0, 3.0, None], "need": [30.0, 20.0, 10.0, 5.0]})
    svg = svg_charts.need_provision_scatter(table, x="assets_per_10k", y="need", x_title="Provision",
                                            y_title="Need", highlight="b")
    circles = _parse(svg).findall(f"{SVG}circle")
    assert len(circles) == 3  # the area without provision is not drawn
    chosen = [c for c in circles if c.get("r") == "9"]
    assert len(chosen) == 1 and chosen[0].find(f"{SVG}title").text == "Beta: Provision 2, Need 20"
    assert circles[-1] is chosen[0]  # drawn last, on top
    assert "<script>" not in svg and "Beta" in re.sub(r"<title>.*?</title>", "", svg)  # named beside it


@given(st.floats(-1e6, 1e6), st.floats(0.001, 1e6))
def test_ticks_cover_the_range(low, span):
    ticks = svg_charts._ticks(low, low + span)
    assert ticks[0] <= low + 1e-9 * abs(low) and ticks[-1] >= low + span - 1e-9 * abs(low + span)
    assert len(ticks) <= 12
