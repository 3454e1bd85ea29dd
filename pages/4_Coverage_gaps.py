"""Coverage gaps: need against provision for every local authority and ICB, by theme."""

import streamlit as st

from ecology import gaps, text
from ecology.ui import gaps_sections as sections, loaders, shell

context = shell.setup("pages/4_Coverage_gaps.py")
st.title("Coverage gaps")
chosen = sections.choices(context)
inputs = loaders.gap_inputs()
provision = loaders.provision(chosen.theme, chosen.activity, chosen.include_sample, chosen.include_venues)
practitioners = loaders.practitioners()
table = gaps.gap_table(inputs, provision, chosen.level, chosen.theme, practitioners=practitioners)
highlight = sections.highlighted(context, chosen.level)

band = gaps.AGE_BAND_LABELS[gaps.age_band(chosen.theme)]
st.caption(f"{gaps.GAP_DEFINITION} {gaps.FLAG_DEFINITION} Provision counts active assets "
           f"({text.escape_markdown(context.theme_label)}) per 10,000 people {band}. {gaps.VINTAGES}")
flagged = int(table["high_need_low_provision"].sum())
st.markdown(f"**{flagged}** of {len(table)} areas are **high need, low provision**"
            + (f"; **{text.escape_markdown(table.set_index('area_code').at[highlight, 'area'])}** ranks "
               f"**{int(table.set_index('area_code').at[highlight, 'gap_rank'])}**." if highlight else "."))
if (table["assets"] == 0).all():
    st.info("No asset counts as provision for these choices (real venues carry no health focus, and sample records "
            "are off), so every area ties on provision and the ranking shows need alone. Import a directory on the "
            "Data page to measure real provision.", icon=":material/info:")
elif chosen.include_sample:
    st.warning("Provision includes **generated sample records**, which are not real offers: turn them off above "
               "for figures from real records only.", icon=":material/science:")

map_column, table_column = st.columns([1, 1])
with map_column:
    sections.map_section(table, chosen.level, highlight)
with table_column:
    sections.table_section(table, highlight, f"coverage-gaps-{chosen.level}")
    st.subheader("What if")
    sections.what_if_section(inputs, provision, table, chosen, highlight)
st.caption("Practitioners per 10,000 count the register's practitioners with the chosen theme (generated sample "
           "records unless a real register was imported); practitioner counts under 5 show as “fewer than 5” and the rest "
           "are rounded to the nearest 5, and each rate uses the rounded count, so a local authority cannot be "
           "subtracted from its ICB to find 1-4 people. Distance-based "
           "access is not computed yet: it needs where people live at a finer grain than a local authority.")
shell.attribution(["imd2025", "population", "lad_boundaries", "icb_boundaries", "lsoa_icb_lookup", "museums",
                   "libraries"])
