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


def _radar_profile(gap: str | None) -> pd.DataFrame:
    """A profile of one ICS and the median over three criteria, ``gap`` not assessed by the ICS."""
    rows = []
    for name, stages in (("ICS", (3.0, 2.0, 4.0)), ("Median", (2.0, 2.0, 1.0))):
        for criterion, stage in zip(("Strategy", "Workforce", "Data"), stages):
            rows.append({"Series": name, "Criterion": criterion,
                         "Stage": None if (name == "ICS" and criterion == gap) else stage})
    return pd.DataFrame(rows)


def _segments(root: ET.Element, colour: str) -> list[ET.Element]:
    """The chart's line segments in ``colour`` (not the legend's swatches)."""
    return [line for line in root.findall(f"{SVG}line") if line.get("stroke") == colour and line.get("class") != "legend"]


def test_radar_closes_each_line_round_the_criteria_and_fills_the_first_series():
    root = _parse(svg_charts.maturity_radar(_radar_profile(None), ["ICS", "Median"], ["#0072B2", "#999999"]))
    assert len(_segments(root, "#0072B2")) == 3 and len(_segments(root, "#999999")) == 3  # closed: 3 sides
    filled = [p for p in root.findall(f"{SVG}polygon") if p.get("fill") == "#0072B2"]
    assert len(filled) == 1
    points = [c for c in root.findall(f"{SVG}circle")]
    assert [c.find(f"{SVG}title").text for c in points][-3:] == [
        "ICS, Strategy: 3 Established", "ICS, Workforce: 2 Developing", "ICS, Data: 4 Embedded"]  # drawn last


def test_radar_leaves_a_gap_where_a_criterion_is_not_assessed_never_a_zero():
    root = _parse(svg_charts.maturity_radar(_radar_profile("Workforce"), ["ICS", "Median"], ["#0072B2", "#999999"]))
    assert len(_segments(root, "#0072B2")) == 1  # only Data-Strategy: both sides of Workforce are gone
    tips = [c.find(f"{SVG}title").text for c in root.findall(f"{SVG}circle")]
    assert not any(t.startswith("ICS, Workforce") for t in tips)
    assert not [p for p in root.findall(f"{SVG}polygon") if p.get("fill") == "#0072B2"]  # no fill through a gap


def test_radar_point_distance_from_the_centre_grows_with_the_stage():
    root = _parse(svg_charts.maturity_radar(_radar_profile(None), ["ICS"], ["#0072B2"]))
    by_tip = {c.find(f"{SVG}title").text: c for c in root.findall(f"{SVG}circle")}
    spoke = next(line for line in root.findall(f"{SVG}line") if line.get("stroke") == svg_charts.GRID)
    centre_x, centre_y = float(spoke.get("x1")), float(spoke.get("y1"))  # every spoke starts at the centre
    top = by_tip["ICS, Strategy: 3 Established"]  # the first criterion points straight up
    assert abs(float(top.get("cx")) - centre_x) < 0.1
    data = by_tip["ICS, Data: 4 Embedded"]
    strategy_r = centre_y - float(top.get("cy"))
    data_r = ((float(data.get("cx")) - centre_x) ** 2 + (float(data.get("cy")) - centre_y) ** 2) ** 0.5
    assert abs(data_r / strategy_r - 4 / 3) < 0.01


def _history() -> pd.DataFrame:
    return pd.DataFrame({
        "Date": [pd.Timestamp("2024-01-01").date()] * 2 + [pd.Timestamp("2025-06-01").date()] * 2,
        "Criterion": ["Strategy", "Workforce", "Strategy", "Workforce"],
        "Stage": pd.array([3.0, 2.0, 1.0, None], dtype="Float64"),
        "Kind": ["baseline", "baseline", "self-assessment", "self-assessment"],
        "By": ["baseline", "baseline", HOSTILE, HOSTILE],
        "Change": ["first", "first", "fall", "withdrawn"]})


def test_history_draws_a_line_per_criterion_with_a_withdrawn_score_as_a_gap():
    svg = svg_charts.maturity_history(_history())
    root = _parse(svg)
    points = root.findall(f"{SVG}circle")
    tips = [c.find(f"{SVG}title").text for c in points]
    assert len(points) == 3  # the withdrawn score is not a point
    assert tips[1].startswith("Strategy, 01 Jun 2025: 1 Emerging; self-assessment by <script>")
    strategy, workforce = svg_charts.CYCLE[0], svg_charts.CYCLE[1]
    assert len([ln for ln in _segments(root, strategy) if ln.get("y1") != ln.get("y2")]) == 1  # 2024 to 2025
    assert _segments(root, workforce) == []  # its second score was withdrawn: nothing to join
    early, late = (c for c in points if c.get("fill") == strategy)
    assert float(late.get("cx")) > float(early.get("cx")) and float(late.get("cy")) > float(early.get("cy"))  # fell
    assert "<script>" not in svg


def test_history_on_one_date_draws_points_without_dividing_by_zero():
    one_day = _history().iloc[:2]
    points = _parse(svg_charts.maturity_history(one_day)).findall(f"{SVG}circle")
    assert len(points) == 2 and points[0].get("cx") == points[1].get("cx")
