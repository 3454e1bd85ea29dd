"""Shared fixtures: the data build the unit and page tests read."""

from __future__ import annotations

import pytest

from ecology import build


@pytest.fixture(scope="session")
def built() -> None:
    """Make sure data/build is complete (a no-op when it is up to date)."""
    build.build(report=lambda _message: None)
