"""The Overview's sections: headline figures, comparisons, maturity, need against provision, links."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology import text
from ecology.analysis import maturity, overview, place_profile
from ecology.maps import palette
from ecology.reports import svg_charts
from ecology.places.geography import PlaceTree
from ecology.site import PAGES
from ecology.ui import loaders, static_html, svg
from ecology.ui.shell import PageContext, link_params


# The Overview's map base is the same for every place and theme: rendered once (and by the warm start).
MAP_BASE_KEY = "overview"


def profile_of(code: str, theme: str | None) -> place_profile.PlaceProfile:
    """Return the profile of the place (the theme's tables come from the cache)."""
    return place_profile.profile(loaders.place_inputs(), code, theme, loaders.theme_tables(theme))


def headline_figures(place) -> None:
    """Draw every headline figure with its vintage and a real / sample badge."""
    static_html.figures(place.figures)


def notes(place) -> None:
    """Say what is known and what is missing (never a blank where a figure should be)."""
    for note in place.notes:
        st.caption(f":material/info: {text.escape_markdown(note)}")


def sub_areas(tree: PlaceTree, code: str, level: str) -> None:
    heading = {"england": "NHS regions", "region": "Integrated care boards",
               "icb": "Local authorities", "lad": "This local authority"}[level]
    st.subheader(heading)
    table = overview.sub_areas(tree, loaders.gap_inputs(), code)
    static_html.table(table.drop(columns=["code"]), max_height=420, label=heading,
                      headers={"name": "Name", "local_authorities": "Local authorities", "population": "Population",
                               "imd2025_average_score": "IMD 2025", "share_65_plus": "Aged 65+"},
                      formats={"population": "localized", "imd2025_average_score": "%.1f", "share_65_plus": "percent"},
                      tips={"imd2025_average_score": "Average score; higher = more deprived"})


def comparison(place) -> None:
    """Draw the place beside its region, England and its nearest peers: a table and bar charts."""
    table = place.comparison
    if len(table) == 1:
        st.caption("England is the whole: choose a region, ICB or local authority to compare.")
    need_label = f"Need: {place.measure.name}"
    order = ["Place", "role", "Need", "Assets per 10,000", "£ per head", "ICS maturity", "Residents", "Aged 65+",
             "IMD 2025 score"]
    static_html.table(table[order], label="How it compares", headers={"Need": need_label, "role": "Compared as"},
                      formats={"Residents": "localized", "Aged 65+": "percent", "Need": "%.2f",
                               "Assets per 10,000": "%.2f", "£ per head": "£%.2f", "IMD 2025 score": "%.1f"})
    st.caption(place_profile.PEER_METHOD)
    # One chart at a time; the choice is in the URL.
    measures = {"Need": ("Need", need_label), "Provision": ("Assets per 10,000", "Real provision per 10,000 residents"),
                "Arts Council £": ("£ per head", "Investment Programme £ per head a year"),
                "IMD 2025": ("IMD 2025 score", "IMD 2025 average score")}
    chosen = st.segmented_control("Compare on", list(measures), default="Need", key="compare", bind="query-params")
    value, title = measures[chosen or "Need"]
    if table[value].notna().sum() == 0:
        st.caption("Not comparable across these places.")
        return
    if value == "Assets per 10,000" and not table[value].fillna(0).any():
        st.caption(f"No real record counts as provision for {place.theme_label.lower()} in any of these places: "
                   "nothing to compare yet.")
        return
    svg.show(svg_charts.comparison_bars(table, value=value, label="Place", title=title, marked=place.short_name))


def _maturity_peers(place, summary: pd.DataFrame) -> list[str]:
    """Return the ICSs to chart beside the place's ICS: its nearest peers that are ICBs."""
    peers = place.comparison[place.comparison["role"] == "peer"]["area_code"].tolist()
    known = set(summary["icb_code"])
    return [p for p in peers if p in known][:3]


def maturity_section(place, context: PageContext) -> None:
    """Draw the ICS maturity profile (radar and bars against the England median and peers) and
    its history, or for a region / England the stages of its ICSs."""
    inputs = loaders.place_inputs()
    summary = inputs.maturity_summary
    st.subheader("ICS maturity")
    icb = place.maturity_icb
    if icb is None:
        shown = summary if place.level == "england" else summary[summary["NHS region"] == place.short_name]
        static_html.table(shown[["ICB", "Overall", "Assessed", "Evidence", "Newest evidence"]], max_height=300,
                          label="ICS maturity")
        return
    names = dict(zip(summary["icb_code"], summary["ICB"]))
    peers = _maturity_peers(place, summary)
    profile = maturity.profile(inputs.maturity_current, [icb, *peers], names)
    series = [names[icb], *(names[p] for p in peers), maturity.MEDIAN_SERIES]
    colours = palette.series_colours(len(peers))
    figure = place.figure("maturity")
    st.markdown(f"**{text.escape_markdown(figure.text)}** · {text.escape_markdown(figure.note)}. Peers: the "
                "nearest ICSs on need and residents.")
    if profile[profile["Series"] == names[icb]]["Stage"].notna().sum() == 0:
        st.info(f"{names[icb]} is not assessed: no public evidence about its creative health work is known to "
                "this project (that is not a low score).", icon=":material/info:")
    else:
        missing = maturity.not_assessed(inputs.maturity_current, icb)
        if missing:
            st.caption(f"Not assessed for {text.escape_markdown(names[icb])} (no bar, not a low score): "
                       f"{text.escape_markdown(', '.join(missing))}.")
    # Bars first: a criterion not assessed is plainly an empty row there, where a radar breaks its line.
    view = st.segmented_control("Maturity view", ["Bars", "Radar", "Over time"], default="Bars", key="maturity",
                                bind="query-params", label_visibility="collapsed") or "Bars"
    if view == "Radar":
        svg.show(svg_charts.maturity_radar(profile, series, colours))
    elif view == "Bars":
        svg.show(svg_charts.maturity_bars(profile, series, colours))
    else:
        past = maturity.history(inputs.maturity_assessments, icb)
        if past.empty:
            st.caption("No scores yet: nothing to show over time.")
        else:
            svg.show(svg_charts.maturity_history(past))


def need_and_provision(place) -> None:
    table = place.gap_table
    highlight = place.code if place.level in ("lad", "icb") else None
    kind = "local authorities" if place.gap_level == "lad" else "ICBs"
    if not table["assets_per_10k"].fillna(0).any():
        st.info(f"No real record counts as provision for {place.theme_label.lower()} in any of England's "
                f"{len(table)} {kind}, so every area would sit at 0: the gap ranking shows need alone. Import a "
                "directory on the Data page, or choose All themes to count the real venues.", icon=":material/info:")
        return
    svg.show(svg_charts.need_provision_scatter(
        table, x="assets_per_10k", y="need", x_title="Real provision per 10,000 residents",
        y_title=f"Need: {place.measure.name}", highlight=highlight))
    marked = "the place is marked" if highlight else "choose an ICB or local authority to mark it"
    gap = place.figure("gap")
    st.caption(f"Every one of England's {len(table)} {kind}; {marked}. {gap.label}: {gap.text} ({gap.note}).")


def top_gaps(place) -> None:
    gaps_here = place.top_gaps
    st.markdown(f"**Largest gaps in and around {text.escape_markdown(place.short_name)}**")
    if gaps_here.empty:
        st.caption("No gap ranking applies here.")
        return
    static_html.table(gaps_here[["gap_rank", "area", "gap_score", "need", "assets_per_10k", "high_need_low_provision"]],
                      label=f"Largest gaps in and around {place.short_name}",
                      headers={"gap_rank": "Gap rank", "area": "Area", "gap_score": "Gap score",
                               "need": f"Need: {place.measure.name}", "assets_per_10k": "Provision per 10,000",
                               "high_need_low_provision": "High need, low provision"},
                      formats={"gap_score": "%+.1f", "need": "%.2f", "assets_per_10k": "%.2f"})


def page_links(context: PageContext, place) -> None:
    """Link to every other page with the same place and theme."""
    columns = st.columns(3)
    for column, page in zip(columns * 3, [p for p in PAGES if p.file != "app.py"]):
        with column:
            st.page_link(page.file, label=page.title, icon=page.icon, query_params=link_params(context))
            st.caption(page.purpose)
