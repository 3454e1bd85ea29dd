"""The sidebar's share link states the view as it is after a change, and reopens it.

AppTest sends each rerun with the query string the test set, not the one the change implies,
which is what a browser does when its rerun leaves before its address bar is updated: so these
runs reproduce the stale-address case deterministically.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.page.page_runner import open_page

pytestmark = pytest.mark.usefixtures("built")


def _share_link(at) -> str:
    links = [m.value for m in at.sidebar.markdown if m.value.startswith("[http")]
    assert len(links) == 1, links
    return re.fullmatch(r"\[.*\]\((.+)\)", links[0]).group(1)


def _query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


def _reopen(file: str, link: str):
    """Open ``file`` with only the share link's query string, as a new visitor would."""
    query = {key: values[-1] if len(values) == 1 else values for key, values in _query(link).items()}
    return open_page(file, **query)


def test_share_link_follows_a_moved_slider_although_the_rerun_carried_the_old_address():
    at = open_page("pages/2_Practitioners.py", place="Bradford", radius="15")
    assert _query(_share_link(at))["radius"] == ["15"]
    at.slider(key="radius").set_value(16).run()
    assert dict(at.query_params)["radius"] == "15"  # the rerun's own address is the old one
    link = _share_link(at)
    assert _query(link)["radius"] == ["16"] and _query(link)["place"] == ["Bradford"]
    again = _reopen("pages/2_Practitioners.py", link)
    assert again.slider(key="radius").value == 16
    assert again.selectbox(key="place").value == at.selectbox(key="place").value


def test_share_link_leaves_out_a_setting_put_back_to_its_default():
    default = open_page("pages/2_Practitioners.py").slider(key="radius").value
    at = open_page("pages/2_Practitioners.py", radius=str(default + 5))
    assert _query(_share_link(at))["radius"] == [str(default + 5)]
    at.slider(key="radius").set_value(default).run()
    assert "radius" not in _query(_share_link(at))  # as the address bar drops a default


def test_share_link_of_changed_asset_filters_reopens_the_same_filters():
    at = open_page("pages/1_Assets.py", place="Bradford")
    at.multiselect(key="activity").set_value(["singing", "music"])
    at.checkbox(key="gp").check()
    at.selectbox(key="km").set_value("10")
    at.text_input(key="q").input("choir")
    at.run()
    assert not at.exception, at.exception
    link = _share_link(at)
    query = _query(link)
    assert sorted(query["activity"]) == ["Music", "Singing"], query  # the labels, as the address bar shows them
    assert query["gp"] == ["true"] and query["km"] == ["10"] and query["q"] == ["choir"], query
    again = _reopen("pages/1_Assets.py", link)
    assert list(again.multiselect(key="activity").value) == ["singing", "music"]
    assert again.checkbox(key="gp").value is True
    assert again.selectbox(key="km").value == "10"
    assert again.text_input(key="q").value == "choir"
    assert again.selectbox(key="place").value == at.selectbox(key="place").value


def test_share_link_on_coverage_gaps_follows_a_changed_radio():
    at = open_page("pages/4_Coverage_gaps.py")
    assert at.radio(key="level").value == "lad"
    at.radio(key="level").set_value("icb").run()
    link = _share_link(at)
    assert _query(link)["level"] == ["Integrated care boards (42)"], link
    assert _reopen("pages/4_Coverage_gaps.py", link).radio(key="level").value == "icb"
