"""The warm start (ecology/ui/serving.warm_up) loads the Overview's data and never declares a component."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ecology.settings import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("built")


def test_warming_up_loads_the_overview_without_importing_streamlit_folium_and_freezes_what_it_loaded():
    # A fresh process, as a server is: streamlit-folium imported outside a script run would declare its
    # component unregistered, and every map would answer "Component not found". What it loaded is frozen,
    # so that later garbage collections do not walk it again.
    code = ("import sys; from ecology.ui import serving; seconds = serving.warm_up(report=lambda m: None); "
            "import gc; print(seconds > 0, 'streamlit_folium' in sys.modules, 'folium' in sys.modules, "
            "gc.get_freeze_count() > 100_000)")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "True", "True"]
