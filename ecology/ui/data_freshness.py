"""The Data page's freshness queue: records not verified for a while, in the chosen place.

"Mark verified" vouches for records as the editor saw them: each is marked at the
version the list showed, and one changed since (edited or verified by someone
else) is refused, named to the editor and left as it is, while the others are marked.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology import text
from ecology.analysis import asset_list, filters
from ecology.register import export, freshness
from ecology.ui import loaders
from ecology.ui.shell import PageContext

GENERATION = "stale-list-generation"  # session state: bumped after each marking
SHOWN = "stale-list-shown"  # session state: {"key", "ids", "versions", "names"} of the list as last drawn
REFUSED = "stale-list-refused"  # session state: messages about rows not marked, shown after the rerun


def _chosen(seen: dict, rows: list[int]) -> dict[str, int]:
    """Return {record id: version} of the selected rows of the list the editor saw."""
    return {seen["ids"][i]: seen["versions"][i] for i in rows if 0 <= i < len(seen["ids"])}


def show(context: PageContext, editor: str | None, as_of: pd.Timestamp) -> None:
    """Draw the stale-record queue for the sidebar's place; editors can mark records verified."""
    for message in st.session_state.pop(REFUSED, []):
        st.warning(message, icon=":material/sync_problem:")
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
                       mime="text/csv", key="download-checking", on_click="ignore")
    with st.expander("Stale records by local authority"):
        st.dataframe(freshness.by_place(stale, context.tree), hide_index=True, width="stretch")
    # A new key after each marking, and for each place and threshold: an old selection would
    # otherwise land on rows that moved into the ticked rows' places (records never chosen).
    generation = st.session_state.get(GENERATION, 0)
    list_key = f"stale-list-{generation}-{context.place_code}-{int(months)}"
    # The list shows the first rows (the download has them all): 100,000 stale rows would be 16 MB to the browser.
    shown = checking.head(asset_list.LIST_LIMIT)
    if len(checking) > len(shown):
        st.caption(f"The list shows the first {len(shown):,} of {len(checking):,} records to check (by place and name); "
                   "the download has every one. Choose a smaller place to list the rest.")
    picked = st.dataframe(
        shown, hide_index=True, width="stretch", height=min(460, 40 + 35 * len(shown)),
        key=list_key, on_select="rerun" if editor else "ignore", selection_mode="multi-row",
        column_config={"Sample": st.column_config.CheckboxColumn(),
                       "Months since": st.column_config.NumberColumn(format="%d")})
    by_id = stale.set_index("asset_id")
    drawn = {"key": list_key, "ids": shown["Record id"].tolist(),
             "versions": [int(v) for v in by_id.loc[shown["Record id"], "version"]],
             "names": shown["Name"].tolist()}
    # The selection refers to the list as the editor saw it on the last run; this run re-read
    # the register, and a record someone changed meanwhile must be checked at the version seen.
    seen = st.session_state.get(SHOWN)
    seen = seen if seen and seen["key"] == list_key else drawn
    st.session_state[SHOWN] = drawn
    if not editor:
        return
    chosen = _chosen(seen, picked.selection.rows if picked else [])
    label = f"Mark {len(chosen)} selected as verified today" if chosen else "Select rows to mark them verified"
    if st.button(label, disabled=not chosen, icon=":material/verified:", key="mark-verified"):
        result = loaders.the_register().verify("assets", chosen, editor, on=as_of.date())
        names = dict(zip(seen["ids"], seen["names"]))
        st.session_state[REFUSED] = [
            f"{text.escape_markdown(str(names.get(record_id) or record_id))} ({text.escape_markdown(record_id)}) "
            "was not marked verified: someone changed it after the list was shown, so what you checked may not "
            "be what it says now. It is shown as it is now: look at it again." for record_id in result.refused]
        st.session_state[GENERATION] = generation + 1
        st.toast(f"{len(result.verified)} records marked verified on {as_of:%d %B %Y} by {editor}.")
        st.rerun()
