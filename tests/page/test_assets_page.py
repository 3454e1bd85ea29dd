"""The Assets page under AppTest: filters change what is counted and listed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("built")


def assets_page(**query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page("pages/1_Assets.py")
    return app.run()


def shown_count(app: AppTest) -> int:
    text = next(m.value for m in app.markdown if "assets**" in m.value)
    return int(re.search(r"\*\*([\d,]+) assets\*\*", text).group(1).replace(",", ""))


def test_page_lists_real_records_by_default_and_the_sample_only_when_included_with_its_notice():
    app = assets_page(place="Bradford")
    assert not app.exception, app.exception
    assert app.checkbox(key="sample").value is False
    real = shown_count(app)
    assert real > 20 and len(app.dataframe[0].value) == real
    assert not app.dataframe[0].value["Sample"].any()
    assert not any("generated sample data" in w.value for w in app.warning)
    included = assets_page(place="Bradford", sample="true")
    assert shown_count(included) > real and included.dataframe[0].value["Sample"].any()
    assert any("generated sample data" in w.value for w in included.warning)


def test_changing_a_filter_changes_the_count():
    app = assets_page(place="Bradford", sample="true")
    everything = shown_count(app)
    app.multiselect(key="cost").set_value(["free"]).run()
    free = shown_count(app)
    assert 0 < free < everything
    assert set(app.dataframe[0].value["Cost"]) == {"Free"}
    app.checkbox(key="venues").uncheck().run()
    assert shown_count(app) == free  # the free offers are not venues
    app.multiselect(key="cost").set_value([]).run()
    assert shown_count(app) < everything


def test_hide_sample_button_leaves_only_real_records():
    app = assets_page(place="Bradford", sample="true")
    app.button(key="hide-sample").click().run()
    assert app.checkbox(key="sample").value is False
    table = app.dataframe[0].value
    assert len(table) == shown_count(app) and not table["Sample"].any()
    assert not any("generated sample data" in w.value for w in app.warning)


def test_theme_and_url_filters_apply():
    app = assets_page(place="Bradford", theme="Dementia", sample="true")
    focus = app.dataframe[0].value["Health focus"]
    assert len(focus) > 0 and all("Dementia" in f for f in focus)
    assert "Bradford · Dementia" in app.caption[0].value


def test_near_postcode_sorts_by_distance_and_reports_bad_postcodes():
    app = assets_page(near="BD1 1HY", km="2")
    distances = app.dataframe[0].value["Distance (km)"]
    assert len(distances) > 0 and distances.max() <= 2 and distances.is_monotonic_increasing
    bad = assets_page(near="NOT A CODE")
    assert any("not shaped like a UK postcode" in w.value for w in bad.warning)


def test_near_the_practices_of_a_pcn_keeps_only_assets_within_the_distance():
    everything = shown_count(assets_page(place="Bradford", sample="false"))
    app = assets_page(place="Bradford", sample="false", pcn="Bradford City 5 PCN (U78361)", km="2")
    assert not app.exception, app.exception
    near = shown_count(app)
    assert 0 < near < everything
    assert app.selectbox(key="pcn").value == "U78361"
    assert any("within 2 km of the practices of Bradford City 5 PCN" in c.value for c in app.caption)
