"""The Practitioners page's sections: controls, cluster map, profiles, where support would help."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import streamlit as st

from ecology.analysis import clusters, privacy
from ecology.maps import leaflet
from ecology.register import export
from ecology.ui import loaders, mapview, static_html
from ecology.ui.shell import PageContext


def controls() -> tuple[float, int]:
    """Draw the radius and minimum-size controls (in the URL) and return them."""
    left, right = st.columns(2)
    radius = left.slider("Radius (km)", min_value=1, max_value=50, value=int(clusters.DEFAULT_RADIUS_KM), step=1, key="radius",
                         bind="query-params",
                         help="Practitioners whose postcode districts lie within this distance of each other can "
                              "form a cluster.")
    min_size = right.slider("Minimum cluster size", min_value=clusters.MIN_SIZE_FLOOR, max_value=100, value=clusters.DEFAULT_MIN_SIZE,
                            step=1, key="min", bind="query-params",
                            help="How many practitioners within the radius make a cluster. Never below 5, so no "
                                 "cluster points at individuals.")
    return float(radius), int(min_size)


def map_section(view: clusters.ClusterView, context: PageContext, radius: float, min_size: int) -> None:
    level = context.tree.get(context.place_code)["level"]
    bounds = None
    if level != "england":
        outline = leaflet.outline(loaders.web_layer(leaflet.LEVEL_LAYERS[level][0]), level, context.place_code)
        bounds = leaflet.bounds_of(outline)
    # The clusters depend on the register and the two settings only; the place moves the view.
    drawn = mapview.kept(("clusters", loaders.clustering_key(radius, min_size)), lambda: leaflet.cluster_map(
        view.shapes, view.circles, context=loaders.web_layer("icb")))
    mapview.show_layered(dataclasses.replace(drawn, view=leaflet.view_of(bounds, height_px=540)), key="clusters-map",
                         height=540, label="Map of practitioner clusters")
    st.caption("Circles sit at the middle of each cluster's postcode districts, sized by its rounded count of "
               "practitioners; the blue lines outline the area those districts span. No individual is placed on "
               "the map.")


def profile_section(view: clusters.ClusterView, radius: float, min_size: int) -> None:
    table = view.table
    # Lists of places and disciplines run long: one line each, the whole list in the tooltip and the CSV.
    static_html.table(table, max_height=420, label="Cluster profiles",
                      clipped=[c for c in table.columns if c != "Cluster"])
    stem = f"practitioner-clusters-{int(radius)}km-min{min_size}"
    left, right = st.columns(2)
    left.download_button("Cluster profiles (CSV)", icon=":material/download:", key="download-clusters-csv",
                         data=lambda: export.table_to_csv(table).encode("utf-8-sig"), file_name=f"{stem}.csv",
                         mime="text/csv", on_click="ignore")
    right.download_button("Cluster outlines (GeoJSON)", icon=":material/download:", key="download-clusters-geojson",
                          data=lambda: json.dumps(view.geojson()), file_name=f"{stem}.geojson",
                          mime="application/geo+json", on_click="ignore")


def support_section(view: clusters.ClusterView, context: PageContext) -> None:
    isolated = view.isolated
    left, right = st.columns(2)
    with left:
        st.markdown("**Local authorities with the most practitioners outside any cluster**")
        if context.tree.get(context.place_code)["level"] != "england":
            isolated = isolated[isolated["lad_code"].isin(context.tree.lads_within(context.place_code))]
        static_html.table(isolated.drop(columns=["lad_code"]).head(25), max_height=420,
                          label="Local authorities with the most practitioners outside any cluster")
    with right:
        st.markdown("**Clusters where training or supervision is thinnest**")
        gaps = clusters.support_gaps(view.raw)
        static_html.table(gaps.head(25), max_height=420,
                          label="Clusters where training or supervision is thinnest",
                          formats={"Lowest training share": "percent", "Supervision": "percent"},
                          clipped={"Local authorities"})
        st.caption("Shares are shown only where at least 5 practitioners said yes and 5 did not, in 10% steps.")


def summary_line(view: clusters.ClusterView) -> str:
    shown = view.summary()
    return (f"**{shown['clusters']}** clusters hold **{shown['inside']}** of {shown['total']} practitioners; "
            f"**{shown['outside']}** are outside any cluster (counts rounded to the nearest 5).")


def sample_notice(people: pd.DataFrame) -> None:
    sample = int(people["is_sample"].sum())
    if sample:
        st.warning(f"{privacy.count_text(sample)} of the {privacy.count_text(len(people))} practitioners (rounded "
                   "to 5) are **generated sample records**, not real "
                   "people. Import a real register on the Data page (postcode district only).",
                   icon=":material/science:")

