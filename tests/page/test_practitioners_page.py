"""The Practitioners page (AppTest) and the clusters command: controls change clusters; nothing small shows."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout

import pytest
from tests.static_html import page_table, page_tables
from tests.page.page_runner import open_page
from streamlit.testing.v1 import AppTest

from ecology.cli.main import main

pytestmark = pytest.mark.usefixtures("built")


def _open(**query: str) -> AppTest:
    return open_page("pages/2_Practitioners.py", **query)


def _cluster_count(at: AppTest) -> int:
    line = next(m.value for m in at.markdown if "clusters hold" in m.value)
    return int(re.match(r"\*\*(\d+)\*\* clusters", line).group(1))


def _profiles(at: AppTest):
    return page_table(at, "Cluster profiles")


def test_changing_the_radius_changes_the_number_of_clusters():
    at = _open()
    at.slider(key="radius").set_value(5).run()
    small = _cluster_count(at)
    at.slider(key="radius").set_value(40).run()
    large = _cluster_count(at)
    assert small != large and small > 0 and large > 0
    assert len(_profiles(at)) == large


def test_the_url_carries_the_controls_and_the_sample_is_marked():
    at = _open(radius="25", min="30")
    assert at.slider(key="radius").value == 25 and at.slider(key="min").value == 30
    assert any("generated sample records" in w.value for w in at.warning)


def test_no_profile_shows_a_count_or_share_that_could_point_at_a_person():
    at = _open(radius="3", min="5")
    table = _profiles(at)
    assert len(table)
    for column in table.columns[5:]:
        for cell in table[column]:
            assert cell in ("fewer than 5", "all but fewer than 5", "fewer than 5 answered") or re.fullmatch(
                r"about \d+0%", cell), cell
    assert all(cell == "fewer than 5" or int(cell.replace(",", "")) >= 5 for cell in table["Practitioners"])


def test_the_command_writes_the_same_clusters_suppressed(capsys):
    at = _open(radius="10", min="10")
    page = _profiles(at)
    assert main(["clusters", "--radius-km", "10", "--min-size", "10", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(page) + 1
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["clusters", "--radius-km", "10", "--min-size", "10", "--format", "geojson"]) == 0
    collection = json.loads(out.getvalue())
    assert len(collection["features"]) == len(page)
    assert {f["geometry"]["type"] for f in collection["features"]} == {"Polygon"}
    assert "practitioner_id" not in out.getvalue() and "postcode_district" not in out.getvalue()


def test_every_count_on_the_page_is_rounded_to_5_and_the_method_is_stated():
    at = _open(radius="8", min="5")
    texts = [m.value for m in at.markdown] + [w.value for w in at.warning] + [c.value for c in at.caption]
    summary = next(t for t in texts if "clusters hold" in t)
    counts = [int(n.replace(",", "")) for n in re.findall(r"\*\*([\d,]+)\*\* (?:of|are)", summary)]
    counts += [int(n.replace(",", "")) for n in re.findall(r"of ([\d,]+) practitioners", summary)]
    assert len(counts) == 3 and all(n % 5 == 0 for n in counts), summary
    frames = page_tables(at)
    shown = [cell for frame in frames for column in ("Practitioners", "Outside any cluster") if column in frame
             for cell in frame[column]]
    assert shown and all(cell == "fewer than 5" or int(cell.replace(",", "")) % 5 == 0 for cell in shown)
    assert any("rounded to the nearest 5" in t and "no two figures can be subtracted" in t for t in texts)
