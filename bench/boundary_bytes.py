"""Boundary bytes: how big the Overview map is at England level.

Measures the rendered map HTML (what st_folium ships to the browser, give or
take its wrapper) and the GeoJSON embedded in it, for the simplified web ICB
boundaries the app uses. Baseline: the same map built from the full-resolution
ICB boundaries. Target: under 1 MB for the web version.
"""

from __future__ import annotations

import gzip
import json

from bench.common import Result, timed

TITLE = "Overview map bytes at England level: web vs full-resolution ICB boundaries"
TARGET_BYTES = 1_000_000


def embedded_geojson_bytes(fmap, html: str) -> list[int]:
    """Return the byte size of each GeoJSON literal embedded in the rendered HTML."""
    decoder = json.JSONDecoder()
    sizes = []
    for name, child in fmap._children.items():
        if type(child).__name__ != "GeoJson":
            continue
        marker = f"{name}_add("
        at = html.rfind(marker)
        if at < 0:  # folium changed its template: fall back to the data itself
            sizes.append(len(json.dumps(child.data).encode()))
            continue
        start = at + len(marker)
        _, end = decoder.raw_decode(html, start)
        sizes.append(len(html[start:end].encode()))
    return sizes


def measure(label: str, fmap_factory) -> dict:
    from ecology.maps import leaflet

    seconds, fmap = timed(fmap_factory)
    render_s, html = timed(lambda: leaflet.rendered_html(fmap))
    html_bytes = len(html.encode())
    geojson = embedded_geojson_bytes(fmap, html)
    return {"label": label, "build_s": seconds, "render_s": render_s, "html_bytes": html_bytes,
            "geojson_bytes": sum(geojson), "gzip_bytes": len(gzip.compress(html.encode(), 6))}


def run(result: Result) -> None:
    import shapely

    from ecology.maps import leaflet
    from ecology.places import geography

    leaflet.use_local_assets()  # as every page does: local Leaflet, no CDN links
    import json

    web_layer = geography.load_web_layer("icb")  # what the app draws
    web = geography.load_boundaries("icb")  # the same shapes as a table, for vertex counts
    full = geography.load_boundaries("icb", full=True)
    full_layer = json.loads(full.to_json(drop_id=True, show_bbox=True))
    web_m = measure("web", lambda: leaflet.overview_map(web_layer))
    full_m = measure("full", lambda: leaflet.overview_map(full_layer))

    result.add("web map HTML", web_m["html_bytes"], "B", baseline=full_m["html_bytes"],
               baseline_label="same map, full-resolution ICBs", target=TARGET_BYTES)
    result.add("web embedded GeoJSON", web_m["geojson_bytes"], "B", baseline=full_m["geojson_bytes"],
               baseline_label="full-resolution GeoJSON")
    result.add("web map HTML gzip", web_m["gzip_bytes"], "B", baseline=full_m["gzip_bytes"],
               baseline_label="full-resolution, gzip",
               note="Streamlit's websocket is not compressed by default; for information")
    result.add("web vertices", int(shapely.get_num_coordinates(web.geometry.values).sum()), "",
               baseline=int(shapely.get_num_coordinates(full.geometry.values).sum()),
               baseline_label="full-resolution vertices")
    result.add("web build+render", web_m["build_s"] + web_m["render_s"], "s",
               baseline=full_m["build_s"] + full_m["render_s"], baseline_label="full-resolution build+render")

    # A place change keeps the map and sends only the place's local authorities as a layer; measured
    # here as the whole map with that layer added, the most a first load of a region view carries.
    lads = geography.load_web_layer("lad")
    tree = geography.PlaceTree.from_table(geography.place_table())
    worst = ("", 0)
    for code in tree.children(geography.ENGLAND_CODE):
        focus = leaflet.select_features(lads, "lad_code", tree.lads_within(code))
        fmap = leaflet.overview_map(web_layer)
        leaflet.focus_layer(focus).add_to(fmap)
        size = len(leaflet.rendered_html(fmap).encode())
        if size > worst[1]:
            worst = (tree.label(code), size)
    result.add("largest region view HTML", worst[1], "B", target=TARGET_BYTES, note=worst[0])
    result.note(f"largest region view: {worst[0]}")
