"""Drawing the light SVG charts of ``ecology.reports.svg_charts`` on a page.

Through a small v2 component that puts the chart's markup in the page as it is: ``st.html``
sanitises SVG away, and Markdown's raw HTML (what drew them before) parses every element of a
296-point scatter through its Markdown and HTML pipeline on each rerun. Every text in a chart is
escaped where the chart is made (``svg_charts``), so the markup is trusted as it stands.
"""

from __future__ import annotations

import streamlit as st

CSS_CLASS = "svg-chart"

# The chart replaces the last one drawn in the same place; a rerun with the same chart leaves it.
_JS = """
const shown = new WeakMap(); // the chart's box -> the markup drawn in it

export default function draw({data, parentElement}) {
  let box = parentElement.querySelector(":scope > div.%s");
  if (!box) {
    box = document.createElement("div");
    box.className = "%s";
    box.style.overflowX = "auto";
    parentElement.appendChild(box);
  }
  if (shown.get(box) !== data.svg) {
    box.innerHTML = data.svg;
    shown.set(box, data.svg);
  }
}
""" % (CSS_CLASS, CSS_CLASS)

_chart_component = st.components.v2.component("ecology.svg_chart", js=_JS, isolate_styles=False)


def show(chart: str) -> None:
    """Draw an SVG chart (every text in it already escaped), scrolling sideways when the column is
    narrower than the chart's minimum width."""
    _chart_component(data={"svg": chart})
