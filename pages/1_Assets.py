"""Assets: creative health assets on a map and in a list, filtered by place and theme."""

import json

import streamlit as st

from ecology import schema, text
from ecology.analysis import asset_list, filters, pcn
from ecology.maps import asset_map, leaflet
from ecology.register import export
from ecology.register.export import oruk_api
from ecology.ui import asset_filters, loaders, mapview, shell

context = shell.setup("pages/1_Assets.py")
with shell.page_body(context):
    view = asset_filters.filter_widgets(context)
    tree = context.tree
    found = filters.apply(loaders.assets(), tree, view.chosen)

    st.title("Assets")
    # The description and the postcode message repeat text from the URL: shown literally.
    st.caption(text.escape_markdown(filters.describe(view.chosen, tree)))
    if view.near_problem:
        st.warning(text.escape_markdown(view.near_problem), icon=":material/location_off:")
    sample_count = int(found["is_sample"].sum())
    if sample_count:
        notice, action = st.columns([4, 1], vertical_alignment="center")
        notice.warning(f"{sample_count:,} of the {len(found):,} records shown are **generated sample data**, "
                       "not real creative health offers.", icon=":material/science:")
        action.button("Hide sample records", on_click=asset_filters.hide_sample, key="hide-sample")

    count_column, *download_columns = st.columns([2, 1, 1, 1, 1], vertical_alignment="center")
    count_column.markdown(f"**{len(found):,} assets** match.")
    if found.empty:
        st.info(text.escape_markdown(filters.nothing_matches(loaders.assets(), tree, view.chosen)), icon=":material/search_off:")
    stem = asset_list.file_stem(context.place_label, view.chosen.as_of)
    exported = schema.conform(found)
    for column, (label, suffix, mime, make) in zip(download_columns, (
            # A byte-order mark lets Excel read the CSV as UTF-8.
            ("CSV", "csv", "text/csv", lambda: export.to_csv(exported).encode("utf-8-sig")),
            ("GeoJSON", "geojson", "application/geo+json", lambda: json.dumps(export.to_geojson(exported))),
            ("Open Referral UK", "oruk.json", "application/json", lambda: json.dumps(oruk_api.service_list(exported))),
            ("Per PCN", "per-pcn.csv", "text/csv", lambda: export.table_to_csv(pcn.per_pcn_table(
                found, loaders.pcns(), loaders.pcn_practices(), pcn.PER_PCN_KM)).encode("utf-8-sig")))):
        # A download changes nothing on the page, so the click does not rerun it.
        column.download_button(label, data=make, file_name=f"{stem}.{suffix}", mime=mime, icon=":material/download:",
                               key=f"download-{suffix}", on_click="ignore",
                               help=f"Exactly the {len(found):,} rows shown, with attribution")
    list_column, map_column = st.columns([1, 1])
    # The map is produced first so its frame starts loading sooner; the list keeps the
    # first column, which is also what comes first on a narrow screen.
    with map_column:
        level = tree.get(context.place_code)["level"]
        outline = None if level == "england" else leaflet.outline(
            loaders.web_layer(leaflet.LEVEL_LAYERS[level][0]), level, context.place_code)
        gps = None
        if view.show_gp:
            gps = filters.within_place(loaders.gp_practices(), tree, context.place_code)
        drawn = asset_map.asset_map(found, view.colour_field, outline, view.chosen.as_of, gps)
        # The base map never changes, so a filter or place change redraws the layers in place.
        mapview.show_layered(drawn.map, key="asset-map", height=520, label="Map of the assets")
        mapview.legend(asset_map.COLOUR_FIELDS[view.colour_field], drawn.legend)
        if drawn.mode != "detail":
            st.caption("Many assets match: " + ("popups show names only." if drawn.mode == "points" else
                       "nearby assets are grouped into cells showing their count. Narrow the filters to see each one."))

    with list_column:
        table = asset_list.display_table(found.head(asset_list.LIST_LIMIT), tree)
        if len(found) > asset_list.LIST_LIMIT:
            st.caption(f"The list shows the first {asset_list.LIST_LIMIT:,} of {len(found):,} matching assets; "
                       "the map and the downloads include all of them. Narrow the filters to list the rest.")
        picked = st.dataframe(table, hide_index=True, width="stretch", height=min(520, 40 + 35 * max(len(table), 1)),
                              key="asset-list",
                              on_select="rerun", selection_mode="single-row",
                              column_config={"Sample": st.column_config.CheckboxColumn()})
        rows = picked.selection.rows if picked else []
        if rows and rows[0] < len(found):
            st.subheader("Details")
            details = asset_list.details(found.iloc[rows[0]], tree)
            # st.table renders cells as Markdown: escape so records show exactly as stored.
            st.table(details.assign(Value=details["Value"].map(text.escape_markdown)).set_index("Field"))
        else:
            st.caption("Select a row to see the asset's details.")
    shell.attribution(["museums", "libraries", "cinemas", "lad_boundaries", "icb_boundaries", "postcodes", "nhs_structure"]
                      + (["gp_practices"] if view.show_gp else []))
