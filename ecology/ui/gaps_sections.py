"""The Coverage gaps page's sections: choices, bivariate map and legend, ranked table, what if."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ecology import taxonomy, text
from ecology.analysis import gaps
from ecology.maps import leaflet
from ecology.register import export
from ecology.ui import loaders, mapview, static_html
from ecology.ui.shell import ALL_THEMES, PageContext

LEVELS = {"lad": "Local authorities (296)", "icb": "Integrated care boards (42)"}
VIEWS = {"assets": "Creative health assets", "investment": "Arts Council investment"}


@dataclass(frozen=True)
class GapChoices:
    level: str
    theme: str | None
    activity: tuple[str, ...]
    include_sample: bool
    include_venues: bool
    use_imd: bool
    view: str  # "assets" | "investment"


def choices(context: PageContext) -> GapChoices:
    """Draw the page's own filters (each bound to the URL) and return them with the sidebar theme."""
    left, middle, right = st.columns([2, 3, 2])
    level = left.radio("Compare", list(LEVELS), format_func=LEVELS.get, key="level", bind="query-params")
    activity = middle.multiselect("Activity", [t.id for t in taxonomy.terms("activity")], key="activity",
                                  bind="query-params", format_func=lambda t: taxonomy.label_of("activity", t),
                                  placeholder="Any", help="Count only assets offering one of these.")
    include_sample = right.checkbox("Include generated sample records", value=False, key="sample",
                                    bind="query-params", help="They are not real offers: off, every figure counts real "
                                                              "records only.")
    include_venues = right.checkbox("Include real venues", value=True, key="venues", bind="query-params",
                                    help="Museums, libraries and cinemas: places that could host an offer.")
    use_imd = right.checkbox("Rank need by the IMD 2025 instead", value=False, key="imd", bind="query-params",
                             help="Each theme has its own need measure (dementia prevalence for dementia, ...); "
                                  "tick to use the Index of Multiple Deprivation for any theme.")
    view = st.radio("Provision", list(VIEWS), format_func=VIEWS.get, key="view", bind="query-params",
                    horizontal=True, help="Creative health assets per 10,000 residents, or where Arts Council "
                                          "England investment lands, per head.")
    theme = None if context.theme == ALL_THEMES else context.theme
    return GapChoices(level or "lad", theme, tuple(activity), bool(include_sample), bool(include_venues),
                      bool(use_imd), view or "assets")


def highlighted(context: PageContext, level: str) -> str | None:
    """Return the area of ``level`` the sidebar place is or lies in (None for England or a region)."""
    place = context.tree.get(context.place_code)
    if place["level"] == level:
        return context.place_code
    if level == "icb" and place["level"] == "lad" and isinstance(place["icb_code"], str):
        return place["icb_code"]
    return None


def bivariate_legend(provision_label: str = "Provision (assets per 10,000)") -> None:
    """Draw the 3x3 legend: need up the rows, provision along the columns, in plain words."""
    third = {1: "low", 2: "middle", 3: "high"}
    cells = "".join(
        f"<div title='Need {third[need]}, provision {third[provision]}' "
        f"style='background:{gaps.BIVARIATE[(need, provision)]};width:34px;height:34px;border:1px solid #fff'></div>"
        for need in (3, 2, 1) for provision in (1, 2, 3))
    # st.html, not Markdown's raw HTML: a page with no raw-HTML Markdown never loads that parser.
    st.html(
        "<div aria-label='Need and provision legend' style='display:flex;gap:10px;align-items:center;"
        "font-size:0.85rem'>"
        "<div style='writing-mode:vertical-rl;transform:rotate(180deg)'>Need &rarr;</div>"
        "<div><div style='display:grid;grid-template-columns:repeat(3,34px)'>" + cells + "</div>"
        f"<div>{html.escape(provision_label)} &rarr;</div></div>"
        "<div style='max-width:260px'><b>Top left (dark purple)</b>: high need, low provision, where a funder "
        "may look first. <b>Bottom right (teal)</b>: low need, high provision. Grey: low on both.</div></div>")


def map_section(table: pd.DataFrame, level: str, highlight: str | None,
                provision_label: str = "Provision (assets per 10,000)", *, map_key: tuple | None = None) -> None:
    """Draw the bivariate map of ``table``. ``map_key`` (the choices the table was made from, with
    the register's revision) lets a rerun with the same choices reuse the map already built:
    building its 296 areas and hashing their colours cost a third of the page's rerun."""
    def make():
        return leaflet.category_map(loaders.web_layer(level), gaps.bivariate_fills(table), "Need and provision",
                                    highlight=highlight, level=level)

    drawn = mapview.kept(("gaps", level, highlight, *map_key), make) if map_key else make()
    mapview.show_layered(drawn, key=f"gaps-map-{level}", height=560, label="Map of need against provision")
    bivariate_legend(provision_label)


def table_section(table: pd.DataFrame, highlight: str | None, stem: str) -> None:
    """Draw the ranked table (every input column) with the chosen place marked, and its CSV."""
    shown = gaps.display(table)
    if highlight is not None:
        shown.insert(1, "Chosen", table["area_code"] == highlight)
    static_html.sortable_table(shown, key="gaps-table", max_height=420, label="Need against provision, ranked",
                               order_by={"Practitioners": gaps.practitioner_order(table)},
                               formats={"Residents (Census 2021)": "localized",
                                        "Residents of the age band (Census 2021)": "localized"})
    st.download_button("Download the table (CSV)", icon=":material/download:",
                       data=lambda: export.table_to_csv(gaps.display(table)).encode("utf-8-sig"),
                       file_name=f"{stem}.csv", mime="text/csv", key="download-gaps", on_click="ignore")


def what_if_section(table: pd.DataFrame, choices: GapChoices, highlight: str | None) -> None:
    """Let the user add N assets to one area and see its gap rank and score move."""
    codes = table.sort_values("area")["area_code"].tolist()
    names = dict(zip(table["area_code"], table["area"]))
    default = highlight if highlight in names else table["area_code"].iloc[0]
    left, right = st.columns([3, 1])
    code = left.selectbox("Area", codes, index=codes.index(default), format_func=names.get, key="whatif-area")
    added = right.number_input("Add assets", min_value=0, max_value=1000, value=5, step=1, key="whatif-n")
    after = loaders.what_if_table(choices.level, choices.theme, choices.activity, include_sample=choices.include_sample,
                                  include_venues=choices.include_venues, use_imd=choices.use_imd, code=code,
                                  added=int(added))
    old, new = table.set_index("area_code").loc[code], after.set_index("area_code").loc[code]
    st.markdown(
        f"**{text.escape_markdown(names[code])}**: gap rank **{int(old['gap_rank'])} → {int(new['gap_rank'])}** of "
        f"{len(table)}, gap score {old['gap_score']:+.1f} → {new['gap_score']:+.1f}, assets per 10,000 "
        f"{old['assets_per_10k']:.2f} → {new['assets_per_10k']:.2f}"
        + (". It would no longer be flagged high need, low provision." if old["high_need_low_provision"]
           and not new["high_need_low_provision"] else "."))


def nothing_counts(choices: GapChoices, context: PageContext) -> str:
    """Return the note shown when no asset counts as provision for these choices."""
    return loaders.nothing_counts(context.place_code, context.theme_label, include_sample=choices.include_sample)


def need_line(measure) -> None:
    """Say which need measure ranks the areas, with its formula and source."""
    st.markdown(f"**Need: {text.escape_markdown(measure.name)}.** {text.escape_markdown(measure.formula)} "
                f"Source: {text.escape_markdown(measure.source)}.")


def assets_view(inputs, chosen: GapChoices, context: PageContext, highlight: str | None) -> None:
    """Draw need against creative health assets: the ranking line, notices, map, table, what if."""
    table = loaders.gap_table(chosen.level, chosen.theme, chosen.activity, include_sample=chosen.include_sample,
                              include_venues=chosen.include_venues, use_imd=chosen.use_imd)
    measure = gaps.measure_of(table)
    need_line(measure)
    band = gaps.AGE_BAND_LABELS[gaps.age_band(chosen.theme)]
    st.caption(f"{gaps.GAP_DEFINITION} {gaps.FLAG_DEFINITION} Provision counts active real assets "
               f"({text.escape_markdown(context.theme_label)}) per 10,000 residents {band} (Census 2021). "
               f"{gaps.VINTAGES}")
    flagged = int(table["high_need_low_provision"].sum())
    st.markdown(f"**{flagged}** of {len(table)} areas are **high need, low provision**"
                + (f"; **{text.escape_markdown(table.set_index('area_code').at[highlight, 'area'])}** ranks "
                   f"**{int(table.set_index('area_code').at[highlight, 'gap_rank'])}**." if highlight else "."))
    if (table["assets"] == 0).all():
        st.info(nothing_counts(chosen, context), icon=":material/info:")
    elif chosen.include_sample:
        st.warning("Provision includes **generated sample records**, which are not real offers: turn them off above "
                   "for figures from real records only.", icon=":material/science:")

    map_column, table_column = st.columns([1, 1])
    with map_column:
        map_section(table, chosen.level, highlight,
                    map_key=(loaders.the_register().revision(), chosen.theme, chosen.activity, chosen.include_sample,
                             chosen.include_venues, chosen.use_imd))
    with table_column:
        table_section(table, highlight, f"coverage-gaps-{chosen.level}")
        st.subheader("What if")
        what_if_section(table, chosen, highlight)
    st.caption("Practitioners per 10,000 count the register's real practitioners with the chosen theme (the "
               "generated sample too only when sample records are included above); practitioner counts under 5 show as “fewer than 5” "
               "and the rest are rounded to the nearest 5, and each rate uses the rounded count, so a local "
               "authority cannot be subtracted from its ICB to find 1-4 people. Distance-based access is not "
               "computed yet: it needs where people live at a finer grain than a local authority.")
