"""The Coverage gaps page's sections: choices, bivariate map and legend, ranked table, what if."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ecology import export, gaps, maps, taxonomy, text
from ecology.ui import loaders, mapview
from ecology.ui.shell import ALL_THEMES, PageContext

LEVELS = {"lad": "Local authorities (296)", "icb": "Integrated care boards (42)"}


@dataclass(frozen=True)
class GapChoices:
    level: str
    theme: str | None
    activity: tuple[str, ...]
    include_sample: bool
    include_venues: bool


def choices(context: PageContext) -> GapChoices:
    """Draw the page's own filters (each bound to the URL) and return them with the sidebar theme."""
    left, middle, right = st.columns([2, 3, 2])
    level = left.radio("Compare", list(LEVELS), format_func=LEVELS.get, key="level", bind="query-params")
    activity = middle.multiselect("Activity", [t.id for t in taxonomy.terms("activity")], key="activity",
                                  bind="query-params", format_func=lambda t: taxonomy.label_of("activity", t),
                                  placeholder="Any", help="Count only assets offering one of these.")
    include_sample = right.checkbox("Include generated sample records", value=True, key="sample",
                                    bind="query-params", help="They are not real offers: turn off for real figures only.")
    include_venues = right.checkbox("Include venues (museums, libraries)", value=True, key="venues",
                                    bind="query-params")
    theme = None if context.theme == ALL_THEMES else context.theme
    return GapChoices(level or "lad", theme, tuple(activity), bool(include_sample), bool(include_venues))


def highlighted(context: PageContext, level: str) -> str | None:
    """Return the area of ``level`` the sidebar place is or lies in (None for England or a region)."""
    place = context.tree.get(context.place_code)
    if place["level"] == level:
        return context.place_code
    if level == "icb" and place["level"] == "lad" and isinstance(place["icb_code"], str):
        return place["icb_code"]
    return None


def bivariate_legend() -> None:
    """Draw the 3x3 legend: need up the rows, provision along the columns, in plain words."""
    cells = "".join(
        f"<div style='background:{gaps.BIVARIATE[(need, provision)]};width:34px;height:34px;"
        f"border:1px solid #fff'></div>"
        for need in (3, 2, 1) for provision in (1, 2, 3))
    st.markdown(
        "<div aria-label='Need and provision legend' style='display:flex;gap:10px;align-items:center;"
        "font-size:0.85rem'>"
        "<div style='writing-mode:vertical-rl;transform:rotate(180deg)'>Need (deprivation) &rarr;</div>"
        "<div><div style='display:grid;grid-template-columns:repeat(3,34px)'>" + cells + "</div>"
        "<div>Provision (assets per 10,000) &rarr;</div></div>"
        "<div style='max-width:260px'><b>Top left (dark purple)</b>: high need, low provision, where a funder "
        "may look first. <b>Bottom right (teal)</b>: low need, high provision. Grey: low on both.</div></div>",
        unsafe_allow_html=True)


def map_section(table: pd.DataFrame, level: str, highlight: str | None) -> None:
    fmap = maps.category_map(loaders.web_layer(level), gaps.bivariate_fills(table), "Need and provision",
                             highlight=highlight, level=level)
    mapview.show_map(fmap, key=f"gaps-map-{level}", height=560)
    bivariate_legend()


def table_section(table: pd.DataFrame, highlight: str | None, stem: str) -> None:
    """Draw the ranked table (every input column) with the chosen place marked, and its CSV."""
    shown = gaps.display(table)
    if highlight is not None:
        shown.insert(1, "Chosen", table["area_code"] == highlight)
    st.dataframe(shown, hide_index=True, width="stretch", height=420, key="gaps-table", on_select="ignore",
                 column_config={"Chosen": st.column_config.CheckboxColumn(width="small"),
                                "High need, low provision": st.column_config.CheckboxColumn()})
    st.download_button("Download the table (CSV)", icon=":material/download:",
                       data=lambda: export.table_to_csv(gaps.display(table)).encode("utf-8-sig"),
                       file_name=f"{stem}.csv", mime="text/csv", key="download-gaps")


def what_if_section(inputs, provision: pd.DataFrame, table: pd.DataFrame, choices: GapChoices,
                    highlight: str | None) -> None:
    """Let the user add N assets to one area and see its gap rank and score move."""
    codes = table.sort_values("area")["area_code"].tolist()
    names = dict(zip(table["area_code"], table["area"]))
    default = highlight if highlight in names else table["area_code"].iloc[0]
    left, right = st.columns([3, 1])
    code = left.selectbox("Area", codes, index=codes.index(default), format_func=names.get, key="whatif-area")
    added = right.number_input("Add assets", min_value=0, max_value=1000, value=5, step=1, key="whatif-n")
    after = gaps.gap_table(inputs, provision, choices.level, choices.theme, extra={code: int(added)},
                           practitioners=loaders.practitioners())
    old, new = table.set_index("area_code").loc[code], after.set_index("area_code").loc[code]
    st.markdown(
        f"**{text.escape_markdown(names[code])}**: gap rank **{int(old['gap_rank'])} → {int(new['gap_rank'])}** of "
        f"{len(table)}, gap score {old['gap_score']:+.1f} → {new['gap_score']:+.1f}, assets per 10,000 "
        f"{old['assets_per_10k']:.2f} → {new['assets_per_10k']:.2f}"
        + (". It would no longer be flagged high need, low provision." if old["high_need_low_provision"]
           and not new["high_need_low_provision"] else "."))
