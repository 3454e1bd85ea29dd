"""The Data page's history: every change, who made it and when, with undo (editors only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology import text
from ecology.register import freshness, store
from ecology.ui import loaders

ACTION_LABELS = {"add": "Added", "edit": "Edited", "retire": "Retired", "restore": "Restored",
                 "verify": "Verified", "import": "Imported", "merge": "Merged from an import",
                 "undo": "Undone", "seed": "First start"}


def changed_fields(before: dict | None, after: dict | None) -> pd.DataFrame:
    """Return Field, Before, After for the fields a change altered (bookkeeping left out)."""
    before, after = before or {}, after or {}
    fields = [k for k in after if k not in ("version",) and before.get(k) != after.get(k)]

    def shown(record: dict, name: str) -> str:
        value = record.get(name)
        # An added record has no "before" at all; a missing date in a record means never verified.
        if name == "last_verified" and value is None and record:
            return freshness.NEVER
        return str(value or "")

    return pd.DataFrame({"Field": fields, "Before": [shown(before, k) for k in fields],
                         "After": [shown(after, k) for k in fields]})


def show(editor: str, record_id: str | None = None, key: str = "history") -> None:
    """Draw recent changes (of one record when given), and undo for the chosen one."""
    register = loaders.the_register()
    history = register.history(record_id=record_id, limit=300)
    if history.empty:
        st.caption("No changes yet.")
        return
    table = pd.DataFrame({
        "Change": history["change_id"],
        "When (UTC)": pd.to_datetime(history["at"], utc=True).dt.strftime("%Y-%m-%d %H:%M"),
        "Who": history["who"],
        "What": history["action"].map(ACTION_LABELS).fillna(history["action"]),
        "Record": history["record_id"],
        "Note": history["note"].fillna(""),
        "Undone": history["undone_by"].notna(),
    })
    picked = st.dataframe(table, hide_index=True, width="stretch", height=min(420, 40 + 35 * len(table)),
                          key=key, on_select="rerun", selection_mode="single-row")
    rows = picked.selection.rows if picked else []
    if not rows:
        st.caption("Select a change to see what it altered and to undo it.")
        return
    change = history.iloc[rows[0]]
    diff = changed_fields(change["before"], change["after"])
    if not diff.empty:
        st.table(diff.map(text.escape_markdown).set_index("Field"))
    if change["record_type"] not in store.KINDS:
        return
    if st.button(f"Undo change {change['change_id']}", icon=":material/undo:", key=f"{key}-undo",
                 disabled=pd.notna(change["undone_by"])):
        try:
            register.undo(int(change["change_id"]), editor)
        except store.StoreError as error:
            st.error(text.escape_markdown(str(error)), icon=":material/block:")
        else:
            st.toast(f"Change {change['change_id']} undone.")
            st.rerun()
