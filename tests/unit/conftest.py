"""Unit tests: pure functions on small tables made in the tests themselves.

They run from a bare clone, with no data build and no ``../shared``: every test here sees an empty
build folder, an empty download cache and a raw mirror that does not exist, so one that reaches for
the real data fails here instead of passing on a machine that happens to have it. Tests that need
the build or the seeds live in ``tests/integration``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

NOWHERE = {"ECOLOGY_BUILD_DIR": "build", "ECOLOGY_CACHE_DIR": "cache", "ECOLOGY_SNAPSHOTS_DIR": "snapshots",
           "ECOLOGY_RAW_DIR": "raw",
           "ECOLOGY_SEEDS_DIR": "seeds", "ECOLOGY_EVIDENCE_FILE": "evidence.csv"}


@pytest.fixture(scope="session")
def built() -> None:
    """The data build is not there for unit tests: asking for it fails, naming where the test belongs."""
    pytest.fail("a unit test runs without the data build: a test that needs it belongs in tests/integration")


@pytest.fixture(scope="package", autouse=True)
def no_data_anywhere():
    """Point the build, cache, raw mirror, seeds and evidence at nothing for every unit test (module
    fixtures included, which run before a test's own monkeypatch)."""
    with pytest.MonkeyPatch.context() as patch:
        nowhere = Path(tempfile.mkdtemp(prefix="ecology-unit-no-data-"))
        for variable, path in NOWHERE.items():
            patch.setenv(variable, str(nowhere / path))
        patch.setenv("ECOLOGY_DOWNLOAD_BASE", "http://127.0.0.1:9/no-downloads-in-unit-tests")
        yield
