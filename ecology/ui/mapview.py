"""Showing a folium map in a page, and its legend."""

from __future__ import annotations

import html

import folium
import streamlit as st
from streamlit_folium import st_folium

from ecology.maps.leaflet import LayeredMap, MapView


def show_map(fmap: folium.Map, key: str, height: int = 560, *, layers: list[folium.FeatureGroup] | None = None,
             view: MapView | None = None) -> None:
    """Render a map at the container's width. Pans and zooms do not rerun the page.

    ``layers`` and ``view`` change a map already drawn in place: the browser keeps the map (its
    HTML, so its key, is the same) and only swaps those layers and moves to the view.
    """
    # render=False: st_folium renders the map itself once more either way; its first, whole-page
    # render gave the same HTML here (checked for folium 0.20 / streamlit-folium 0.27) and cost ~50 ms.
    # An empty list, not None, so the frontend removes the previous place's layers.
    st_folium(fmap, key=key, height=height, width=None, returned_objects=[], render=False,
              feature_group_to_add=[layer for layer in (layers or []) if layer is not None] if layers is not None
              else None,
              center=view.center if view else None, zoom=view.zoom if view else None)


def show_layered(drawn: LayeredMap, key: str, height: int = 560) -> None:
    """Render a layered map: its base once, its layers and view changed in place on later reruns."""
    show_map(drawn.base, key=key, height=height, layers=drawn.layers, view=drawn.view)


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
