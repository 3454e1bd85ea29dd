"""Maps rendered once and kept (ecology/ui/mapview.py) reach the page with the scripts st_folium would send."""

from __future__ import annotations

import itertools

import branca.element
import pytest
import streamlit_folium

from ecology.maps import asset_map, leaflet
from ecology.ui import mapview


def _square(code: str, name: str, west: float, south: float, **extra) -> dict:
    ring = [[west, south], [west + 1, south], [west + 1, south + 1], [west, south + 1], [west, south]]
    return {"type": "Feature", "bbox": [west, south, west + 1, south + 1],
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"icb_code": code, "icb_short_name": name, "region_code": "E40000003",
                           "region_name": "London", "lad_code": code, "lad_name": name, **extra}}


AREAS = {"type": "FeatureCollection", "features": [_square("E54000001", "North <b>Area</b>", -2.0, 53.0),
                                                    _square("E54000002", "South Area", -1.0, 51.0)]}


def _overview():
    return (leaflet.overview_map(AREAS), [leaflet.focus_layer(AREAS)], leaflet.view_of(leaflet.bounds_of(AREAS)))


def _areas():
    drawn = leaflet.category_map(AREAS, {"E54000001": ("#123456", "High")}, "Stage", {"E54000002"}, level="icb")
    return drawn.base, drawn.layers, drawn.view


def _clusters():
    drawn = leaflet.cluster_map({"c1": AREAS["features"][0]["geometry"]}, [(53.5, -1.5, "about 10", "A cluster")],
                                context=AREAS)
    return drawn.base, drawn.layers, drawn.view


@pytest.fixture()
def sent(monkeypatch):
    """Return a function that draws a map both ways (st_folium, then mapview) and returns what each
    sent to the component; element ids are made deterministic so the two can be compared."""
    monkeypatch.setattr("ecology.ui.loaders.build_key", lambda: "a build")
    calls = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: calls.append(kwargs))
    monkeypatch.setattr(mapview, "_map_component", lambda **kwargs: calls.append(kwargs))

    def draw_both(make, *, base_key=None, layers_key=None):
        counter = itertools.count()
        monkeypatch.setattr(branca.element.Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))
        fmap, layers, view = make()
        streamlit_folium.st_folium(fmap, key="a-map", height=400, width=None, returned_objects=[], render=False,
                                   feature_group_to_add=[layer for layer in layers if layer is not None],
                                   center=view.center, zoom=view.zoom)
        counter = itertools.count()
        monkeypatch.setattr(branca.element.Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))
        fmap, layers, view = make()
        mapview.show_map(fmap, key="a-map", height=400, layers=layers, view=view, base_key=base_key,
                         layers_key=layers_key)
        folium_args, ours = calls[-2], calls[-1]
        assert ours["key"] == "a-map"
        return {"script": folium_args["script"], "layers": folium_args["feature_group"],
                "center": list(folium_args["center"]), "zoom": folium_args["zoom"],
                "css_links": folium_args["css_links"], "js_links": folium_args["js_links"]}, ours["data"]

    return draw_both


@pytest.mark.parametrize("make", [_overview, _areas, _clusters], ids=["overview", "areas", "clusters"])
def test_a_map_rendered_here_sends_the_page_the_scripts_and_view_st_folium_sends(sent, make):
    folium_args, ours = sent(make)
    assert {name: ours[name] for name in folium_args} == folium_args
    assert "feature_group_feature_group_0" in ours["layers"] and 'L.map(\n' in ours["script"]
    assert ours["height"] == 400 and ours["label"] == "Map"


def test_a_kept_base_and_kept_layers_send_the_same_as_rendering_them_afresh(sent):
    mapview._kept_base.clear()
    mapview._kept_layers.clear()
    folium_args, first = sent(_overview, base_key="overview-test", layers_key=("focus", "both"))
    _, again = sent(_overview, base_key="overview-test", layers_key=("focus", "both"))
    assert first == again
    assert {name: first[name] for name in folium_args} == folium_args


def test_a_kept_base_is_rendered_once_and_layers_once_per_key(sent, monkeypatch):
    mapview._kept_base.clear()
    mapview._kept_layers.clear()
    rendered = {"base": 0, "layers": 0}
    render_base, render_layers = mapview.render_base, mapview.render_layers
    monkeypatch.setattr(mapview, "render_base", lambda fmap: (rendered.__setitem__("base", rendered["base"] + 1),
                                                             render_base(fmap))[1])
    monkeypatch.setattr(mapview, "render_layers", lambda layers: (
        rendered.__setitem__("layers", rendered["layers"] + 1), render_layers(layers))[1])
    for layers_key in ("North", "North", "South", "North"):
        sent(_areas, base_key="england-test", layers_key=("areas", layers_key))
    # st_folium rendered its own copy each time; ours rendered the base once and each key's layers once.
    assert rendered == {"base": 1, "layers": 2}


def test_a_kept_map_is_built_once_per_key_and_its_layers_kept_by_that_key(monkeypatch):
    monkeypatch.setattr("ecology.ui.loaders.build_key", lambda: "a build")
    mapview._kept_map.clear()
    built = []

    def make(name):
        def build():
            built.append(name)
            fmap, layers, view = _clusters()
            return leaflet.LayeredMap(fmap, layers, view, base_key="england")
        return build

    first = mapview.kept(("clusters", "r1", 10.0, 5), make("first"))
    again = mapview.kept(("clusters", "r1", 10.0, 5), make("again"))
    other = mapview.kept(("clusters", "r1", 15.0, 5), make("other"))
    assert built == ["first", "other"] and again is first and other is not first
    assert first.layers_key == ("clusters", "r1", 10.0, 5)  # so mapview keeps its rendered layers too


def test_the_asset_map_keeps_its_marker_plugin_in_the_base():
    fmap = asset_map.base_map()
    frame = mapview.render_base(fmap)
    assert any("markercluster" in link.lower() for link in frame.js_links)


@pytest.mark.parametrize("make", [_overview, _areas, _clusters], ids=["overview", "areas", "clusters"])
def test_the_scripts_have_the_hooks_the_page_component_relies_on(sent, make):
    """leaflet_map.js builds the map on its own element where the script names "map_div", and
    collects the layers the layer script pushes onto ``window.feature_group`` (to remove them later)."""
    import re

    _, ours = sent(make)
    source = (mapview.Path(mapview.__file__).with_name("leaflet_map.js")).read_text(encoding="utf-8")
    assert len(re.findall(r'L\.map\(\s*"map_div"', ours["script"])) == 1
    assert 'L\\.map\\(\\s*"map_div"' in source
    assert "window.feature_group.push(" in ours["layers"] and "feature_group: []" in source
