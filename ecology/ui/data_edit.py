"""The Data page's editor: add, edit and retire one asset, with the version check.

Saving marks a record verified only when the editor ticks "I checked this record today".
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology import schema, taxonomy, text
from ecology.analysis import filters
from ecology.register import editing, freshness, store
from ecology.ui import data_history, loaders
from ecology.ui.shell import PageContext

NEW = "__new__"
LABELS = "editing-labels"
STATE = "editing"  # session state: {"id": ..., "record": the record as read (with its version)}
CHECKED_TODAY = "I checked this record today"


def _options(in_place: pd.DataFrame, search: str) -> list[str]:
    words = search.strip().lower()
    if words:
        haystack = (in_place["name"].fillna("") + " " + in_place["organisation"].fillna("")).str.lower()
        in_place = in_place[haystack.str.contains(words, regex=False).to_numpy(dtype=bool)]
    return [NEW] + in_place["asset_id"].head(500).tolist()


def _load(record_id: str) -> None:
    """Remember the record as read now: its version is what a save will be checked against."""
    record = editing.blank() if record_id == NEW else loaders.the_register().get("assets", record_id)
    st.session_state[STATE] = {"id": record_id, "record": record}


def _form(record: dict, form_key: str) -> tuple[dict, bool]:
    """Draw the asset form filled with ``record``; return (values, submitted)."""
    values = {}
    with st.form(form_key):
        left, right = st.columns(2)
        values["name"] = left.text_input("Name (required)", record.get("name") or "", max_chars=300)
        values["organisation"] = right.text_input("Organisation", record.get("organisation") or "", max_chars=300)
        kinds = [t.id for t in taxonomy.terms("kind")]
        values["kind"] = left.selectbox("Kind", kinds, index=kinds.index(record["kind"]) if record.get("kind") in kinds
                                        else 0, format_func=lambda t: taxonomy.label_of("kind", t))
        costs = [""] + [t.id for t in taxonomy.terms("cost")]
        values["cost"] = right.selectbox("Cost", costs, index=costs.index(record.get("cost") or ""),
                                         format_func=lambda t: taxonomy.label_of("cost", t) if t else "Not known")
        for field_name, vocabulary in schema.MULTI_VALUED.items():
            ids = [t.id for t in taxonomy.terms(vocabulary)]
            values[field_name] = st.multiselect(
                editing.FIELD_LABELS[field_name], ids, default=[t for t in schema.split_terms(record.get(field_name))
                                                               if t in ids],
                format_func=lambda t, v=vocabulary: taxonomy.label_of(v, t))
        values["address"] = st.text_input("Address", record.get("address") or "", max_chars=500)
        left, middle, right = st.columns(3)
        values["postcode"] = left.text_input("Postcode", record.get("postcode") or "", max_chars=10)
        values["latitude"] = middle.text_input("Latitude", editing.number_text(record.get("latitude")),
                                               help="WGS84 degrees. Leave both empty to place it by postcode.")
        values["longitude"] = right.text_input("Longitude", editing.number_text(record.get("longitude")))
        left, right = st.columns(2)
        values["website"] = left.text_input("Website", record.get("website") or "", max_chars=2000)
        values["contact_email"] = right.text_input("Contact email (organisational only)",
                                                   record.get("contact_email") or "", max_chars=254)
        statuses = list(editing.STATUSES)
        values["status"] = left.selectbox("Status", statuses, index=statuses.index(record.get("status") or "active")
                                          if (record.get("status") or "active") in statuses else 0)
        values["checked_today"] = right.checkbox(
            CHECKED_TODAY, value=False, key=f"{form_key}-checked",
            help="Tick it only if you confirmed today, with the organisation or its own current information, that "
                 "this offer still runs as described. It records you and today's date as the record's last "
                 "verification; leave it unticked when you only correct or add details.")
        right.caption(f"Last verified: {_verified_text(record)}")
        submitted = st.form_submit_button("Save", icon=":material/save:", type="primary")
    return values, submitted


def _verified_text(record: dict) -> str:
    verified = record.get("last_verified")
    if verified is None or pd.isna(verified):
        return freshness.NEVER
    who = record.get("verified_by")
    return f"{pd.Timestamp(verified):%d %B %Y}" + (f" by {text.escape_markdown(who)}" if isinstance(who, str) and who
                                                   else "")


def _show_issues(issues) -> None:
    for issue in issues:
        where = f"{issue.field}: " if issue.field else ""
        message = text.escape_markdown(where + issue.message)
        (st.error if issue.severity == "error" else st.warning)(message)


def show(context: PageContext, editor: str) -> None:
    """Draw record choice, the form, save / retire, and the record's history."""
    in_place = filters.within_place(loaders.assets(), context.tree, context.place_code)
    search = st.text_input("Find a record in this place", key="edit-search", placeholder="Name or organisation")
    options = _options(in_place, search)
    open_now = (st.session_state.get(STATE) or {}).get("id")
    if open_now and open_now not in options and open_now in set(in_place["asset_id"]):
        options.insert(1, open_now)  # renamed by someone else: keep the open form on screen
    # The picker keeps the value as its label: a label that changed (someone renamed the
    # record) would reset the choice and lose the open form, so labels are fixed per session.
    labels = st.session_state.setdefault(LABELS, {NEW: "New: add an asset"})
    names = in_place.set_index("asset_id")["name"]
    for record_id in options:
        if record_id not in labels:
            labels[record_id] = f"{names.get(record_id) or ''}  ({record_id})"
    chosen = st.selectbox("Record", options, key="edit-record", format_func=labels.get)
    state = st.session_state.get(STATE)
    if state is None or state["id"] != chosen:
        _load(chosen)
        state = st.session_state[STATE]
    record = state["record"]
    if record is None:
        st.error("This record is no longer in the register.")
        return
    is_new = chosen == NEW
    if not is_new:
        st.caption(f"Version {record['version']} · last changed {record['updated_at']:%d %B %Y %H:%M} UTC"
                   + (" · generated sample record" if record.get("is_sample") else ""))
    values, submitted = _form(record, f"edit-form-{chosen}-{record.get('version', 0)}")
    if submitted:
        register = loaders.the_register()
        others = register.keys("assets")
        checked = editing.check(values, record_id=None if is_new else chosen, base=record,
                                postcodes=loaders.postcodes(), assigner=loaders.assigner(), existing=others,
                                today=pd.Timestamp.today().normalize(),
                                checked_today=bool(values.pop("checked_today")), editor=editor)
        _show_issues(checked.issues)
        if checked.record is not None:
            try:
                if is_new:
                    stored = register.add("assets", checked.record, editor)
                    st.session_state[STATE] = {"id": stored["asset_id"], "record": stored}
                    st.success(f"Added {text.escape_markdown(stored['name'])} ({stored['asset_id']}).")
                else:
                    changes = editing.changes(record, checked.record)
                    if not changes:
                        st.info("Nothing changed.")
                    else:
                        stored = register.update("assets", chosen, changes, record["version"], editor)
                        st.session_state[STATE] = {"id": chosen, "record": stored}
                        st.success(f"Saved: {', '.join(editing.FIELD_LABELS.get(c, c) for c in changes)} "
                                   f"(now version {stored['version']}).")
            except store.Conflict as conflict:
                st.error(text.escape_markdown(str(conflict)), icon=":material/sync_problem:")
                if conflict.current is not None:
                    st.button("Load the current version", on_click=_load, args=(chosen,), key="reload-record")
            except store.StoreError as error:
                st.error(text.escape_markdown(str(error)))
    if is_new:
        return
    with st.expander("Retire this record"):
        reason = st.text_input("Why (kept in the history)", key=f"retire-reason-{chosen}", max_chars=500)
        if st.button("Retire", icon=":material/archive:", key=f"retire-{chosen}"):
            try:
                loaders.the_register().retire("assets", chosen, record["version"], editor, reason)
            except store.StoreError as error:
                st.error(text.escape_markdown(str(error)))
            else:
                st.session_state.pop(STATE, None)
                st.toast("Retired: it no longer shows on the map or in lists; undo it from the history.")
                st.rerun()
    st.markdown("**History of this record**")
    data_history.show(editor, record_id=chosen, key=f"record-history-{chosen}")
