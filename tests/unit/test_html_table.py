"""The static HTML tables: every cell escaped, numbers formatted, links only to web addresses."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from ecology.reports import html_table
from tests.static_html import read_tables


def _one(markup: str) -> pd.DataFrame:
    tables = read_tables(markup)
    assert len(tables) == 1
    return tables[0]


def test_numbers_follow_the_column_config_format_names():
    frame = pd.DataFrame({"people": [551888.0], "share": [0.1852], "step": [0.4], "score": [3.14159],
                          "gap": [2.0], "money": [1.5]})
    shown = _one(html_table.table_html(frame, formats={"people": "localized", "share": "percent", "step": "percent",
                                                       "score": "%.1f", "gap": "%+.1f", "money": "£%.2f"}))
    assert shown.iloc[0].tolist() == ["551,888", "18.5%", "40%", "3.1", "+2.0", "£1.50"]


def test_missing_values_show_a_dash_and_booleans_yes_or_no():
    frame = pd.DataFrame({"a": [np.nan, 1.0], "b": [None, "x"], "c": [True, False],
                          "when": [pd.NaT, pd.Timestamp("2025-03-05")]})
    shown = _one(html_table.table_html(frame))
    assert shown["a"].tolist() == [html_table.MISSING, "1"]
    assert shown["b"].tolist() == [html_table.MISSING, "x"]
    assert shown["c"].tolist() == ["Yes", "No"]
    assert shown["when"].tolist() == [html_table.MISSING, "5 Mar 2025"]


def test_headers_are_renamed_and_carry_their_tip():
    markup = html_table.table_html(pd.DataFrame({"imd": [1.0]}), headers={"imd": "IMD 2025"},
                                   tips={"imd": 'Higher = "more" deprived'})
    assert list(_one(markup).columns) == ["IMD 2025"]
    assert 'title="Higher = &quot;more&quot; deprived"' in markup


def test_only_web_addresses_become_links():
    frame = pd.DataFrame({"Link": ["https://example.org/a?b=1&c=2", "javascript:alert(1)", "data:text/html,x",
                                   "http://[broken"]})
    markup = html_table.table_html(frame, links={"Link"})
    assert markup.count("<a ") == 2 and 'href="https://example.org/a?b=1&amp;c=2"' in markup
    assert "href=\"javascript" not in markup and "href=\"data" not in markup
    assert _one(markup)["Link"].tolist() == ["example.org", "javascript:alert(1)", "data:text/html,x",
                                            "http://[broken"]


def test_an_empty_frame_says_no_rows():
    markup = html_table.table_html(pd.DataFrame({"a": pd.Series([], dtype=float)}), label="Nothing here")
    assert "No rows" in markup
    shown = _one(markup)
    assert shown.empty and list(shown.columns) == ["a"] and shown.attrs["label"] == "Nothing here"


def test_a_timestamp_with_a_time_of_day_keeps_the_minute():
    assert html_table.format_when(dt.datetime(2026, 1, 9, 14, 5, 30)) == "9 Jan 2026 14:05"
    assert html_table.format_when(dt.date(2026, 1, 9)) == "9 Jan 2026"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5), st.text(max_size=20))
def test_any_text_comes_back_exactly_and_never_as_markup(cells, header):
    frame = pd.DataFrame({header: cells})
    markup = html_table.table_html(frame, label=header)
    shown = _one(markup)
    assert list(shown.columns) == [header] and shown.attrs["label"] == header
    # Empty text is a value, not a missing one; everything else round-trips through the escaping.
    assert shown[header].tolist() == cells
    body = markup.split("<tbody>", 1)[1]
    assert "<" not in re.sub(r'</?(tr|td|tbody|table|div)( class="[a-z]+")?>', "", body)  # no tag but the table's


def test_clipped_text_keeps_its_whole_text_in_the_tooltip():
    words = 'Leeds, Bradford & "Calderdale"'
    markup = html_table.table_html(pd.DataFrame({"Places": [words]}), clipped={"Places"})
    assert 'class="clip" title="Leeds, Bradford &amp; &quot;Calderdale&quot;"' in markup
    assert _one(markup)["Places"].tolist() == [words]


def test_the_style_sheet_has_balanced_rules():
    assert "{{" not in html_table.CSS and "}}" not in html_table.CSS
    rules = [rule for rule in html_table.CSS.split("}") if rule]
    assert html_table.CSS.count("{") == len(rules) == html_table.CSS.count("}")
    assert all(rule.startswith(f".{html_table.CSS_CLASS}") and rule.count("{") == 1 for rule in rules)  # scoped


def test_a_wide_column_marks_its_cells_and_keeps_their_text():
    markup = html_table.table_html(pd.DataFrame({"Evidence": ["A long quote"], "Stage": ["3"]}), wide={"Evidence"})
    assert '<td class="wide">A long quote</td>' in markup and "<td>3</td>" in markup


def test_a_sortable_table_keys_numbers_dates_and_yes_no_by_value_and_leaves_text_to_its_words():
    frame = pd.DataFrame({"area": ["Leeds", "Bradford"], "assets": [1234.0, np.nan], "high": [True, False],
                          "when": [pd.Timestamp("2025-03-05"), pd.NaT]})
    markup = html_table.table_html(frame, formats={"assets": "localized"}, sortable=True)
    headers = re.findall(r"<th(?: [^>]*)?>", markup)
    assert len(headers) == 4 and all('aria-sort="none"' in header for header in headers)
    assert ["data-keyed" in header for header in headers] == [False, True, True, True]
    assert markup.count(f'<button type="button" class="{html_table.SORT_BUTTON}">') == 4
    keys = _one(markup).attrs["sort_keys"]
    assert keys["assets"].tolist() == ["1234", ""] and keys["high"].tolist() == ["1", "0"]
    assert keys["when"].tolist() == ["2025-03-05T00:00:00", ""]
    assert keys["area"].isna().all()  # text is ordered by what it shows
    assert _one(markup)["assets"].tolist() == ["1,234", html_table.MISSING]


def test_a_table_not_asked_to_sort_has_plain_headers_and_no_keys():
    markup = html_table.table_html(pd.DataFrame({"n": [1.0], "yes": [True]}))
    assert "<button" not in markup and "data-sort" not in markup and "aria-sort" not in markup


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=2, max_size=20))
def test_number_keys_order_as_the_numbers_do(values):
    keys = [html_table.sort_key(value) for value in values]
    assert sorted(values) == [float(key) for key in sorted(keys, key=float)]
    assert all(float(key) == value for key, value in zip(keys, values))


def test_a_missing_value_has_the_empty_key_which_the_table_lists_last():
    assert [html_table.sort_key(value) for value in (None, np.nan, pd.NaT, pd.NA)] == ["", "", "", ""]
    assert html_table.sort_key(np.bool_(True)) == "1" and html_table.sort_key(3) == "3" and html_table.sort_key(2.5) == "2.5"
    assert html_table.sort_key(dt.date(2024, 7, 1)) == "2024-07-01T00:00:00"
    assert html_table.sort_key("fewer than 5") == "fewer than 5"


def test_a_text_column_given_keys_sorts_by_them_and_still_shows_its_text():
    frame = pd.DataFrame({"practitioners": ["0", "fewer than 5", "1,235", None]})
    markup = html_table.table_html(frame, sortable=True, order_by={"practitioners": [0, 2.5, 1235, None]})
    shown = _one(markup)
    assert shown["practitioners"].tolist() == ["0", "fewer than 5", "1,235", html_table.MISSING]
    assert shown.attrs["sort_keys"]["practitioners"].tolist() == ["0", "2.5", "1235", ""]
    assert 'data-keyed=""' in markup
