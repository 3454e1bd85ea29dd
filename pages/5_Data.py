"""Data: the register behind the app. Freshness for everyone; import, editing and history for editors."""

import pandas as pd
import streamlit as st

from ecology import text
from ecology.register import summary
from ecology.ui import auth, data_edit, data_freshness, data_history, data_import, loaders, shell

context = shell.setup("pages/5_Data.py")
with shell.page_body(context):
    with st.sidebar:
        st.divider()
        auth.sign_in_panel()
    editor = auth.current_editor()
    as_of = pd.Timestamp.today().normalize()

    st.title("Data")
    everything = loaders.assets(include_retired=True)
    st.markdown(text.escape_markdown(summary.describe(everything, loaders.the_register().backend)))
    if summary.sample_count(everything):
        st.warning("The register starts with **generated sample records** (marked as sample everywhere) beside the "
                   "real museums, libraries and cinemas. Import your own directory to replace them; hide sample records "
                   "from the Assets page's filters.", icon=":material/science:")
    if editor:
        st.caption(f"Signed in as **{text.escape_markdown(editor)}**: your changes are kept in the history "
                   "under this name.")
        fresh_tab, import_tab, edit_tab, history_tab = st.tabs(["Freshness", "Import", "Add or edit", "History"])
        with import_tab:
            data_import.show(editor)
        with edit_tab:
            data_edit.show(context, editor)
        with history_tab:
            data_history.show(editor)
    else:
        st.caption("Viewing only. Editors sign in from the sidebar to import, edit and verify records.")
        fresh_tab = st.container()
    with fresh_tab:
        data_freshness.show(context, editor, as_of)
    shell.attribution(["museums", "libraries", "postcodes"])
