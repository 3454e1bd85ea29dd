"""The warm start (ecology/ui/serving.warm_up) loads the Overview's data and renders its map."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ecology.settings import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("built")


def test_warming_up_renders_the_overview_map_with_local_leaflet_and_freezes_what_it_loaded_with_collection_back_on():
    # A fresh process, as a server is. The Overview's base map is rendered (from the app's own Leaflet,
    # never a CDN's); what was loaded is frozen, so that later garbage collections do not walk it again,
    # and collection, paused while it loaded, is on again.
    code = ("import sys; from ecology.ui import serving, mapview, loaders, overview_sections as o; "
            "seconds = serving.warm_up(report=lambda m: None); import gc; "
            "from ecology.maps import leaflet; "
            "base = mapview.keep_base(None, o.MAP_BASE_KEY); "
            "print(seconds > 0, base.js_links == ('/app/static/vendor/leaflet/leaflet.js',), "
            "base.script.count('geo_json_') > 0, gc.get_freeze_count() > 100_000, gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"] * 5
