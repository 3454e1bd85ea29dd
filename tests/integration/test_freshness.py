"""Freshness: the stale queue and its checking list, "never verified", and edits that never fake a check."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ecology import schema
from ecology.places import geography
from ecology.register import editing, export, freshness


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


# -- a missing date reads "never verified" wherever a date is shown --------------------------------

def test_the_checking_list_says_never_verified_for_a_missing_date(tree):
    found = freshness.stale(_records(), pd.Timestamp("2026-11-22"), 12)
    table = freshness.checking_list(found, tree).set_index("Record id")
    assert table.loc["c", "Last verified"] == "never verified"
    assert table.loc["b", "Last verified"] == "2025-11-20"
    assert "never verified" in export.table_to_csv(table.reset_index())


def test_the_asset_list_details_and_map_popups_say_never_verified(tree):
    from ecology.analysis import asset_list
    from ecology.maps import asset_map

    records = _records().assign(latitude=53.48, longitude=-2.24)
    listed = asset_list.display_table(records, tree)
    assert listed["Last verified"].tolist() == ["2026-06-01", "2025-11-20", "never verified", "2020-01-01"]
    details = dict(asset_list.details(records.iloc[2], tree).itertuples(index=False))
    assert details["Last verified"] == "never verified"
    rows, mode = asset_map._rows(records, np.zeros(len(records), dtype=int))
    assert mode == "detail" and rows[2][-1] == "never verified" and rows[0][-1] == "01 Jun 2026"


# -- saving an edit never marks a record verified by itself ----------------------------------------

@pytest.fixture(scope="module")
def places(built):
    return geography.PostcodeTable.from_build(), geography.PointAssigner.from_build()


STORED = {"asset_id": "museum:1", "name": "Science and Industry Museum", "kind": "venue", "status": "active",
          "postcode": "M3 4FP", "latitude": 53.47673, "longitude": -2.25374, "source": "Mapping Museums",
          "licence": "CC BY", "attribution": "Mapping Museums", "is_sample": False,
          "last_verified": dt.date(2021, 9, 30), "verified_by": "dana", "version": 2,
          "lad_code": "E08000003", "icb_code": "E54000057", "region_code": "E40000014"}
TODAY = pd.Timestamp("2026-11-22")


def _check(places, values: dict, base: dict, record_id: str | None, **tick):
    postcodes, assigner = places
    existing = pd.DataFrame({"asset_id": ["museum:1"], "name": [STORED["name"]], "postcode": ["M3 4FP"]})
    form = {"name": base.get("name"), "kind": base.get("kind"), "status": base.get("status"),
            "postcode": base.get("postcode"), "latitude": editing.number_text(base.get("latitude")),
            "longitude": editing.number_text(base.get("longitude")), **values}
    return editing.check(form, record_id=record_id, base=base, postcodes=postcodes, assigner=assigner,
                         existing=existing, today=TODAY, **tick)


def test_saving_an_edit_without_the_tick_leaves_the_verification_as_it_was(places):
    checked = _check(places, {"website": "https://example.org/museum"}, STORED, "museum:1")
    assert checked.record is not None
    assert editing.changes(STORED, checked.record) == {"website": "https://example.org/museum"}
    assert (checked.record["last_verified"], checked.record["verified_by"]) == (dt.date(2021, 9, 30), "dana")
    assert not [i for i in checked.issues if i.field == "last_verified"]  # no "no date" warning for a form


def test_ticking_i_checked_this_today_records_today_and_the_editor(places):
    checked = _check(places, {}, STORED, "museum:1", checked_today=True, editor="alice")
    assert editing.changes(STORED, checked.record) == {"last_verified": TODAY, "verified_by": "alice"}


def test_a_new_record_is_never_verified_unless_its_editor_ticks_the_box(places):
    new = {"name": "Stitch and Natter", "postcode": "BD1 1HY"}
    unticked = _check(places, new, editing.blank(), None)
    assert unticked.record is not None and pd.isna(unticked.record["last_verified"])
    assert unticked.record["verified_by"] is None
    ticked = _check(places, new, editing.blank(), None, checked_today=True, editor="alice")
    assert (ticked.record["last_verified"], ticked.record["verified_by"]) == (TODAY, "alice")


def test_a_tick_without_an_editor_name_is_refused(places):
    with pytest.raises(ValueError, match="editor"):
        _check(places, {}, STORED, "museum:1", checked_today=True)
