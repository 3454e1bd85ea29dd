"""The shipped Streamlit settings are safe for a public deployment."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_viewers_never_see_error_details_or_tracebacks():
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"


def test_xsrf_and_cors_protection_are_on_and_uploads_are_capped():
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert server["maxUploadSize"] <= 50  # MB; the import refuses files over 20 MB itself


def test_reruns_pay_neither_a_full_garbage_collection_nor_a_walk_of_the_loaded_modules():
    # Each was a large share of the server's CPU under load (bench load, bench/RESULTS.md).
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert settings["runner"]["postScriptGC"] is False
    assert settings["server"]["fileWatcherType"] == "none"
