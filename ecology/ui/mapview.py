"""Showing a folium map in a page, and its legend."""

from __future__ import annotations

import html

import folium
import streamlit as st
from streamlit_folium import st_folium


def show_map(fmap: folium.Map, key: str, height: int = 560) -> None:
    """Render a map at the container's width. Pans and zooms do not rerun the page."""
    # render=False: st_folium renders the map itself once more either way; its first, whole-page
    # render gave the same HTML here (checked for folium 0.20 / streamlit-folium 0.27) and cost ~50 ms.
    st_folium(fmap, key=key, height=height, width=None, returned_objects=[], render=False)


def legend(title: str, items: list[tuple[str, str]]) -> None:
    """Render a colour legend as text beside the map (readable by screen readers)."""
    swatches = "".join(
        f"<span style='display:inline-flex;align-items:center;margin:0 12px 4px 0'>"
        f"<span style='width:14px;height:14px;background:{html.escape(colour)};display:inline-block;"
        f"margin-right:6px;border:1px solid #666'></span>{html.escape(label)}</span>"
        for colour, label in items
    )
    st.markdown(f"<div aria-label='{html.escape(title)}'><b>{html.escape(title)}</b><br>{swatches}</div>",
                unsafe_allow_html=True)
