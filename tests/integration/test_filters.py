"""Filtering the asset table: each filter alone, combined, place at every level, distance."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from ecology import schema
from ecology.analysis import filters
from ecology.cli import assets as assets_command
from ecology.cli.options import UsageError
from ecology.places import geography
from ecology.analysis.filters import AssetFilter

pytestmark = pytest.mark.usefixtures("built")
TODAY = pd.Timestamp("2026-11-22")


@pytest.fixture(scope="module")
def tree() -> geography.PlaceTree:
    return geography.PlaceTree.from_table(geography.place_table())


def _row(asset_id, **values):
    base = {"asset_id": asset_id, "name": asset_id.title(), "kind": "programme", "latitude": 53.79,
            "longitude": -1.75, "lad_code": "E08000032", "icb_code": "E54000054", "region_code": "E40000012",
            "last_verified": "2026-10-01", "is_sample": False}
    base.update(values)
    return base


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """Six hand-made assets whose answers are known for every filter."""
    rows = [
        _row("choir", activities="|singing|", health_focus="|dementia|mental_health|", audiences="|older_people|",
             settings="|community|", referral_routes="|self|link_worker|", cost="free", organisation="Bradford Voices"),
        _row("museum", kind="venue", activities="|heritage_museums|", settings="|cultural_venue|",
             last_verified="2021-09-30", latitude=53.80, longitude=-1.76),
        _row("dance", activities="|dance|", health_focus="|falls_frailty|", audiences="|older_people|",
             settings="|care_home|", referral_routes="|gp|", cost="paid", is_sample=True,
             lad_code="E08000035", icb_code="E54000054", latitude=53.80, longitude=-1.55),
        _row("art", activities="|visual_arts|", health_focus="|mental_health|", audiences="|young_people|",
             settings="|school|", referral_routes="|secondary_care|", cost="low_cost", is_sample=True,
             lad_code="E08000003", icb_code="E54000057", region_code="E40000014", latitude=53.48, longitude=-2.24,
             last_verified="2025-01-01"),
        _row("library", kind="venue", activities="|creative_writing_reading|", lad_code="E09000033",
             icb_code="E54000027", region_code="E40000003", latitude=51.50, longitude=-0.14,
             last_verified="2023-12-31"),
        _row("garden", activities="|nature_gardening|", health_focus="|loneliness_isolation|",
             audiences="|adults|", settings="|community|", referral_routes="|link_worker|", cost="free",
             organisation="Green Minds", latitude=np.nan, longitude=np.nan),
    ]
    return schema.conform(pd.DataFrame(rows))


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["asset_id"])


@pytest.mark.parametrize("chosen, expected", [
    (AssetFilter(as_of=TODAY), ["art", "choir", "dance", "garden", "library", "museum"]),
    # place at every level
    (AssetFilter(place="E40000012", as_of=TODAY), ["choir", "dance", "garden", "museum"]),
    (AssetFilter(place="E54000054", as_of=TODAY), ["choir", "dance", "garden", "museum"]),
    (AssetFilter(place="E08000032", as_of=TODAY), ["choir", "garden", "museum"]),
    (AssetFilter(place="E54000057", as_of=TODAY), ["art"]),
    (AssetFilter(place="E40000005", as_of=TODAY), []),
    # each filter alone
    (AssetFilter(health_focus=("mental_health",), as_of=TODAY), ["art", "choir"]),
    (AssetFilter(health_focus=("dementia", "falls_frailty"), as_of=TODAY), ["choir", "dance"]),
    (AssetFilter(activity=("singing",), as_of=TODAY), ["choir"]),
    (AssetFilter(audience=("older_people",), as_of=TODAY), ["choir", "dance"]),
    (AssetFilter(setting=("community",), as_of=TODAY), ["choir", "garden"]),
    (AssetFilter(referral_route=("link_worker",), as_of=TODAY), ["choir", "garden"]),
    (AssetFilter(cost=("free",), as_of=TODAY), ["choir", "garden"]),
    (AssetFilter(cost=("paid", "low_cost"), as_of=TODAY), ["art", "dance"]),
    (AssetFilter(kind=("venue",), as_of=TODAY), ["library", "museum"]),
    (AssetFilter(verified_within_months=6, as_of=TODAY), ["choir", "dance", "garden"]),
    (AssetFilter(verified_within_months=24, as_of=TODAY), ["art", "choir", "dance", "garden"]),
    (AssetFilter(include_sample=False, as_of=TODAY), ["choir", "garden", "library", "museum"]),
    (AssetFilter(include_venues=False, as_of=TODAY), ["art", "choir", "dance", "garden"]),
    (AssetFilter(search="green", as_of=TODAY), ["garden"]),  # matches the organisation, any case
    (AssetFilter(search="  CHOIR ", as_of=TODAY), ["choir"]),
    # combined
    (AssetFilter(place="E54000054", health_focus=("dementia",), cost=("free",), as_of=TODAY), ["choir"]),
    (AssetFilter(place="E40000012", include_sample=False, include_venues=False, as_of=TODAY), ["choir", "garden"]),
    (AssetFilter(audience=("older_people",), include_sample=False, verified_within_months=3, as_of=TODAY),
     ["choir"]),
])
def test_filters(table, tree, chosen, expected):
    assert ids(filters.apply(table, tree, chosen)) == expected


@pytest.mark.parametrize("from_point, to_point, km", [
    ((51.5074, -0.1278), (53.4808, -2.2426), 262.0),  # London to Manchester
    ((53.7960, -1.7594), (53.8008, -1.5491), 13.8),   # Bradford to Leeds centres
    ((50.0657, -5.7132), (58.6373, -3.0689), 968.9),  # Land's End to John o' Groats
])
def test_distance_against_known_distances(from_point, to_point, km):
    found = filters.distance_km(np.array([to_point[0]]), np.array([to_point[1]]), *from_point)[0]
    assert found == pytest.approx(km, rel=0.005)


def test_within_km_keeps_nearby_sorted_and_drops_unlocated(table, tree):
    near_bradford = AssetFilter(near=(53.7960, -1.7594), within_km=2.0, as_of=TODAY)
    found = filters.apply(table, tree, near_bradford)
    assert list(found["asset_id"]) == ["museum", "choir"]  # nearest first (0.4 km, 1.0 km); garden has no location
    assert found["distance_km"].is_monotonic_increasing
    assert ids(filters.apply(table, tree, AssetFilter(near=(53.7960, -1.7594), within_km=20, as_of=TODAY))) == [
        "choir", "dance", "museum"]


def test_describe_names_every_active_filter(tree):
    text = filters.describe(AssetFilter(place="E08000032", health_focus=("dementia",), cost=("free", "paid"),
                                        include_sample=False, search="choir", near=(53.8, -1.7), within_km=5,
                                        verified_within_months=12), tree)
    assert text == ("Bradford · Dementia · Free or Paid · verified in the last 12 months · real records only · "
                    "name or organisation contains “choir” · within 5 km")


def test_built_asset_table_is_valid_and_complete():
    assets = schema.conform(pd.read_parquet(geography.paths.build_dir() / "assets.parquet"))
    assert schema.validate(assets) == []
    assert assets["lad_code"].notna().all() and assets["icb_code"].notna().all()
    assert assets["asset_id"].str.startswith("museum:").sum() == 2513
    assert assets["asset_id"].str.startswith("library:").sum() > 2800
    sample = assets[assets["is_sample"]]
    assert len(sample) == 2000 and sample["source"].str.contains("sample").all()
    assert (assets.loc[~assets["is_sample"], "kind"] == "venue").all()
    ages = (pd.Timestamp("2026-11-01") - sample["last_verified"]).dt.days
    assert ages.min() < 60 and ages.max() > 365  # freshness varies
    # Spread like the population: Birmingham (largest) has more offers than Rutland (small).
    per_lad = sample["lad_code"].value_counts()
    assert per_lad.get("E08000025", 0) > per_lad.get("E06000017", 0)


def _cli_args(**overrides) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    assets_command.add_arguments(parser)
    argv = []
    for key, value in overrides.items():
        flag = "--" + key.replace("_", "-")
        for item in value if isinstance(value, list) else [value]:
            argv += [flag] if item is True else [flag, str(item)]
    return parser.parse_args(argv)


def test_cli_gives_the_same_rows_as_the_filter(tree, capsys):
    assets = schema.conform(pd.read_parquet(geography.paths.build_dir() / "assets.parquet"))
    args = _cli_args(place="E08000032", health_focus=["Dementia", "COPD"], format="geojson")
    chosen = assets_command.filter_from(args, tree, None)
    assert chosen.health_focus == ("dementia", "respiratory")
    expected = filters.apply(assets, tree, chosen)
    assert assets_command.run(_cli_args(place="E08000032", health_focus=["dementia", "respiratory"],
                                    format="geojson")) == 0
    document = json.loads(capsys.readouterr().out)
    assert sorted(f["properties"]["asset_id"] for f in document["features"]) == sorted(expected["asset_id"])


def test_cli_refuses_unknown_terms_and_places(tree):
    with pytest.raises(UsageError, match="unknown activity 'knitting'"):
        assets_command.filter_from(_cli_args(activity="knitting"), tree, None)
    with pytest.raises(UsageError, match="unknown place"):
        assets_command.filter_from(_cli_args(place="Atlantis"), tree, None)
    with pytest.raises(UsageError, match="postcode"):
        assets_command.filter_from(_cli_args(near="ZZ9 9ZZ"), tree, None)
    assert assets_command.filter_from(_cli_args(place="Bradford"), tree, None).place == "E08000032"


def test_nothing_matches_says_how_many_each_single_filter_hides(table, tree):
    # In Bradford: the choir (real, dementia), the museum and the garden. Asking for dance and
    # dementia finds nothing; loosening the activity finds the choir, loosening the theme nothing.
    chosen = AssetFilter(place="E08000032", activity=("dance",), health_focus=("dementia",))
    assert filters.apply(table, tree, chosen).empty
    text = filters.nothing_matches(table, tree, chosen)
    assert text.startswith("No asset in Bradford matches every filter. The register holds 3 assets there")
    assert "without the activity filter: 1" in text and "health focus" not in text


def test_nothing_matches_tells_when_the_place_is_empty_and_when_one_loosening_is_not_enough(table, tree):
    assert "holds no asset in" in filters.nothing_matches(table, tree, AssetFilter(place="E06000001"))
    chosen = AssetFilter(place="E08000032", activity=("dance",), search="zzz")
    assert filters.nothing_matches(table, tree, chosen).endswith("loosening any one filter still finds none: "
                                                                 "clear several.")
