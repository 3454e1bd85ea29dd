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
for row in assets.itertuples():
    if row.latitude == row.latitude and row.longitude == row.longitude:  # not NaN
        folium.Marker([row.latitude, row.longitude],
                      popup=f"<b>{html.escape(str(row.name))}</b><br>{html.escape(str(row.organisation or ''))}"
                      ).add_to(fmap)
st_folium(fmap, height=520, width=None, returned_objects=[])
