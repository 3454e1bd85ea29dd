"""A small table as static HTML: every cell escaped, numbers formatted and right-aligned.

For the short summary tables of the pages (a few to a few dozen rows). ``st.dataframe`` draws
them on a canvas with a grid library: about 1.6 MB of JavaScript the browser fetches and compiles
before the page is drawn, which a table nobody sorts does not need. Long, sortable or selectable
tables stay ``st.dataframe``.

Formats follow the names of ``st.column_config.NumberColumn``: a printf pattern (``"%.1f"``,
``"%+.1f"``, ``"£%.2f"``), ``"localized"`` (thousands separated), ``"percent"`` (a share 0-1
shown as a percentage to one decimal place, none when it is whole). A column named in ``links``
is drawn as a link (showing the site's host name) when its value is an ``http(s)`` address, as
text otherwise.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
import re
from collections.abc import Collection, Mapping, Sequence
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

MISSING = "–"
CSS_CLASS = "eco-table"
SORT_BUTTON = "eco-sort"
# Light theme (.streamlit/config.toml); borders and stripes are translucent so they sit on any
# background the page gives them.
CSS = (f".{CSS_CLASS}{{overflow:auto;border:1px solid rgba(49,51,63,.15);border-radius:.5rem}}"
       f".{CSS_CLASS} table{{border-collapse:collapse;width:100%;font-size:.875rem;line-height:1.35}}"
       f".{CSS_CLASS} th,.{CSS_CLASS} td{{padding:.3rem .6rem;text-align:left;vertical-align:top;"
       "border-bottom:1px solid rgba(49,51,63,.1)}"
       f".{CSS_CLASS} th{{position:sticky;top:0;background:#f0f2f6;font-weight:600;color:rgb(49,51,63)}}"
       f".{CSS_CLASS} tr:last-child td{{border-bottom:none}}"
       # A sortable table's keyed cells are aligned by their key, not a class on each (a 296-row
       # ranking is sent whole on every rerun).
       f".{CSS_CLASS} .num,.{CSS_CLASS} td[data-sort]{{text-align:right;font-variant-numeric:tabular-nums;"
       f"white-space:nowrap}}"
       f".{CSS_CLASS} .missing{{color:rgba(49,51,63,.45)}}"
       f".{CSS_CLASS} .clip{{max-width:16rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}"
       f".{CSS_CLASS} .wide{{min-width:22rem}}"
       f".{CSS_CLASS}.one-line td{{white-space:nowrap}}"
       f".{CSS_CLASS} abbr{{text-decoration:underline dotted;cursor:help}}"
       # A sortable header: a plain-looking button, its order shown by an arrow after the label.
       f".{CSS_CLASS} .{SORT_BUTTON}{{all:unset;cursor:pointer;border-radius:.25rem}}"
       f".{CSS_CLASS} .{SORT_BUTTON}:focus-visible{{outline:2px solid #1c83e1;outline-offset:2px}}"
       f".{CSS_CLASS} .{SORT_BUTTON}::after{{content:'\\2195';opacity:.35;padding-left:.3em}}"
       f".{CSS_CLASS} th[aria-sort=ascending] .{SORT_BUTTON}::after{{content:'\\2191';opacity:1}}"
       f".{CSS_CLASS} th[aria-sort=descending] .{SORT_BUTTON}::after{{content:'\\2193';opacity:1}}")


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_number(value: numbers.Number, pattern: str | None) -> str:
    """Return ``value`` as text under ``pattern`` (see the module's docstring); with no pattern,
    whole numbers as they are and others to 2 decimal places."""
    if pattern == "localized":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if pattern == "percent":
        return f"{value:.1%}".replace(".0%", "%")
    if pattern:
        return pattern % value
    if isinstance(value, numbers.Integral) or float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def format_when(value: dt.date) -> str:
    """Return a date as ``5 Mar 2025``, with the time of day (to the minute) when it has one."""
    stamp = pd.Timestamp(value)
    day = f"{stamp.day} {stamp:%b %Y}"
    return day if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0) else f"{day} {stamp:%H:%M}"


def _host(address: str) -> str:
    try:
        return urlsplit(address).hostname or address
    except ValueError:  # "http://[not-an-address"
        return address


def sort_key(value) -> str:
    """Return the key a sortable table orders a cell by: a number as text (so "10" follows "9"),
    a date as its ISO form, a yes/no as 1/0, and "" for a missing value (always listed last);
    other text is ordered by what it shows, so its key is that text."""
    if _is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, numbers.Number):
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 2 ** 53 else repr(number)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).isoformat()
    return str(value)


_BARE_VALUE = re.compile(r"[\w.:+-]+")


def _sort_attribute(key: str) -> str:
    # A number or an ISO date needs no quotes, and each quote would be sent escaped in the page's JSON.
    if _BARE_VALUE.fullmatch(key):
        return f" data-sort={key}"
    return f' data-sort="{html.escape(key, quote=True)}"'


def _cell(value, *, pattern: str | None, link: bool, clip: bool, wide: bool, key: str | None = None) -> str:
    keyed = "" if key is None else _sort_attribute(key)
    if _is_missing(value):
        return f'<td class="missing"{keyed}>{MISSING}</td>'
    if isinstance(value, (bool, np.bool_)):
        return f"<td{keyed}>{'Yes' if value else 'No'}</td>"
    aligned = keyed or ' class="num"'
    if isinstance(value, numbers.Number):
        return f"<td{aligned}>{html.escape(format_number(value, pattern))}</td>"
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f"<td{aligned}>{html.escape(format_when(value))}</td>"
    words = str(value)
    if link and words.lower().startswith(("https://", "http://")):
        # The host names the site; the whole address is the link and its tooltip.
        address, host = html.escape(words, quote=True), html.escape(_host(words))
        return (f'<td><a href="{address}" title="{address}" target="_blank" rel="noopener noreferrer">{host}</a>'
                "</td>")
    if clip:
        return f'<td class="clip" title="{html.escape(words, quote=True)}">{html.escape(words)}</td>'
    shown = ' class="wide"' if wide else ""
    return f"<td{shown}{keyed}>{html.escape(words)}</td>"


def _header(name: str, shown: str, tip: str | None, numeric: bool, *, sortable: bool = False,
            keyed: bool = False) -> str:
    label = html.escape(shown)
    if tip:
        label = f'<abbr title="{html.escape(tip, quote=True)}">{label}</abbr>'
    if sortable:  # a button, so the header sorts from the keyboard too; aria-sort says how it is ordered
        label = f'<button type="button" class="{SORT_BUTTON}">{label}</button>'
        order = ' aria-sort="none"' + (' data-keyed=""' if keyed else "")
        return f'<th class="num"{order}>{label}</th>' if numeric else f"<th{order}>{label}</th>"
    return f'<th class="num">{label}</th>' if numeric else f"<th>{label}</th>"


def table_html(frame: pd.DataFrame, *, headers: Mapping[str, str] | None = None,
               formats: Mapping[str, str] | None = None, tips: Mapping[str, str] | None = None,
               links: Collection[str] = (), clipped: Collection[str] = (), wide: Collection[str] = (),
               max_height: int | None = None, label: str | None = None, sortable: bool = False,
               order_by: Mapping[str, Sequence] | None = None, one_line: bool = False) -> str:
    """Return ``frame`` as one line of HTML: a ``<table>`` in a scrolling ``div`` (its header row
    stays in view when ``max_height``, in CSS pixels, cuts the rows off).

    With ``sortable``, each header is a button and each number, date or yes/no cell carries its
    ``sort_key`` (``data-sort``), for ``ecology/ui/sortable_table.js`` to order the rows by;
    ``order_by`` gives a text column its keys, row by row (a count published as "fewer than 5"
    sorts among the numbers, not after them).
    With ``one_line``, no cell wraps (a wide ranking scrolls sideways, a row to a line).

    ``headers`` renames columns for display; ``formats`` and ``tips`` are keyed by the frame's own
    column names; text in a ``clipped`` column stays on one line, cut short with its whole text
    in the cell's tooltip; a ``wide`` column keeps room for long text (a quote reads as lines, not
    as a column of words); ``label`` is the table's accessible name. The index is not shown."""
    headers, formats, tips, order_by = headers or {}, formats or {}, tips or {}, order_by or {}
    columns = list(frame.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in columns}
    # Keyed: ordered by data-sort (numbers, dates, yes/no, or keys given); other columns by their text.
    keyed = {c: numeric[c] or c in order_by or pd.api.types.is_bool_dtype(frame[c])
             or pd.api.types.is_datetime64_any_dtype(frame[c]) for c in columns}
    head = "".join(_header(c, headers.get(c, str(c)), tips.get(c), numeric[c], sortable=sortable, keyed=keyed[c])
                   for c in columns)
    # Each keyed column's sort keys, row by row (a sortable table only).
    keys = {c: [sort_key(k) for k in order_by.get(c, frame[c])] for c in columns if sortable and keyed[c]}
    body = "".join(
        "<tr>" + "".join(_cell(value, pattern=formats.get(c), link=c in links, clip=c in clipped,
                               wide=c in wide, key=keys[c][at] if c in keys else None)
                         for c, value in zip(columns, row)) + "</tr>"
        for at, row in enumerate(frame.itertuples(index=False, name=None)))
    if not body:
        body = f'<tr><td class="missing" colspan="{max(len(columns), 1)}">No rows</td></tr>'
    style = f' style="max-height:{int(max_height)}px"' if max_height else ""
    named = f' aria-label="{html.escape(label, quote=True)}"' if label else ""
    classes = f"{CSS_CLASS} one-line" if one_line else CSS_CLASS
    return (f'<div class="{classes}"{style}><table{named}><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")
