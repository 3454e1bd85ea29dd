"""Naive Overview: every ICB and local authority at full resolution, redrawn from disk on every run."""

import folium
import streamlit as st
from streamlit_folium import st_folium

from bench.naive import common

place = st.sidebar.selectbox("Place", ["E92000001", "E08000032"], key="place")
st.title("England" if place == "E92000001" else "Bradford")
fmap = common.england_map()
folium.GeoJson(common.full_boundaries("icb"), name="ICBs").add_to(fmap)
folium.GeoJson(common.full_boundaries("lad"), name="Local authorities").add_to(fmap)
st_folium(fmap, height=480, width=None, returned_objects=[])
