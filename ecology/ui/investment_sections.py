"""The Coverage gaps page's "where the money lands" view: Arts Council investment against need."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ecology import export, gaps, investment, text
from ecology.ui import gaps_sections, loaders


def scatter(table: pd.DataFrame, measure_label: str, highlight: str | None) -> None:
    """Draw need against Investment Programme funding per head, Priority Places marked."""
    data = table.assign(
        place=table["priority_place"].map({True: "ACE Priority Place", False: "Other area"}),
        chosen=table["area_code"] == highlight)
    points = alt.Chart(data).mark_circle(opacity=0.75).encode(
        x=alt.X("funding_per_head:Q", title="Investment Programme £ per head a year (2023-26)",
                scale=alt.Scale(type="symlog")),
        y=alt.Y("need:Q", title=measure_label),
        color=alt.Color("place:N", title=None, scale=alt.Scale(domain=["ACE Priority Place", "Other area"],
                                                                range=["#be64ac", "#5698b9"])),
        size=alt.condition("datum.chosen", alt.value(220), alt.value(40)),
        tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("funding_per_head:Q", title="£ per head"),
                 alt.Tooltip("need:Q", title="Need"), alt.Tooltip("organisations:Q", title="Funded organisations")])
    st.altair_chart(points.properties(height=380), width="stretch")


def show(inputs, chosen: gaps_sections.GapChoices, context, highlight: str | None) -> None:
    table = investment.investment_table(inputs, loaders.arts(), chosen.level, chosen.theme, use_imd=chosen.use_imd)
    measure = gaps.measure_of(table)
    gaps_sections.need_line(measure)
    st.caption(f"{investment.DEFINITION} {text.escape_markdown(investment.SOURCE)} Funding is counted at each "
               "organisation's registered office: where the money lands, not always where the work happens.")
    flagged = int(table["high_need_low_investment"].sum())
    st.markdown(f"**{flagged}** of {len(table)} areas are **high need, low investment**; "
                f"**{int(table['priority_place'].sum())}** are (or hold) an ACE Priority Place.")
    map_column, chart_column = st.columns([1, 1])
    with map_column:
        gaps_sections.map_section(table.rename(columns={"investment_gap": "gap_score"}), chosen.level, highlight,
                                  provision_label="Investment (£ per head)")
    with chart_column:
        scatter(table, measure.need_label, highlight)
    shown = investment.display(table)
    if highlight is not None:
        shown.insert(1, "Chosen", table["area_code"] == highlight)
    st.dataframe(shown, hide_index=True, width="stretch", height=420, key="investment-table",
                 column_config={"Chosen": st.column_config.CheckboxColumn(width="small")})
    st.download_button("Download the table (CSV)", icon=":material/download:", key="download-investment",
                       data=lambda: export.table_to_csv(investment.display(table)).encode("utf-8-sig"),
                       file_name=f"arts-investment-{chosen.level}.csv", mime="text/csv")
    with st.expander(f"Health-related project grants ({int(table['health_grants'].sum()):,}): the keyword rule"):
        st.markdown(text.escape_markdown(investment.keyword_rule()))
        lads = None if context.tree.get(context.place_code)["level"] == "england" else context.tree.lads_within(
            context.place_code)
        st.dataframe(investment.health_grants(loaders.arts(), inputs.names, lads), hide_index=True, width="stretch",
                     height=320)
