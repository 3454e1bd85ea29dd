"""Server time of a rerun of the Overview page after a place change (AppTest).

The page is run once to warm the caches, then the sidebar's place selectbox is
changed between England, a region, an ICB and a local authority and ``at.run()``
timed. Baseline: the same reruns with ``st.cache_data.clear()`` before each, so
every loader reads its files again. Target: under 300 ms (median).

AppTest runs the script in this process without a browser: the figure is the
script's own time plus AppTest's overhead, not what a user waits for (see
``first_render`` for that).
"""

from __future__ import annotations

import statistics
import time

from bench.common import PROJECT_ROOT, Result, timed_app_run

TITLE = "Overview rerun after a place change (AppTest): warm caches vs cleared caches"
TARGET_S = 0.300
PLACES = {
    "E92000001": "England",
    "E40000014": "North West (NHS region)",
    "E54000057": "NHS Greater Manchester ICB",
    "E08000003": "Manchester",
}
SEQUENCE = ("E40000014", "E54000057", "E08000003", "E92000001", "E54000057", "E40000014", "E08000003",
            "E92000001")
CLEARED_SEQUENCE = ("E40000014", "E54000057", "E08000003", "E92000001", "E54000057")


class _CallCounter:
    """Count calls of the data loaders (to prove cache clearing reaches them)."""

    NAMES = ("place_table", "load_web_layer", "load_indicators")

    def __init__(self):
        from ecology.places import geography

        self.module = geography
        self.saved = {name: getattr(geography, name) for name in self.NAMES}
        self.calls = 0

    def __enter__(self):
        for name, original in self.saved.items():
            def wrapper(*args, _original=original, **kwargs):
                self.calls += 1
                return _original(*args, **kwargs)
            setattr(self.module, name, wrapper)
        return self

    def __exit__(self, *exc):
        for name, original in self.saved.items():
            setattr(self.module, name, original)


CPU: list[float] = []  # process CPU seconds of each timed run (robust when the machine is busy)


def _change(at, code: str) -> float:
    at.selectbox(key="place").set_value(code)
    seconds = timed_app_run(at, CPU)
    if at.exception:
        raise RuntimeError(f"the page raised for {code}: {at.exception[0].message}")
    title = at.title[0].value if len(at.title) else None
    if title != PLACES[code]:
        raise RuntimeError(f"after choosing {code} the title is {title!r}, expected {PLACES[code]!r}")
    return seconds


def run(result: Result) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ecology.maps import leaflet
    from ecology.places.geography import PlaceTree, load_web_layer, place_table

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    started = time.perf_counter()
    at.run()
    first_s = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the Overview page raised: {at.exception[0].message}")
    result.add("first run", first_s, "s", note="imports already warm in this process")

    CPU.clear()
    warm = [_change(at, code) for code in SEQUENCE]
    warm_cpu = list(CPU)

    cleared = []
    with _CallCounter() as counter:
        for code in CLEARED_SEQUENCE:
            st.cache_data.clear()
            cleared.append(_change(at, code))
    if counter.calls < len(CLEARED_SEQUENCE):
        result.note(f"PROBLEM: clearing caches did not make the loaders run ({counter.calls} calls)")

    with _CallCounter() as counter:
        _change(at, "E92000001")
        _change(at, "E08000003")
    if counter.calls:
        result.note(f"warm reruns still called the loaders {counter.calls} times: caching is not effective")

    warm_median = statistics.median(warm)
    result.add("rerun after place change", warm_median, "s", baseline=statistics.median(cleared),
               baseline_label="caches cleared before each run", target=TARGET_S,
               note=f"warm runs {[round(t, 3) for t in warm]}; cleared runs {[round(t, 3) for t in cleared]}")
    result.add("slowest warm rerun", max(warm), "s")
    result.add("rerun CPU time", statistics.median(warm_cpu), "s",
               note="process CPU seconds per warm rerun (all threads): less sensitive to other load")

    # Breakdown: how much of a rerun is building and serialising the map.
    leaflet.use_local_assets()
    icbs, lads = load_web_layer("icb"), load_web_layer("lad")
    tree = PlaceTree.from_table(place_table())
    map_times = []
    for code in PLACES:
        level = tree.get(code)["level"]
        focus = None if level == "england" else leaflet.select_features(lads, "lad_code", tree.lads_within(code))
        started = time.perf_counter()
        fmap = leaflet.overview_map(icbs)
        if (layer := leaflet.focus_layer(focus)) is not None:
            layer.add_to(fmap)
        leaflet.rendered_html(fmap)
        fmap.get_bounds()  # st_folium walks every coordinate for the map's bounds
        map_times.append(time.perf_counter() - started)
    result.add("map build+render share", statistics.median(map_times), "s",
               note="overview_map + rendered_html + get_bounds, median over the 4 places, outside Streamlit")
