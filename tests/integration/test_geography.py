"""The place tree, boundaries, point assignment and postcode geocoding, on the real build."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from ecology.places import geography

pytestmark = pytest.mark.usefixtures("built")


@pytest.fixture(scope="module")
def tree() -> geography.PlaceTree:
    return geography.PlaceTree.from_table(geography.place_table())


@pytest.fixture(scope="module")
def postcodes() -> geography.PostcodeTable:
    return geography.PostcodeTable.from_build()


@pytest.fixture(scope="module")
def assigner() -> geography.PointAssigner:
    return geography.PointAssigner.from_build()


def test_42_icbs_with_e54_codes():
    icbs = geography.load_boundaries("icb")
    assert len(icbs) == 42
    assert icbs["icb_code"].str.fullmatch(r"E54\d{6}").all()
    assert icbs["icb_code"].is_unique


def test_7_nhs_regions_each_holding_icbs():
    regions = geography.load_boundaries("region")
    assert sorted(regions["region_code"]) == ["E40000003", "E40000005", "E40000006", "E40000011",
                                              "E40000012", "E40000013", "E40000014"]
    icbs = geography.load_boundaries("icb")
    assert icbs.groupby("region_code").size().min() >= 3


def test_296_local_authorities_each_with_region_and_icb():
    lads = geography.load_boundaries("lad")
    assert len(lads) == 296
    assert lads["lad_code"].str.match(r"E0[6789]").all()
    assert lads["icb_code"].str.fullmatch(r"E54\d{6}").all()
    assert lads["region_code"].str.fullmatch(r"E40\d{6}").all()
    assert lads["ons_region_code"].str.fullmatch(r"E12\d{6}").all()
    assert ((lads["icb_share"] > 0.5) & (lads["icb_share"] <= 1)).all()


def test_manchester_parents():
    lads = geography.load_boundaries("lad").set_index("lad_code")
    manchester = lads.loc["E08000003"]
    assert manchester["lad_name"] == "Manchester"
    assert manchester["icb_code"] == "E54000057"  # NHS Greater Manchester ICB
    assert manchester["icb_share"] == 1.0
    assert manchester["region_code"] == "E40000014"  # North West NHS region
    assert manchester["cauth_name"] == "Greater Manchester"


def test_split_local_authority_keeps_its_share():
    shares = pd.read_parquet(geography.paths.build_dir() / "lad_icb_shares.parquet")
    split = shares[shares["lad_code"].duplicated(keep=False)]
    assert split["lad_code"].nunique() == 13
    north_yorkshire = shares[shares["lad_code"] == "E06000065"]
    assert len(north_yorkshire) >= 2
    assert north_yorkshire["icb_share"].sum() == pytest.approx(1.0)
    assert north_yorkshire["is_majority"].sum() == 1


@pytest.mark.parametrize("level", ["region", "icb", "lad"])
def test_web_boundaries_share_edges_without_gaps_or_overlaps(level):
    web = geography.load_boundaries(level).to_crs("EPSG:27700")
    assert web.is_valid.all()
    assert shapely.coverage_is_valid(web.geometry.values)
    union = shapely.union_all(web.geometry.values)
    # No overlaps: the parts add up to the whole (to within 0.01 km2).
    assert web.area.sum() - union.area < 10_000
    # No gaps: no hole inside England larger than 100 m2.
    holes = [shapely.Polygon(ring).area for part in shapely.get_parts(union) for ring in part.interiors]
    assert max(holes, default=0) < 100


def test_web_boundaries_stay_close_to_the_source():
    web = geography.load_boundaries("icb").to_crs("EPSG:27700").set_index("icb_code")
    full = geography.load_boundaries("icb", full=True).to_crs("EPSG:27700").set_index("icb_code")
    ratio = web.area / full.area.reindex(web.index)
    assert ratio.between(0.97, 1.03).all(), ratio.sort_values()


def test_place_tree(tree):
    assert tree.get("E92000001")["label"] == "England"
    assert len(tree.children("E92000001")) == 7
    assert sum(len(tree.children(region)) for region in tree.children("E92000001")) == 42
    assert len(tree.lads_within("E92000001")) == 296
    assert tree.ancestors("E08000003") == ["E92000001", "E40000014", "E54000057"]
    assert "E08000003" in tree.lads_within("E54000057")
    assert "E08000003" in tree.lads_within("E40000014")
    assert tree.lads_within("E08000003") == ["E08000003"]
    assert tree.places["label"].is_unique
    assert tree.code_for_label("NHS Greater Manchester ICB") == "E54000057"
    assert tree.code_for_label("Nowhere") is None


@pytest.mark.parametrize("given, lad_code, icb_code", [
    ("M1 1AE", "E08000003", "E54000057"),     # Manchester
    ("ls1 4ap", "E08000035", "E54000054"),    # Leeds, lower case
    ("BD11HY", "E08000032", "E54000054"),     # Bradford, no space
    (" sw1a  1aa ", "E09000033", "E54000027"),  # Westminster, stray spaces
    ("CB2 1TN", "E07000008", "E54000056"),    # Cambridge
    ("PL1 2AA", "E06000026", "E54000037"),    # Plymouth
])
def test_known_postcodes_geocode_inside_the_right_local_authority(postcodes, assigner, given, lad_code, icb_code):
    found = postcodes.geocode([given])
    assert found.loc[0, "status"] == "ok"
    codes = assigner.assign(found["lon"], found["lat"])
    assert codes.loc[0, "lad_code"] == lad_code
    assert codes.loc[0, "icb_code"] == icb_code


def test_geocode_reports_why_a_postcode_has_no_location(postcodes):
    found = postcodes.geocode(["ZZ9 9ZZ", "not a postcode", None, "", "M1 1AE", "M1 1AE"]).set_index("input")
    assert found.loc["ZZ9 9ZZ", "status"] == "not_found"
    assert found.loc["not a postcode", "status"] == "invalid"
    assert "postcode" in found.loc["not a postcode", "reason"]
    assert np.isnan(found.loc["ZZ9 9ZZ", "lat"])
    tidy = postcodes.geocode(["m11ae"]).loc[0]
    assert (tidy["postcode"], tidy["lat"], tidy["lon"]) == ("M1 1AE", 53.48348, -2.23118)


def test_geocode_flags_postcodes_listed_without_coordinates(postcodes):
    without = np.flatnonzero(~np.isfinite(postcodes.lat))
    assert len(without) == 24_087
    # Decode one such key back to text and look it up as a user would.
    key = int(postcodes.keys[without[0]])
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    chars = []
    for _ in range(7):
        key, digit = divmod(key, 37)
        chars.append(alphabet[digit - 1] if digit else "")
    text = "".join(reversed(chars))
    found = postcodes.geocode([text.lower()]).loc[0]
    assert found["status"] == "no_coordinates"
    assert "without a location" in found["reason"]


def test_assign_handles_missing_sea_and_coastal_points(assigner):
    codes = assigner.assign([np.nan, -4.0, -3.0], [np.nan, 50.0, 51.5])
    assert codes.isna().all().all()  # no coordinates; the Channel; the Bristol Channel far offshore
    # Blackpool's sea front sits just outside the generalised coastline.
    coastal = assigner.assign([-3.0553], [53.8175])
    assert coastal.loc[0, "lad_code"] == "E06000009"


def test_assign_is_vectorised_and_consistent(assigner):
    rng = np.random.default_rng(7)
    lon = rng.uniform(-2.5, -2.0, 2000)
    lat = rng.uniform(53.3, 53.6, 2000)
    codes = assigner.assign(lon, lat)
    assert len(codes) == 2000
    assert codes["lad_code"].notna().all()
    assert set(codes["region_code"].dropna()) <= {"E40000014", "E40000011", "E40000012"}


def test_assigned_codes_always_nest(assigner):
    """A point's ICB is one of its local authority's ICBs, and its region is that ICB's region."""
    rng = np.random.default_rng(11)
    lon = rng.uniform(-3.5, 0.5, 20_000)  # the north of England, where several districts are split
    lat = rng.uniform(53.5, 55.0, 20_000)
    codes = assigner.assign(lon, lat).dropna()
    shares = pd.read_parquet(geography.paths.build_dir() / "lad_icb_shares.parquet")
    allowed = set(zip(shares["lad_code"], shares["icb_code"]))
    assert len(codes) > 5_000
    assert all(pair in allowed for pair in zip(codes["lad_code"], codes["icb_code"]))
    icb_region = geography.load_boundaries("icb").set_index("icb_code")["region_code"]
    assert (codes["icb_code"].map(icb_region) == codes["region_code"]).all()
    # Points in a split district really do take the other ICB where they lie in it.
    north_yorkshire = codes[codes["lad_code"] == "E06000065"]
    assert north_yorkshire["icb_code"].nunique() >= 2
