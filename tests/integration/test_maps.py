"""Map builders: no CDN in the HTML, escaped strings, sizes."""

from __future__ import annotations

import re

import pytest

from ecology.maps import leaflet
from ecology.places import geography

pytestmark = pytest.mark.usefixtures("built")

CDN_HOSTS = ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "netdna.bootstrapcdn.com",
             "unpkg.com", "d3js.org", "fonts.googleapis.com")


@pytest.fixture(scope="module")
def england_html() -> str:
    leaflet.use_local_assets()
    return leaflet.rendered_html(leaflet.overview_map(geography.load_web_layer("icb")))


def test_rendered_map_references_no_cdn(england_html):
    for host in CDN_HOSTS:
        assert host not in england_html
    script_sources = re.findall(r'<script[^>]+src="([^"]+)"', england_html)
    css_links = re.findall(r'<link[^>]+href="([^"]+)"', england_html)
    assert script_sources == ["/app/static/vendor/leaflet/leaflet.js"]
    assert css_links == ["/app/static/vendor/leaflet/leaflet.css"]
    assert not re.search(r'(src|href)="(https?:)?//', england_html)


def test_default_tiles_stay_on_the_app(england_html, monkeypatch):
    assert leaflet.BLANK_TILES in england_html
    monkeypatch.setenv("ECOLOGY_TILES", "osm")
    assert leaflet.tile_setting()[0].startswith("https://tile.openstreetmap.org/")
    monkeypatch.setenv("ECOLOGY_TILES", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv("ECOLOGY_TILES_ATTRIBUTION", "Example")
    assert leaflet.tile_setting() == ("https://tiles.example.org/{z}/{x}/{y}.png", "Example")


def test_england_map_carries_42_icbs_under_one_megabyte(england_html):
    assert england_html.count('"icb_code"') == 0  # properties are renamed, codes kept as "code"
    assert len(re.findall(r'"code":\s*"E54\d{6}"', england_html)) == 42
    assert len(england_html.encode()) < 1_000_000


def test_marker_cluster_points_at_local_files():
    leaflet.use_local_assets()
    fmap = leaflet.base_map()
    leaflet.MarkerCluster().add_to(fmap)
    html = leaflet.rendered_html(fmap)
    assert "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    for host in CDN_HOSTS:
        assert host not in html


@pytest.mark.parametrize("hostile", [
    "<img src=x onerror=alert(1)>",
    "${alert(2)}",
    "`; alert(3); `",
    "</script><script>alert(4)</script>",
    "back\\slash",
])
def test_escape_for_map_neutralises_html_and_template_literals(hostile):
    escaped = leaflet.escape_for_map(hostile)
    for dangerous in ("<", ">", "`", "${", "\\"):
        assert dangerous not in escaped


def test_hostile_names_do_not_reach_the_map_raw():
    icbs = geography.load_web_layer("icb")
    icbs["features"][0]["properties"]["icb_short_name"] = "<img src=x onerror=alert(1)>${alert(2)}"
    html = leaflet.rendered_html(leaflet.overview_map(icbs))
    assert "<img src=x" not in html
    assert "${alert(2)}" not in html
    # folium embeds data as JSON, which writes "&" as \u0026.
    assert "&lt;img src=x onerror=alert(1)&gt;&#36;{alert(2)}" in html.replace("\\u0026", "&")


def test_local_authority_layer_and_focus():
    manchester = leaflet.select_features(geography.load_web_layer("lad"), "lad_code", ["E08000003"])
    assert len(manchester["features"]) == 1
    fmap = leaflet.overview_map(geography.load_web_layer("icb"))
    before = leaflet.rendered_html(fmap)
    leaflet.focus_layer(manchester).add_to(fmap)
    html = leaflet.rendered_html(fmap)
    assert '"name": "Manchester"' in html or '"name":"Manchester"' in html
    assert '"name": "Manchester"' not in before and '"name":"Manchester"' not in before
    assert leaflet.focus_layer(None) is None
    assert leaflet.focus_layer({"type": "FeatureCollection", "features": []}) is None
    (south, west), (north, east) = leaflet.bounds_of(manchester)
    assert 53.3 < south < north < 53.6 and -2.4 < west < east < -2.1
    assert leaflet.bounds_of({"features": []}) is None


def test_web_layers_match_the_boundary_tables():
    for level, key, count in (("region", "region_code", 7), ("icb", "icb_code", 42), ("lad", "lad_code", 296)):
        layer = geography.load_web_layer(level)
        table = geography.load_boundaries(level)
        assert [f["properties"][key] for f in layer["features"]] == table[key].tolist()
        assert len(layer["features"]) == count
        assert all(len(f["bbox"]) == 4 for f in layer["features"])


def test_region_colours_are_distinct_and_cover_every_region():
    icbs = geography.load_web_layer("icb")
    names = {f["properties"]["region_name"] for f in icbs["features"]}
    colours = leaflet.region_colours([f["properties"]["region_code"] for f in icbs["features"]])
    assert len(colours) == 7 and len(set(colours.values())) == 7
    assert [name for _colour, name in leaflet.legend_items(icbs)] == sorted(names)


def test_a_kind_or_cost_outside_the_vocabulary_is_coloured_other_not_a_crash():
    import pandas as pd

    from ecology.maps import asset_map

    assets = pd.DataFrame({"kind": ["programme", "<img src=x>", None], "cost": ["free", "zzz", None]})
    for field in ("kind", "cost"):
        labels, order = asset_map.categories(assets, field, pd.Timestamp("2026-12-01"))
        assert set(labels) <= set(order) and labels.iloc[1] == asset_map.OTHER


def test_every_map_keeps_the_same_html_when_its_place_or_data_changes():
    # streamlit-folium keys its component on the map's script: the same script means the browser keeps
    # the drawn map and only swaps layers and view (no new iframe, no Leaflet reload).
    import pandas as pd
    from streamlit_folium import _get_map_string

    from ecology.analysis import gaps
    from ecology.maps import asset_map

    icbs, lads = geography.load_web_layer("icb"), geography.load_web_layer("lad")
    assert _get_map_string(leaflet.overview_map(icbs)) == _get_map_string(leaflet.overview_map(icbs))
    table = pd.DataFrame({"area_code": [f["properties"]["lad_code"] for f in lads["features"]],
                          "need_tercile": 1, "provision_tercile": 3})
    low, high = (leaflet.category_map(lads, gaps.bivariate_fills(table.assign(need_tercile=n)), "Need", level="lad")
                 for n in (1, 3))
    assert _get_map_string(low.base) == _get_map_string(high.base)
    assert _get_map_string(low.whole()) != _get_map_string(high.whole())  # the layers do differ
    assets = pd.read_parquet(geography.paths.build_dir() / "assets.parquet")
    today = pd.Timestamp("2026-12-01")
    manchester = leaflet.select_features(lads, "lad_code", ["E08000003"])
    everywhere, one_place = (asset_map.asset_map(assets.head(n), "kind", outline, today)
                             for n, outline in ((500, None), (50, manchester)))
    assert _get_map_string(everywhere.map.base) == _get_map_string(one_place.map.base)
    assert everywhere.map.view != one_place.map.view
