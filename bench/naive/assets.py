"""Naive Assets map: one folium Marker with an HTML popup per asset, read from disk on every run."""

import html

import folium
import streamlit as st
from streamlit_folium import st_folium

from bench.naive import common

cost = st.sidebar.multiselect("Cost", ["free", "low_cost", "paid"], key="cost")
assets = common.table("assets")
if cost:
    assets = assets[assets["cost"].isin(cost)]
st.title("Assets")
st.markdown(f"**{len(assets):,} assets** match.")
fmap = common.england_map()
located = assets.dropna(subset=["latitude", "longitude"])
for name, organisation, lat, lon in zip(located["name"].fillna(""), located["organisation"].fillna(""),
                                        located["latitude"], located["longitude"]):
    folium.Marker([lat, lon], popup=f"<b>{html.escape(str(name))}</b><br>{html.escape(str(organisation))}").add_to(fmap)
st_folium(fmap, height=520, width=None, returned_objects=[])
