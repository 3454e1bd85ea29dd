"""Drawing the light SVG charts of ``ecology.reports.svg_charts`` on a page."""

from __future__ import annotations

import streamlit as st


def show(chart: str) -> None:
    """Draw an SVG chart (every text in it already escaped), scrolling sideways when the column is
    narrower than the chart's minimum width.

    Through Markdown's raw HTML: ``st.html`` sanitises SVG away."""
    st.markdown(f"<div class='svg-chart' style='overflow-x:auto'>{chart}</div>", unsafe_allow_html=True)
