"""Practitioners: privacy-safe clusters of creative practitioners and small organisations."""

import streamlit as st

from ecology.analysis import privacy
from ecology.ui import loaders, practitioner_sections as sections, shell

context = shell.setup("pages/2_Practitioners.py")
with shell.page_body(context):
    st.title("Practitioners")
    st.caption("Where creative practitioners and small organisations cluster, who works alone, and where support "
               "(training in safeguarding, equality & diversity and mental health first aid; supervision; peer "
               "networks; fair pay) is thin. Practitioners are placed only by postcode district.")
    people = loaders.practitioners()
    sections.sample_notice(people)
    radius, min_size = sections.controls()
    view = loaders.clustering(radius, min_size)
    st.markdown(sections.summary_line(view))
    if people.empty:
        st.info("The register holds no practitioners yet: import a register on the Data page (postcode district "
                "only).", icon=":material/info:")
    elif view.clustering.count == 0:
        st.info(f"No cluster forms at {radius:g} km with at least {min_size} practitioners: widen the radius or lower "
                "the minimum size.", icon=":material/info:")

    map_column, table_column = st.columns([1, 1])
    with map_column:
        sections.map_section(view, context, radius, min_size)
    with table_column:
        st.subheader("Cluster profiles")
        sections.profile_section(view, radius, min_size)
    st.subheader("Where support would help")
    sections.support_section(view, context)
    st.caption(f"Method: density clustering (DBSCAN) on great-circle distances between postcode district centroids: "
               f"a district is a core when at least {min_size} practitioners are within {radius:g} km of it; cores within "
               f"reach of each other form one cluster, and a group left with fewer than {min_size} is dissolved. Shares "
               f"use those who answered. {privacy.METHOD}")
    shell.attribution(["postcodes", "lad_boundaries"])
