"""Freshness: the stale queue and its checking list."""

from __future__ import annotations

import pandas as pd
import pytest

from ecology import export, freshness, geography, schema


@pytest.fixture(scope="module")
def tree(built) -> geography.PlaceTree:
    return geography.PlaceTree.from_table(geography.place_table())


def _records() -> pd.DataFrame:
    return schema.conform(pd.DataFrame({
        "asset_id": ["a", "b", "c", "d"],
        "name": ["Fresh", "Just stale", "Never checked", "=HYPERLINK(\"x\")"],
        "last_verified": ["2026-06-01", "2025-11-20", None, "2020-01-01"],
        "lad_code": ["E08000003", "E08000003", "E08000032", "E08000032"],
        "icb_code": ["E54000057", "E54000057", "E54000054", "E54000054"],
        "is_sample": [False, False, True, False],
    }))


def test_stale_records_are_those_not_verified_within_the_threshold_never_verified_first():
    found = freshness.stale(_records(), pd.Timestamp("2026-11-22"), 12)
    assert list(found["asset_id"]) == ["c", "d", "b"]
    assert found["months_since_verified"].iloc[1:].tolist() == [83.0, 12.0]
    assert list(freshness.stale(_records(), pd.Timestamp("2026-11-22"), 6)["asset_id"]) == ["c", "d", "b"]
    assert list(freshness.stale(_records(), pd.Timestamp("2026-11-22"), 120)["asset_id"]) == ["c"]


def test_the_threshold_comes_from_the_environment_with_a_safe_default(monkeypatch):
    monkeypatch.setenv("ECOLOGY_STALE_MONTHS", "18")
    assert freshness.stale_months() == 18
    for bad in ("", "0", "-3", "twelve"):
        monkeypatch.setenv("ECOLOGY_STALE_MONTHS", bad)
        assert freshness.stale_months() == 12


def test_the_checking_list_groups_by_place_and_exports_without_formulas(tree):
    found = freshness.stale(_records(), pd.Timestamp("2026-11-22"), 12)
    table = freshness.checking_list(found, tree)
    assert list(table["Local authority"]) == ["Bradford", "Bradford", "Manchester"]
    counts = freshness.by_place(found, tree)
    assert counts.iloc[0].tolist() == ["Bradford", tree.label("E54000054"), 2]
    text = export.table_to_csv(table)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert text.splitlines()[0].startswith("Local authority,Name,")
