"""Small modules on the real build: overview figures, IMD 2019 labels, the asset list."""

from __future__ import annotations
import pandas as pd
import pytest
from ecology.analysis import gaps, overview
from ecology.places import geography


@pytest.mark.usefixtures("built")
def test_overview_figures_are_census_2021_and_weighted_by_residents():
    tree = geography.PlaceTree.from_table(geography.place_table())
    inputs = gaps.load_inputs()
    england = overview.summarise(tree, inputs, "E92000001")
    assert england.population == 56_489_608  # Census 2021 usual residents
    assert england.n_local_authorities == 296
    manchester = overview.summarise(tree, inputs, "E08000003")
    assert manchester.imd2025_rank == 4
    assert manchester.imd2025_average_score == pytest.approx(38.677)
    assert manchester.imd2019_average_score == pytest.approx(40.005)
    assert manchester.combined_authority == "Greater Manchester"
    assert manchester.breadcrumb == ("England", "North West (NHS region)", "NHS Greater Manchester ICB")
    gm = overview.summarise(tree, inputs, "E54000057")
    assert gm.n_local_authorities == 10 and gm.imd2025_rank is None
    regions = overview.sub_areas(tree, inputs, "E92000001")
    assert len(regions) == 7 and regions["population"].sum() == pytest.approx(56_489_608, abs=7)
    assert regions["imd2025_average_score"].is_monotonic_decreasing


@pytest.mark.usefixtures("built")
def test_imd2019_uses_official_values_and_labels_the_rest():
    indicators = geography.load_indicators().set_index("lad_code")
    assert indicators.loc["E08000003", "imd2019_basis"] == "official LAD 2019 summary"
    reaggregated = indicators[indicators["imd2019_basis"].str.startswith("re-aggregated")]
    assert sorted(reaggregated.index) == ["E06000060", "E06000061", "E06000062", "E06000063",
                                          "E06000064", "E06000065", "E06000066"]
    assert indicators["imd2019_imd_average_score"].notna().all()
    assert indicators["imd2025_health_average_score"].notna().all()


@pytest.mark.usefixtures("built")
def test_asset_list_table_and_details():
    from ecology import schema
    from ecology.analysis import asset_list

    assets = schema.conform(pd.read_parquet(geography.paths.build_dir() / "assets.parquet"))
    tree = geography.PlaceTree.from_table(geography.place_table())
    table = asset_list.display_table(assets.head(50), tree)
    assert tuple(table.columns) == asset_list.LIST_COLUMNS and len(table) == 50
    offer = assets[assets["is_sample"]].iloc[0]
    details = dict(asset_list.details(offer, tree).itertuples(index=False))
    assert details["Sample record"].startswith("yes") and details["Email"].endswith("@example.org")
    assert asset_list.file_stem("NHS West Yorkshire ICB", pd.Timestamp("2026-11-22")) == \
        "assets-nhs-west-yorkshire-icb-2026-11-22"


@pytest.mark.usefixtures("built")
def test_asset_list_sends_repeating_columns_as_sorted_categories_and_empty_ones_as_text():
    from ecology import schema
    from ecology.analysis import asset_list

    assets = schema.conform(pd.read_parquet(geography.paths.build_dir() / "assets.parquet")).head(400)
    tree = geography.PlaceTree.from_table(geography.place_table())
    table = asset_list.display_table(assets, tree)
    assert isinstance(table["Kind"].dtype, pd.CategoricalDtype)
    assert isinstance(table["Local authority"].dtype, pd.CategoricalDtype)
    for column in ("Kind", "Local authority", "Last verified"):
        categories = list(table[column].cat.categories)
        assert categories == sorted(categories)  # the grid's order by code is then the text's order
    # Some of these assets name no organisation: that column stays text, so the grid shows it blank.
    assert table["Organisation"].eq("").any() and not isinstance(table["Organisation"].dtype, pd.CategoricalDtype)
    assert table["Kind"].astype("string").tolist() == \
        schema.labels_column("kind", assets["kind"]).reset_index(drop=True).tolist()
