"""The Overview's headline cards: every figure shown in order, its origin badged, all text escaped."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from ecology.analysis.place_profile import Figure
from ecology.reports import headline_cards
from tests.static_html import read_figures


def test_each_figure_is_a_card_in_order_with_its_origin_note_and_vintage():
    shown = read_figures(headline_cards.cards_html([
        Figure("residents", "Residents", "2,402,438", "Census 2021", note="all ages"),
        Figure("practitioners", "Practitioners", "3,000", "generated sample register", origin="sample"),
    ]))
    assert [(c["key"], c["label"], c["value"], c["origin"], c["note"], c["vintage"]) for c in shown] == [
        ("residents", "Residents", "2,402,438", "real", "all ages", "Census 2021"),
        ("practitioners", "Practitioners", "3,000", "sample", "", "generated sample register")]


def test_a_figure_of_unknown_origin_is_never_badged_real():
    markup = headline_cards.cards_html([Figure("x", "X", "1", "v", origin="imported")])
    assert read_figures(markup)[0]["origin"] == "sample" and ">Real<" not in markup


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_any_text_in_a_figure_shows_exactly_and_adds_no_markup(label, value, note, vintage):
    markup = headline_cards.cards_html([Figure("k", label, value, vintage, note=note)])
    card = read_figures(markup)[0]
    assert (card["label"], card["value"], card["note"], card["vintage"]) == (label, value, note.strip(), vintage)
    assert markup.count("<") == markup.count("<span") + markup.count("</span") + markup.count("<li") + \
        markup.count("</li") + markup.count("<ul") + markup.count("</ul") + markup.count("<br>")
