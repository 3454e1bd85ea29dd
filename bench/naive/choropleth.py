"""Naive ICS maturity / Coverage gaps map: a choropleth of every local authority at full resolution."""

import folium
import streamlit as st
from streamlit_folium import st_folium

from bench.naive import common

column = st.sidebar.selectbox("Colour by", ["imd2025_imd_average_score", "total_population"], key="colour")
areas = common.full_boundaries("lad")
values = common.table("lad_indicators").set_index("lad_code")
st.title("Areas")
fmap = common.england_map()
top = float(values[column].max()) if column in values else 1.0
folium.GeoJson(areas, style_function=lambda f: {
    "fillColor": "#d55e00", "weight": 0.5,
    "fillOpacity": float(values[column].get(f["properties"].get("lad_code"), 0) or 0) / top
    if column in values else 0.5}).add_to(fmap)
st_folium(fmap, height=560, width=None, returned_objects=[])
