"""ICS maturity: how far each of the 42 Integrated Care Systems has embedded creative health."""

import streamlit as st

from ecology import text
from ecology.analysis import maturity, maturity_evidence
from ecology.ui import auth, loaders, maturity_sections as sections, shell

context = shell.setup("pages/3_ICS_maturity.py")
with shell.page_body(context):
    with st.sidebar:
        st.divider()
        auth.sign_in_panel()
    editor = auth.current_editor()

    evidence, assessments, current, table = loaders.maturity_parts()
    names = dict(zip(table["icb_code"], table["ICB"]))

    st.title("ICS maturity")
    framework = maturity.framework()
    st.caption(f"How far each Integrated Care System has embedded creative health, on ten criteria and four stages "
               f"(1 Emerging, 2 Developing, 3 Established, 4 Embedded). The baseline scores only what a cited source "
               f"says: three source documents and {sections.web_count(evidence)} reviewed public web pages; everything "
               f"else is **not assessed**, which is not a low score. {maturity.OVERALL_RULE} "
               f"{maturity_evidence.RULES}")
    staged = int((table["overall_status"] == "stage").sum())
    thin = int((table["overall_status"] == maturity.INSUFFICIENT).sum())
    st.markdown(f"**{staged}** ICSs have an overall stage, **{thin}** have insufficient evidence and "
                f"**{42 - staged - thin}** are not assessed.")
    codes = table["icb_code"].tolist()
    start = sections.default_icb(context, table)
    sections.accept_code_in_url(names)
    chosen = st.selectbox("ICS", codes, index=codes.index(start), format_func=names.get, key="ics",
                          bind="query-params", help="Defaults to the sidebar's place when it is an ICB or inside one.")
    chosen = chosen or start

    map_column, profile_column = st.columns([1, 1])
    with map_column:
        sections.map_section(table, chosen)
    with profile_column:
        sections.overall_line(table, chosen)
        sections.domain_section(current, chosen)
    # Full width: the chart's labels stay readable (a column is about 350 px on a laptop).
    st.subheader("Profile by criterion")
    sections.profile_section(current, table, chosen)

    st.subheader("Evidence")
    sections.evidence_section(current, chosen)
    st.subheader("Over time")
    sections.history_section(chosen)
    sections.historic_section(chosen)
    st.subheader("All 42 ICSs")
    sections.table_section(table)

    if editor:
        st.subheader(f"Self-assessment: {names[chosen]}")
        st.caption(f"Signed in as **{text.escape_markdown(editor)}**. Each save adds a dated version under your name; "
                   "nothing is overwritten, and a stage can go down.")
        sections.self_assessment_section(chosen, names[chosen], editor)
        st.markdown("**Where self-assessments and the baseline disagree (split)**")
        sections.calibration_section(assessments, names, chosen)

    with st.expander("The framework: what marks each stage"):
        for criterion in maturity.criteria():
            st.markdown(f"**{criterion.label}**: {criterion.question}  \n" + "  \n".join(
                f"{maturity.stage_label(s)}: {d}" for s, d in zip(maturity.STAGES, criterion.stages)))
    st.info(framework["wales_note"], icon=":material/info:")
    shell.attribution(["icb_boundaries"])
    st.caption("Evidence sources:  \n" + sections.sources_line())
