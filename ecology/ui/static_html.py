"""Drawing the static HTML of ``ecology.reports`` (tables, headline cards) on a page.

Through ``st.html``: every text is escaped where the HTML is made, and DOMPurify sanitises it
again in the browser. One ``st.html`` element, however many rows or cards, where Streamlit's own
elements would be dozens the browser redraws on every rerun.

A table the reader sorts goes through a small v2 component instead (``sortable_table.js``, which
puts the escaped markup in the page and orders its rows when a header is pressed): ``st.html``
would strip its script, and ``st.dataframe``'s grid is 1.5 MB of scripts drawn on a canvas.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import streamlit as st

from ecology.reports import headline_cards, html_table


def table(frame: pd.DataFrame, **options) -> None:
    """Draw ``frame`` as a static table (options as ``html_table.table_html``)."""
    st.html(f"<style>{html_table.CSS}</style>{html_table.table_html(frame, **options)}")


# The sheet is given two lines: Streamlit takes a one-line string with "[" in it (an attribute
# selector) for a file glob, not for the sheet itself.
_sortable_component = st.components.v2.component(
    "ecology.sortable_table", js=Path(__file__).with_name("sortable_table.js").read_text(encoding="utf-8"),
    css="/* ecology.reports.html_table.CSS */\n" + html_table.CSS, isolate_styles=False)


@st.cache_data(show_spinner=False, max_entries=32)
def _sortable_markup(frame: pd.DataFrame, options: dict) -> str:
    # Kept by the frame and options: a rerun that leaves the table as it was (most of them) does
    # not format a 296-row ranking again (about 19 ms).
    return html_table.table_html(frame, sortable=True, one_line=True, **options)


def sortable_table(frame: pd.DataFrame, *, key: str, **options) -> None:
    """Draw ``frame`` as a table whose headers sort its rows, a row to a line (options as
    ``html_table.table_html``); ``key`` keeps the reader's order across reruns."""
    _sortable_component(key=key, data={"key": key, "html": _sortable_markup(frame, options)})


def figures(shown: Iterable) -> None:
    """Draw headline figures (``place_profile.Figure``) as cards."""
    st.html(f"<style>{headline_cards.CSS}</style>{headline_cards.cards_html(shown)}")
