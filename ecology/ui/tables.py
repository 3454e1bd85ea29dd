"""Drawing the static HTML tables of ``ecology.reports.html_table`` on a page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecology.reports import html_table


def show(frame: pd.DataFrame, **options) -> None:
    """Draw ``frame`` as a static table (options as ``html_table.table_html``).

    Through ``st.html``: every cell is escaped by ``table_html`` and DOMPurify sanitises again."""
    st.html(f"<style>{html_table.CSS}</style>{html_table.table_html(frame, **options)}")
