"""Naive Practitioners map: one folium Marker per practitioner (generated sample data only)."""

import folium
import streamlit as st
from streamlit_folium import st_folium

from bench.naive import common

radius = st.sidebar.slider("Radius (km)", 1, 50, 10, key="radius")
people = common.table("practitioners")
st.title("Practitioners")
fmap = common.england_map()
for row in people.itertuples():
    folium.Marker([row.latitude, row.longitude]).add_to(fmap)
folium.GeoJson(common.full_boundaries("icb"), name="ICBs").add_to(fmap)
st_folium(fmap, height=540, width=None, returned_objects=[])
