"""The Data page's freshness queue: records not verified for a while, in the chosen place."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology import export, filters, freshness, text
from ecology.ui import loaders
from ecology.ui.shell import PageContext

GENERATION = "stale-list-generation"  # session state: bumped after each marking


def show(context: PageContext, editor: str | None, as_of: pd.Timestamp) -> None:
    """Draw the stale-record queue for the sidebar's place; editors can mark records verified."""
    months = st.number_input("Stale after (months without verification)", min_value=1, max_value=120,
                             value=freshness.stale_months(), step=1, key="stale-months",
                             help="Set the default with ECOLOGY_STALE_MONTHS.")
    in_place = filters.within_place(loaders.assets(), context.tree, context.place_code)
    stale = freshness.stale(in_place, as_of, int(months))
    st.markdown(f"**{len(stale):,} of {len(in_place):,} records** in {text.escape_markdown(context.place_label)} "
                f"were last verified before {freshness.cutoff(as_of, int(months)):%d %B %Y} (or never).")
    if stale.empty:
        st.success("Every record here has been verified recently.", icon=":material/task_alt:")
        return
    sample = int(stale["is_sample"].sum())
    if sample:
        st.caption(f"{sample:,} of them are generated sample records (not real offers).")
    checking = freshness.checking_list(stale, context.tree)
    st.download_button("Download the checking list (CSV)", icon=":material/download:",
                       data=lambda: export.table_to_csv(checking).encode("utf-8-sig"),
                       file_name=f"checking-list-{context.place_label.lower().replace(' ', '-')}-{as_of:%Y-%m-%d}.csv",
                       mime="text/csv", key="download-checking")
    with st.expander("Stale records by local authority"):
        st.dataframe(freshness.by_place(stale, context.tree), hide_index=True, width="stretch")
    # A new key after each marking: the old selection would otherwise land on the rows
    # that moved up into the marked records' places.
    generation = st.session_state.get(GENERATION, 0)
    picked = st.dataframe(
        checking, hide_index=True, width="stretch", height=min(460, 40 + 35 * len(checking)),
        key=f"stale-list-{generation}",
        on_select="rerun" if editor else "ignore", selection_mode="multi-row",
        column_config={"Last verified": st.column_config.DateColumn(format="D MMM YYYY"),
                       "Sample": st.column_config.CheckboxColumn(),
                       "Months since": st.column_config.NumberColumn(format="%d")})
    if not editor:
        return
    chosen = [checking["Record id"].iloc[i] for i in (picked.selection.rows if picked else [])]
    label = f"Mark {len(chosen)} selected as verified today" if chosen else "Select rows to mark them verified"
    if st.button(label, disabled=not chosen, icon=":material/verified:", key="mark-verified"):
        count = loaders.the_register().verify("assets", chosen, editor, on=as_of.date())
        st.session_state[GENERATION] = generation + 1
        st.toast(f"{count} records marked verified on {as_of:%d %B %Y} by {editor}.")
        st.rerun()
