"""The ICS maturity page's sections: map, profile, evidence, history, table, self-assessment."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology import text
from ecology.analysis import maturity
from ecology.maps import leaflet, palette
from ecology.register import export, store
from ecology.reports import svg_charts
from ecology.ui import loaders, mapview, static_html, svg
from ecology.ui.shell import PageContext

SAVED = "maturity-saved"  # session state: the confirmation shown after the rerun a save causes


def default_icb(context: PageContext, table: pd.DataFrame) -> str:
    """Return the ICB the sidebar place points at (itself, or a local authority's ICB); for a
    region or England, its ICS with the most criteria assessed (the most to show)."""
    place = context.tree.get(context.place_code)
    if place["level"] == "icb":
        return context.place_code
    if place["level"] == "lad" and isinstance(place["icb_code"], str):
        return place["icb_code"]
    candidates = table
    if place["level"] == "region":
        candidates = table[table["icb_code"].map(lambda c: context.tree.get(c)["region_code"]) == context.place_code]
    return candidates.sort_values(["Assessed", "ICB"], ascending=[False, True])["icb_code"].iloc[0]


def map_section(table: pd.DataFrame, chosen: str) -> None:
    """Draw the 42 ICSs coloured by the overall stage or one criterion, with its legend."""
    options = [maturity.OVERALL] + maturity.criterion_ids()
    colour_by = st.selectbox("Colour the map by", options, key="colour", bind="query-params",
                             format_func=lambda c: "Overall stage" if c == maturity.OVERALL
                             else maturity.criterion_label(c))
    fills, dashed, legend = maturity.map_fills(table, colour_by or maturity.OVERALL)
    title = "Overall stage" if colour_by == maturity.OVERALL else maturity.criterion_label(colour_by)
    drawn = leaflet.category_map(loaders.web_layer("icb"), fills, title, dashed, highlight=chosen)
    mapview.show_layered(drawn, key="maturity-map", height=560, label="Map of ICS maturity")
    mapview.legend(title, legend)


def overall_line(table: pd.DataFrame, chosen: str) -> None:
    row = table.set_index("icb_code").loc[chosen]
    st.markdown(f"### {text.escape_markdown(row['ICB'])}\n"
                f"**Overall: {text.escape_markdown(row['Overall'])}** · {row['Assessed']} of 10 criteria assessed · "
                f"{text.escape_markdown(row['NHS region'])}")


def profile_section(current: pd.DataFrame, table: pd.DataFrame, chosen: str) -> None:
    """Draw the chosen ICS's stages beside the England median and any peers the user picks."""
    names = dict(zip(table["icb_code"], table["ICB"]))
    region = table.set_index("icb_code").at[chosen, "NHS region"]
    peers = st.multiselect("Compare with", [c for c in table["icb_code"] if c != chosen], key="peers",
                           format_func=names.get, max_selections=4,
                           help=f"Up to four peers; for example other ICSs in {region}.")
    shown = maturity.profile(current, [chosen, *peers], names)
    # The chosen ICS in blue, the England median in grey, peers in other Okabe-Ito colours.
    series = [names[chosen], *(names[p] for p in peers), maturity.MEDIAN_SERIES]
    colours = palette.series_colours(len(peers))
    # Bars first: a criterion not assessed is plainly an empty row there, where a radar breaks its line.
    view = st.segmented_control("Profile view", ["Bars", "Radar"], default="Bars", key="profile-view",
                                bind="query-params", label_visibility="collapsed") or "Bars"
    if view == "Radar":
        svg.show(svg_charts.maturity_radar(shown, series, colours))
    else:
        svg.show(svg_charts.maturity_bars(shown, series, colours))
    missing = shown[(shown["Series"] == names[chosen]) & shown["Stage"].isna()]["Criterion"].tolist()
    if missing:
        st.caption("Not assessed (no bar, a gap in the radar; not a low score): " + ", ".join(missing) + ".")


def web_count(evidence: pd.DataFrame) -> int:
    """Return how many distinct web pages the adopted evidence quotes."""
    web = evidence[(evidence["origin"] == "web") & (evidence["decision"] != "reject")]
    return int(web["url"].nunique())


def evidence_section(current: pd.DataFrame, chosen: str) -> None:
    """Draw the ICS's evidence grouped by criterion, its count of sources, and what is not assessed."""
    pieces, _historic, _history = loaders.ics_detail(chosen)
    sources = pieces["Source"].nunique()
    missing = maturity.not_assessed(current, chosen)
    st.markdown(f"**{len(pieces)}** piece(s) of evidence from **{sources}** source(s)."
                + (f" Not assessed (no current evidence known to this project): {', '.join(missing)}."
                   if missing else " Every criterion is assessed."))
    if pieces.empty:
        st.info("No public evidence about creative health in this ICS is known to this project, so it is not "
                "assessed: that is not a low score.", icon=":material/info:")
        return
    # Static HTML: each quote is read whole, where a grid cut it to one line.
    static_html.table(pieces, links={"Link"}, wide={"Evidence"}, max_height=520, label="Evidence")


def accept_code_in_url(names: dict[str, str]) -> None:
    """Let a link name the ICS by its code (``?ics=E54000034``): the picker keeps names in the URL."""
    wanted = st.query_params.get("ics")
    if wanted in names:
        st.query_params["ics"] = names[wanted]
        st.rerun()  # the picker reads the URL when it is first drawn: draw it from the name


def domain_section(current: pd.DataFrame, chosen: str) -> None:
    """Draw the five domains of the social prescribing maturity matrix for the chosen ICS."""
    from ecology.analysis import maturity_domains

    st.markdown("**By domain** (NHS England social prescribing maturity matrix, as the NCCH Creative Health "
                "Toolkit uses it)")
    rollup = maturity_domains.icb_rollup(current, chosen)
    static_html.table(rollup[["Domain", "Stage label", "Assessed", "Criteria"]], headers={"Stage label": "Stage"},
                      label="By domain")
    st.caption(maturity_domains.DOMAIN_RULE)


def historic_section(chosen: str) -> None:
    """List the ICS's historic evidence: kept and shown, never setting the current stage."""
    _pieces, old, _history = loaders.ics_detail(chosen)
    if len(old):
        st.markdown(f"**Historic evidence** ({len(old)}): from before ICBs existed (July 2022) or about a "
                    "service that has ended; kept here, not counted in the current stage.")
        static_html.table(old[["Criterion", "Stage", "Evidence", "Source", "Dated", "Review"]], max_height=420,
                          wide={"Evidence"}, label="Historic evidence")


def history_section(chosen: str) -> None:
    """Draw the ICS's dated scores as a chart and a table (every version kept)."""
    _pieces, _historic, history = loaders.ics_detail(chosen)
    if history.empty:
        st.caption("No scores yet: nothing to show over time.")
        return
    svg.show(svg_charts.maturity_history(history))
    falls = int((history["Change"] == "fall").sum())
    if falls:
        st.caption(f"{falls} score(s) went down over time: scores can fall, and every version is kept.")
    static_html.table(history, max_height=320, label="Scores over time")


def table_section(table: pd.DataFrame) -> None:
    """Draw all 42 ICSs (sortable) with a CSV download of exactly what is shown."""
    shown = table.drop(columns=["overall_status", "overall_stage"]).rename(columns={"icb_code": "Code"})
    static_html.sortable_table(shown, key="maturity-table", max_height=40 + 35 * 12, label="All 42 ICSs")
    st.download_button("Download all 42 (CSV)", icon=":material/download:",
                       data=lambda: export.table_to_csv(shown).encode("utf-8-sig"),
                       file_name="ics-creative-health-maturity.csv", mime="text/csv", key="download-maturity",
                       on_click="ignore")


def self_assessment_section(chosen: str, name: str, editor: str) -> None:
    """Draw the self-assessment form for one ICS (editors only); each save adds a version."""
    criterion = st.selectbox("Criterion", maturity.criterion_ids(), format_func=maturity.criterion_label,
                             key="assess-criterion")
    described = {c.id: c for c in maturity.criteria()}[criterion]
    st.caption(text.escape_markdown(described.question))
    with st.form(f"assess-{chosen}-{criterion}", clear_on_submit=True):
        stage = st.radio("Stage", [None, *maturity.STAGES], horizontal=False,
                         format_func=lambda s: "Not assessed" if s is None else
                         f"{maturity.stage_label(s)}: {described.stages[s - 1]}")
        confidence = st.radio("Confidence", list(maturity.SELF_CONFIDENCE), horizontal=True,
                              format_func=lambda c: {"evidenced": "Evidenced (a document, quote or link)",
                                                     "asserted": "Asserted"}[c])
        evidence = st.text_area("Evidence", max_chars=4000,
                                help="Required for an evidenced score: name the document, quote it or link to it.")
        note = st.text_input("Note (optional)", max_chars=500)
        saved = st.form_submit_button("Save this self-assessment", icon=":material/save:", type="primary")
    if saved:
        try:
            loaders.the_register().add_assessment(chosen, criterion, stage, confidence if stage else None,
                                                  evidence, editor, note)
        except store.StoreError as error:
            st.error(text.escape_markdown(str(error)))
        else:
            # Rerun so the map, profile and evidence above show the new score; the message survives it.
            st.session_state[SAVED] = (f"Saved for {text.escape_markdown(name)}: {maturity.criterion_label(criterion)} "
                                       f"{maturity.stage_label(stage)}, by {text.escape_markdown(editor)}. Earlier "
                                       "versions are kept.")
            st.rerun()
    if SAVED in st.session_state:
        st.success(st.session_state.pop(SAVED), icon=":material/task_alt:")


def calibration_section(assessments: pd.DataFrame, names: dict[str, str], chosen: str) -> None:
    split = maturity.calibration(assessments)
    if split.empty:
        st.caption("No self-assessment disagrees with the baseline.")
        return
    split.insert(0, "ICS", split.pop("icb_code").map(names))
    static_html.table(split.sort_values("ICS", key=lambda s: s != names[chosen]),
                      label="Self-assessments against the baseline")


def sources_line() -> str:
    """Return the evidence sources, for the page's attribution."""
    return "  \n".join(f"**{s['title']}** ({s['publisher']}, {s['date']})" for s in maturity.sources().values())

