"""The Overview's headline figures as one block of static HTML: a card per figure.

One element instead of a column layout of ``st.metric`` cards (ten figures were 44 of the
page's elements and blocks, and the browser redraws every element on each message of a rerun).
Every text is escaped. The cards flow into as many columns as fit: five across a desktop page,
two on a phone.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

CSS_CLASS = "eco-figures"
ORIGIN_LABELS = {"real": "Real", "sample": "Sample"}
# Colours as Streamlit's own green and orange badges; the value at 1.6rem (st.metric's 2.25rem
# cut "2 Developing" short in a card a fifth of the page wide). Streamlit indents every list in
# an st.html element by a rule more specific than one class: hence !important.
CSS = (f".{CSS_CLASS}{{list-style:none;margin:0 0 .5rem!important;padding:0!important;display:grid;gap:.75rem;"
       "grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr))}"
       f".{CSS_CLASS} li{{margin:0;border:1px solid rgba(49,51,63,.2);border-radius:.5rem;padding:.75rem .9rem;"
       "display:flex;flex-direction:column;gap:.2rem;min-width:0}"
       f".{CSS_CLASS} .label{{font-size:.875rem;color:rgb(49,51,63)}}"
       f".{CSS_CLASS} .value{{font-size:1.6rem;line-height:1.25;color:rgb(49,51,63);overflow-wrap:anywhere}}"
       f".{CSS_CLASS} .note{{font-size:.875rem;line-height:1.45;color:rgba(49,51,63,.6)}}"
       f".{CSS_CLASS} .vintage{{font-style:italic}}"
       f".{CSS_CLASS} .badge{{display:inline-block;font-size:.8rem;border-radius:.25rem;padding:0 .3rem;"
       "margin-right:.3rem}"
       f".{CSS_CLASS} .real{{background:rgba(33,195,84,.1);color:rgb(21,130,55)}}"
       f".{CSS_CLASS} .sample{{background:rgba(255,164,33,.12);color:rgb(158,84,0)}}")


def cards_html(figures: Iterable, *, label: str = "Headline figures") -> str:
    """Return the figures (``place_profile.Figure``: label, text, note, vintage, origin) as a list
    of cards, in order; ``label`` is the list's accessible name."""
    cards = []
    for figure in figures:
        origin = figure.origin if figure.origin in ORIGIN_LABELS else "sample"
        note = f" {html.escape(figure.note)}" if figure.note else ""
        cards.append(
            f'<li data-key="{html.escape(figure.key, quote=True)}"><span class="label">{html.escape(figure.label)}'
            f'</span><span class="value">{html.escape(figure.text)}</span><span class="note">'
            f'<span class="badge {origin}">{ORIGIN_LABELS[origin]}</span>{note}<br>'
            f'<span class="vintage">{html.escape(figure.vintage)}</span></span></li>')
    return f'<ul class="{CSS_CLASS}" aria-label="{html.escape(label, quote=True)}">{"".join(cards)}</ul>'
