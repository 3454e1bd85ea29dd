"""Naive Coverage gaps map: need against provision for every local authority, worked out afresh on
every run. The assets are read from disk and placed in their authorities by a spatial join on the
full-resolution boundaries; each authority is coloured by how far its need outranks its provision
(assets per 10,000 residents), for all themes or for dementia alone."""

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from bench.naive import common

NEED = {"all": "imd_score", "dementia": "dem_prevalence"}

theme = st.sidebar.selectbox("Theme", list(NEED), key="theme")
assets = common.table("assets")
assets = assets[(assets["status"] == "active") & ~assets["is_sample"].astype(bool)]
if theme != "all":
    assets = assets[assets["health_focus"].fillna("").str.contains(f"|{theme}|", regex=False)]
areas = common.full_boundaries_frame("lad")
points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(assets["longitude"], assets["latitude"]), crs="EPSG:4326")
counts = gpd.sjoin(points, areas[["lad_code", "geometry"]], predicate="within")["lad_code"].value_counts()
need = common.table("lad_need").set_index("lad_code")
areas["provision"] = areas["lad_code"].map(counts).fillna(0) / areas["lad_code"].map(need["pop21_total"]) * 10_000
areas["need"] = areas["lad_code"].map(need[NEED[theme]])
# Positive where an authority ranks higher for need than for provision: a gap.
areas["gap"] = areas["need"].rank(pct=True) - areas["provision"].rank(pct=True)
st.title("Coverage gaps")
st.markdown(f"**{len(assets):,} assets** placed in {int((counts > 0).sum())} local authorities.")
fmap = common.england_map()
folium.GeoJson(
    areas[["lad_code", "provision", "need", "gap", "geometry"]].to_json(drop_id=True),
    style_function=lambda feature: {
        "weight": 0.5, "color": "#ffffff", "fillOpacity": 0.8,
        "fillColor": "#d55e00" if (feature["properties"]["gap"] or 0) > 0.25 else
                     "#0072b2" if (feature["properties"]["gap"] or 0) < -0.25 else "#cccccc"},
    tooltip=folium.GeoJsonTooltip(["lad_code", "provision", "need", "gap"])).add_to(fmap)
st_folium(fmap, height=560, width=None, returned_objects=[])
