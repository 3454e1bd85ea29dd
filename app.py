"""Overview: the whole picture of the chosen place for the chosen theme (the app's home page)."""

import streamlit as st

from ecology.analysis import overview
from ecology.maps import leaflet
from ecology.ui import loaders, mapview, overview_sections as sections, shell

context = shell.setup("app.py")
with shell.page_body(context):
    tree, code = context.tree, context.place_code
    theme = None if context.theme == shell.ALL_THEMES else context.theme
    summary = overview.summarise(tree, loaders.gap_inputs(), code)
    place = sections.profile_of(code, theme)

    st.title(summary.label)
    st.caption(f"{summary.context_line} · theme: {context.theme_label}")
    sections.headline_figures(place)
    sections.notes(place)

    icbs = loaders.web_layer("icb")
    level = tree.get(code)["level"]
    focus_lads = None if level == "england" else leaflet.select_features(
        loaders.web_layer("lad"), "lad_code", tree.lads_within(code))
    map_column, list_column = st.columns([3, 2])
    with map_column:
        # The map is the same for every place; the place's authorities and extent change in place.
        mapview.show_map(leaflet.overview_map(icbs), key="overview-map", height=480,
                         layers=[leaflet.focus_layer(focus_lads)],
                         view=leaflet.view_of(leaflet.bounds_of(focus_lads) if focus_lads else None),
                         base_key=sections.MAP_BASE_KEY, layers_key=("focus", code),
                         label="Map of the integrated care boards, coloured by NHS region")
        mapview.legend("NHS regions", leaflet.legend_items(icbs))
    with list_column:
        sections.sub_areas(tree, code, level)

    st.subheader("How it compares")
    sections.comparison(place)
    sections.maturity_section(place, context)
    st.subheader(f"Need against provision ({context.theme_label.lower()})")
    sections.need_and_provision(place)
    sections.top_gaps(place)
    st.subheader("Go further")
    sections.page_links(context, place)
    shell.attribution(["census2021", "imd2025", "qof_prevalence", "loneliness", "icb_boundaries", "nhs_regions",
                       "lad_boundaries", "lsoa_icb_lookup", "museums", "libraries", "cinemas", "ace_investment"])
