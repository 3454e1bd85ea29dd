"""The Data page's import: upload, map columns, read the report, then write (or not).

Nothing reaches the register until an editor confirms, and then in one
transaction: every accepted row or none. A merge takes only the fields the file
gives (``ecology.register.provenance``), and is refused whole if a record it merges into
changed after the check.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st

from ecology import text
from ecology.register import export, ingest, provenance, readers, store
from ecology.ui import loaders

STATE = "import"
KIND_LABELS = {"assets": "Assets (creative health offers, venues, organisations)",
               "practitioners": "Practitioners (pseudonymous: postcode district only)"}
NOT_IMPORTED = ""
SKIP, MERGE = "skip", "merge"


def _read(upload, kind: str) -> dict:
    """Return the session's import state for this upload, reading the file once."""
    data = upload.getvalue()
    key = f"{kind}:{upload.name}:{hashlib.sha256(data).hexdigest()}"
    state = st.session_state.get(STATE)
    if state is None or state["key"] != key:
        state = {"key": key, "name": upload.name, "raw": None, "refused": None, "prepared": None, "mapping": None,
                 "versions": {}}
        try:
            state["raw"] = readers.read(upload.name, data)
        except readers.ImportRefused as refused:
            state["refused"] = str(refused)
        st.session_state[STATE] = state
    return state


def _mapping_step(raw: readers.RawTable, kind: str, file_key: str) -> dict[str, str | None]:
    """Draw one picker per column (suggested field pre-chosen); return column -> field or None."""
    suggested = ingest.suggest_mapping(list(raw.frame.columns), kind)
    targets = [NOT_IMPORTED] + ingest.mapping_targets(kind)
    unknown = [c for c, f in suggested.items() if f is None]
    if unknown:
        st.warning(f"{len(unknown)} column(s) were not recognised: " + ", ".join(
            f"“{text.escape_markdown(c)}”" for c in unknown) + ". Choose a field for each, or leave it out.",
            icon=":material/help:")
    mapping = {}
    with st.expander("Columns and the fields they fill", expanded=bool(unknown)):
        grid = st.columns(3)
        for position, column in enumerate(raw.frame.columns):
            default = suggested.get(column) or NOT_IMPORTED
            picked = grid[position % 3].selectbox(
                text.escape_markdown(str(column)) or "(blank header)", targets, index=targets.index(default),
                format_func=lambda f: "— leave out —" if f == NOT_IMPORTED else f,
                key=f"map-{file_key}-{position}")
            mapping[column] = picked or None
    return mapping


def _report(prepared: ingest.Prepared, stem: str) -> None:
    summary = prepared.summary()
    cells = st.columns(5)
    for cell, (label, value) in zip(cells, (("Rows", summary["rows"]), ("Accepted", summary["accepted"]),
                                            ("Rejected", summary["rejected"]), ("Warnings", summary["warnings"]),
                                            ("Already in the register", summary["duplicates_in_store"]))):
        cell.metric(label, f"{value:,}")
    for note in prepared.notes:
        st.caption(text.escape_markdown(note))
    report = prepared.report_frame()
    if not report.empty:
        shown = report.assign(row=report["row"].astype("string").fillna("whole file"))
        st.dataframe(shown, hide_index=True, width="stretch", height=min(400, 40 + 35 * len(report)),
                     key="import-report")
    left, right = st.columns(2)
    left.download_button("Download the report (CSV)", icon=":material/download:", key="report-csv",
                         data=lambda: export.table_to_csv(report).encode("utf-8-sig"),
                         file_name=f"{stem}-report.csv", mime="text/csv", on_click="ignore")
    right.download_button("Download the report (JSON)", icon=":material/download:", key="report-json",
                          data=lambda: json.dumps(prepared.report_json(), indent=1, default=str),
                          file_name=f"{stem}-report.json", mime="application/json", on_click="ignore")
    in_store = prepared.duplicates[prepared.duplicates["existing_id"].fillna("") != ""]
    if len(in_store):
        st.markdown(f"**{len(in_store):,} rows match records already in the register:**")
        st.dataframe(in_store, hide_index=True, width="stretch", height=min(300, 40 + 35 * len(in_store)),
                     key="import-duplicates")


def _write(state: dict, kind: str, editor: str, duplicates: str, file_name: str) -> None:
    prepared = state["prepared"]
    plan = provenance.plan(prepared, state["versions"], merge=duplicates == MERGE)
    try:
        result = loaders.the_register().import_records(
            kind, prepared.records, editor, merge_into=plan.merge_into, given=prepared.given,
            versions=plan.versions, skip=plan.skip, note=f"import of {file_name}")
    except store.Conflict as conflict:
        state["prepared"] = None  # its matches and versions are out of date: check again
        st.error(text.escape_markdown(str(conflict)), icon=":material/sync_problem:")
        return
    except store.TookTooLong as late:
        st.error(text.escape_markdown(str(late)), icon=":material/timer_off:")
        return
    st.session_state.pop(STATE, None)
    unchanged = f" ({result.unchanged:,} already matched the file)" if result.unchanged else ""
    st.success(f"Imported {file_name}: {result.added:,} added, {result.merged:,} merged into existing records"
               f"{unchanged}, {result.skipped:,} duplicates skipped. Every change is in the history "
               f"(batch {result.batch}).", icon=":material/task_alt:")


def show(editor: str) -> None:
    """Draw the whole import flow for a signed-in editor."""
    kind = st.radio("What the file holds", list(KIND_LABELS), format_func=KIND_LABELS.get, horizontal=True,
                    key="import-kind")
    upload = st.file_uploader(
        "File to import", type=["csv", "txt", "xlsx", "geojson", "json"], key="import-file",
        help=f"CSV (UTF-8 or Windows-1252, comma or semicolon), Excel .xlsx, GeoJSON points, or Open Referral "
             f"UK JSON. Up to {readers.MAX_IMPORT_BYTES // 1024 // 1024} MB and {readers.MAX_IMPORT_ROWS:,} rows.")
    if upload is None:
        st.caption("Nothing is written until you have read the report and confirmed.")
        return
    state = _read(upload, kind)
    if state["refused"]:
        st.error(text.escape_markdown(state["refused"]), icon=":material/block:")
        return
    raw = state["raw"]
    st.caption(f"{len(raw.frame):,} {raw.row_label}s and {len(raw.frame.columns)} columns read from "
               f"{text.escape_markdown(upload.name)}.")
    mapping = _mapping_step(raw, kind, state["key"][-12:])
    source = st.text_input(
        "Source name", value=upload.name, max_chars=200, key=f"import-source-{state['key'][-12:]}",
        help="Recorded on every record, and it scopes the file's own ids: keep the same name each time you "
             "import a new version of the same directory, so its rows are recognised as already imported.")
    if st.button("Check the file", icon=":material/fact_check:", type="primary", key="import-check"):
        register = loaders.the_register()
        with st.spinner("Checking every row…"):
            state["prepared"] = ingest.prepare(
                raw, kind, mapping, postcodes=loaders.postcodes(), assigner=loaders.assigner(),
                existing=register.keys(kind), source=source.strip() or upload.name,
                today=pd.Timestamp.today().normalize())
        # The versions the report is based on: a merge into a record changed since is refused.
        state["versions"] = register.versions(kind, provenance.in_store(state["prepared"]).values())
        state["mapping"] = (mapping, source)
    prepared = state["prepared"]
    if prepared is None:
        return
    if state["mapping"] != (mapping, source):
        st.info("The column choices or the source name changed since the check: check the file again.")
        return
    stem = upload.name.rsplit(".", 1)[0]
    _report(prepared, stem)
    summary = prepared.summary()
    errors = summary["rejected"]
    on_error = st.radio("Rows with errors", ["stop", "skip"], horizontal=True, key="import-on-error",
                        format_func={"stop": "Import nothing until they are fixed",
                                     "skip": "Skip them and import the rest"}.get, disabled=not errors)
    duplicates = st.radio("Rows already in the register", [SKIP, MERGE], horizontal=True, key="import-duplicates-mode",
                          format_func={SKIP: "Skip them", MERGE: "Merge: update the existing record"}.get,
                          disabled=not summary["duplicates_in_store"],
                          help="A merge changes only the fields the file gives. A record keeps its own source, "
                               "licence, attribution, status and verification unless the file gives them; a "
                               "verification date from the file counts only when it is later than the record's.")
    blocked = (errors and on_error == "stop") or summary["accepted"] == 0
    if errors and on_error == "stop":
        st.caption(f"{errors:,} rows have errors: fix them and upload the file again, or choose to skip them.")
    noun = "record" if summary["accepted"] == 1 else "records"
    if st.button(f"Write {summary['accepted']:,} {noun} to the register", icon=":material/database_upload:",
                 disabled=bool(blocked), key="import-write"):
        _write(state, kind, editor, duplicates, upload.name)
