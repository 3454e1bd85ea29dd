"""Drawing the static HTML of ``ecology.reports`` (tables, headline cards) on a page.

Through ``st.html``: every text is escaped where the HTML is made, and DOMPurify sanitises it
again in the browser. One ``st.html`` element, however many rows or cards, where Streamlit's own
elements would be dozens the browser redraws on every rerun.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from ecology.reports import headline_cards, html_table


def table(frame: pd.DataFrame, **options) -> None:
    """Draw ``frame`` as a static table (options as ``html_table.table_html``)."""
    st.html(f"<style>{html_table.CSS}</style>{html_table.table_html(frame, **options)}")


def figures(shown: Iterable) -> None:
    """Draw headline figures (``place_profile.Figure``) as cards."""
    st.html(f"<style>{headline_cards.CSS}</style>{headline_cards.cards_html(shown)}")
