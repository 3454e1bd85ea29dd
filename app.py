"""Overview: the chosen place in numbers and on one map (the app's home page)."""

import streamlit as st

from ecology import maps, overview
from ecology.ui import loaders, mapview, shell

context = shell.setup("app.py")
tree, code = context.tree, context.place_code
summary = overview.summarise(tree, loaders.gap_inputs(), code)

st.title(summary.label)
st.caption(summary.context_line)

figures = st.columns(4)
figures[0].metric("Residents (Census 2021)", f"{summary.population:,}")
figures[1].metric("Aged 65+", f"{summary.share_65_plus:.1%}")
figures[2].metric("IMD 2025 average score", f"{summary.imd2025_average_score:.1f}",
                  help="Index of Multiple Deprivation: higher means more deprived. Areas larger than a "
                       "local authority are averages of their local authorities weighted by Census 2021 "
                       "residents (a split authority by its residents in each ICB). "
                       f"IMD 2019 score: {summary.imd2019_average_score:.1f} (editions use different "
                       "indicators, so the two are not strictly comparable).")
if summary.imd2025_rank is not None:
    figures[3].metric("IMD 2025 rank", f"{summary.imd2025_rank} of 296", help="1 = most deprived district")
else:
    figures[3].metric("Local authorities", f"{summary.n_local_authorities}")

icbs = loaders.web_layer("icb")
level = tree.get(code)["level"]
focus_lads = None if level == "england" else maps.select_features(
    loaders.web_layer("lad"), "lad_code", tree.lads_within(code))
fmap = maps.overview_map(icbs, focus_lads)

table = overview.sub_areas(tree, loaders.gap_inputs(), code)
map_column, list_column = st.columns([3, 2])
with map_column:
    mapview.show_map(fmap, key="overview-map")
    mapview.legend("NHS regions", maps.legend_items(icbs))
with list_column:
    heading = {"england": "NHS regions", "region": "Integrated care boards",
               "icb": "Local authorities", "lad": "This local authority"}[level]
    st.subheader(heading)
    st.dataframe(
        table.drop(columns=["code"]), hide_index=True, width="stretch",
        column_config={
            "name": "Name", "local_authorities": "Local authorities",
            "population": st.column_config.NumberColumn("Population", format="localized"),
            "imd2025_average_score": st.column_config.NumberColumn("IMD 2025", format="%.1f", help="Average score; higher = more deprived"),
            "share_65_plus": st.column_config.NumberColumn("Aged 65+", format="percent"),
        },
    )
real_assets, sample_offers = overview.asset_counts(loaders.assets(), tree, code)
st.page_link("pages/1_Assets.py", label=f"{real_assets:,} real venues (museums, libraries and cinemas) and "
             f"{sample_offers:,} generated sample offers in {summary.label}: see them on the Assets page",
             icon=":material/location_on:", query_params=shell.link_params(context))
st.info("Practitioners, ICS maturity stage and gap rank join this overview as those pages are built.",
        icon=":material/info:")
shell.attribution(["icb_boundaries", "nhs_regions", "lad_boundaries", "lsoa_icb_lookup", "imd2025",
                   "imd2019", "census2021"])
