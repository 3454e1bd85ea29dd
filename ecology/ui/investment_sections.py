"""The Coverage gaps page's "where the money lands" view: Arts Council investment against need."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology import text
from ecology.analysis import gaps, investment
from ecology.register import export
from ecology.reports import charts
from ecology.ui import gaps_sections, loaders, static_html


def scatter(table: pd.DataFrame, measure_label: str, highlight: str | None) -> None:
    """Draw need against Investment Programme funding per head (log scale), Priority Places marked."""
    fig = charts.need_provision_scatter(
        table, x="funding_per_head", y="need", x_title="Investment Programme £ per head a year (2023-26)",
        y_title=measure_label, highlight=highlight, colour_by="priority_place",
        colour_names={True: "ACE Priority Place", False: "Other area"}, log_x=True)
    st.plotly_chart(fig, width="stretch", config=charts.ST_CONFIG)
    unfunded = int((table["funding_per_head"] <= 0).sum())
    if unfunded:
        floor = charts.log_floor(table["funding_per_head"])
        st.caption(f"{unfunded} area(s) with no Investment Programme funding are drawn at £{floor:g} per head, at "
                   "the left edge (a log scale has no zero); hovering one shows its real 0.")


def show(inputs, chosen: gaps_sections.GapChoices, context, highlight: str | None) -> None:
    table = investment.investment_table(inputs, loaders.arts(), chosen.level, chosen.theme, use_imd=chosen.use_imd,
                                        money=loaders.area_money(chosen.level))
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
    static_html.sortable_table(shown, key="investment-table", max_height=420,
                               label="Need against Arts Council investment, ranked",
                               formats={"Investment gap": "%.1f", "Need percentile": "%.1f",
                                        "Investment percentile": "%.1f",
                                        "Investment Programme £ a year (2023-26)": "localized",
                                        "Project grants £": "localized", "Health-related project grants £": "localized",
                                        "Residents (Census 2021)": "localized"})
    st.download_button("Download the table (CSV)", icon=":material/download:", key="download-investment",
                       data=lambda: export.table_to_csv(investment.display(table)).encode("utf-8-sig"),
                       file_name=f"arts-investment-{chosen.level}.csv", mime="text/csv",
                       on_click="ignore")
    with st.expander(f"Health-related project grants ({int(table['health_grants'].sum()):,}): the keyword rule"):
        st.markdown(text.escape_markdown(investment.keyword_rule()))
        lads = None if context.tree.get(context.place_code)["level"] == "england" else context.tree.lads_within(
            context.place_code)
        static_html.sortable_table(investment.health_grants(loaders.arts(), inputs.names, lads), key="health-grants",
                                   max_height=320, label="Health-related project grants")
