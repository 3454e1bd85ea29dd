"""About & sources: what the app is for, every data source with its licence, and the methods."""

import streamlit as st

from ecology import about
from ecology.sources import catalogue
from ecology.ui import loaders, shell, static_html

context = shell.setup("pages/6_About_and_sources.py")
with shell.page_body(context):
    st.title("About & sources")
    st.markdown(about.PURPOSE)

    st.header("Data sources")
    st.caption("Every dataset the app reads, with its publisher, vintage, licence and the attribution it requires. "
               "Files are checked against the sha256 in the project's manifest before each build.")
    static_html.table(about.sources_table(catalogue.load_manifest()), links={"Publisher page"}, label="Data sources")
    for item in catalogue.load_manifest():
        with st.expander(f"{item.title} — {item.publisher}"):
            st.markdown(about.dataset_details(item))

    st.header("Software used in the browser")
    st.markdown(about.VENDORED)

    st.header("Methods")
    st.markdown(about.METHODS)

    st.header("This build")
    static_html.table(about.build_table(loaders.build_info()), label="This build", formats={"Seconds": "%.1f"})
