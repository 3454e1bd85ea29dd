"""Coverage gaps: need against provision for every local authority and ICB, by theme."""

import streamlit as st

from ecology.ui import gaps_sections as sections, investment_sections, loaders, shell

context = shell.setup("pages/4_Coverage_gaps.py")
with shell.page_body(context):
    st.title("Coverage gaps")
    chosen = sections.choices(context)
    inputs = loaders.gap_inputs()
    highlight = sections.highlighted(context, chosen.level)
    if chosen.view == "investment":
        investment_sections.show(inputs, chosen, context, highlight)
    else:
        sections.assets_view(inputs, chosen, context, highlight)
    shell.attribution(["imd2025", "census2021", "qof_prevalence", "loneliness", "lad_boundaries", "icb_boundaries",
                       "lsoa_icb_lookup", "museums", "libraries", "cinemas", "ace_investment", "ace_project_grants"])
