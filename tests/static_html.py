"""Reading the static HTML the pages draw (``ecology.reports``: tables, headline cards) back as text."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pandas as pd

from ecology.reports import headline_cards, html_table


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[pd.DataFrame] = []
        self._label = ""
        self._head: list[str] = []
        self._numeric: list[str] = []
        self._numeric_header = False
        self._rows: list[list[str]] = []
        self._keys: list[list[str | None]] = []
        self._cell: list[str] | None = None
        self._spanning = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._label, self._head, self._rows, self._keys = dict(attrs).get("aria-label", ""), [], [], []
            self._numeric = []
        elif tag == "tr":
            self._rows.append([])
            self._keys.append([])
        elif tag in ("th", "td"):
            self._cell = []
            self._spanning = "colspan" in dict(attrs)  # the one cell of a table with no rows
            self._numeric_header = tag == "th" and "num" in (dict(attrs).get("class") or "").split()
            if tag == "td" and self._keys:
                self._keys[-1].append(dict(attrs).get("data-sort"))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            words = "".join(self._cell)
            if tag == "th":
                self._head.append(words)
                if self._numeric_header:
                    self._numeric.append(words)
            elif self._spanning:
                self._rows.pop()
                self._keys.pop()
            else:
                self._rows[-1].append(words)
            self._cell = None
        elif tag == "table":
            rows = [r for r in self._rows if r]
            frame = pd.DataFrame(rows, columns=self._head) if rows else pd.DataFrame(columns=self._head)
            frame.attrs["label"] = self._label
            frame.attrs["numeric"] = list(self._numeric)
            frame.attrs["sort_keys"] = pd.DataFrame([k for k in self._keys if k], columns=self._head) \
                if rows else pd.DataFrame(columns=self._head)
            self.tables.append(frame)


def read_tables(markup: str) -> list[pd.DataFrame]:
    """Return every ``<table>`` in ``markup`` as a frame of the cell texts (header row as columns,
    the table's aria-label in ``frame.attrs["label"]``; a "No rows" table is empty)."""
    reader = _TableReader()
    reader.feed(markup)
    return reader.tables


def page_tables(app) -> list[pd.DataFrame]:
    """Return every static table an AppTest run drew, in page order."""
    return [t for element in app.get("html") if html_table.CSS_CLASS in element.proto.body
            for t in read_tables(element.proto.body)]


def page_table(app, label: str) -> pd.DataFrame:
    """Return the static table whose accessible name is ``label``."""
    found = [t for t in page_tables(app) if t.attrs["label"] == label]
    assert found, f"no table {label!r} among {[t.attrs['label'] for t in page_tables(app)]}"
    return found[0]


def _number(key: str) -> float | None:
    return None if key == "" else float(key)


def typed_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` (from ``read_tables`` on sortable markup) with each number column as the
    floats its ``data-sort`` keys hold (html_table.sort_key) and each yes/no column as booleans;
    other columns keep the text they show."""
    keys = table.attrs["sort_keys"]
    typed = table.copy()
    for column in table.columns:
        if not len(keys) or keys[column].isna().any():
            continue
        if column in table.attrs["numeric"]:
            typed[column] = [_number(key) for key in keys[column]]
        elif set(table[column]) <= {"Yes", "No", html_table.MISSING}:
            typed[column] = [None if key == "" else key == "1" for key in keys[column]]
    return typed


def sortable_table(app, label: str) -> pd.DataFrame:
    """Return the sortable table (``static_html.sortable_table``) whose accessible name is
    ``label``, its keyed columns typed (``typed_table``)."""
    found = [t for data in component_data(app, "ecology.sortable_table") for t in read_tables(data["html"])]
    labelled = [t for t in found if t.attrs["label"] == label]
    assert labelled, f"no sortable table {label!r} among {[t.attrs['label'] for t in found]}"
    return typed_table(labelled[0])


class _CardReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[dict[str, str]] = []
        self._field: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "li":
            self.cards.append({"key": found.get("data-key", ""), "label": "", "value": "", "origin": "",
                               "note": "", "vintage": ""})
        elif tag == "span" and self.cards:
            classes = (found.get("class") or "").split()
            if "badge" in classes:
                self.cards[-1]["origin"] = classes[-1]
                self._field = "badge"
            else:
                self._field = next((c for c in classes if c in ("label", "value", "note", "vintage")), self._field)

    def handle_endtag(self, tag):
        if tag == "span" and self._field in ("badge", "vintage", "label", "value"):
            self._field = "note" if self._field == "badge" else None

    def handle_data(self, data):
        if self.cards and self._field in ("label", "value", "note", "vintage"):
            self.cards[-1][self._field] += data


def read_figures(markup: str) -> list[dict[str, str]]:
    """Return each headline card in ``markup`` as {key, label, value, origin, note, vintage}."""
    reader = _CardReader()
    reader.feed(markup)
    for card in reader.cards:
        card["note"] = card["note"].strip()
    return reader.cards


def page_cards(app) -> list[dict[str, str]]:
    """Return the headline cards an AppTest run drew (as ``read_figures``)."""
    return [card for element in app.get("html") if headline_cards.CSS_CLASS in element.proto.body
            for card in read_figures(element.proto.body)]


def page_figures(app) -> dict[str, str]:
    """Return the headline figures an AppTest run drew, as {label: value}."""
    return {card["label"]: card["value"] for card in page_cards(app)}


def page_charts(app) -> list[str]:
    """Return the SVG of every light chart a page draws (``ecology.ui.svg``'s component), in order."""
    return [data["svg"] for data in component_data(app, "ecology.svg_chart")]


def component_data(app, name: str) -> list[dict]:
    """Return the data sent to every v2 component called ``name`` on the page, in order."""
    found: list[dict] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        for child in children.values() if isinstance(children, dict) else []:
            proto = getattr(child, "proto", None)
            if getattr(child, "type", "") == "bidi_component" and proto.component_name == name:
                found.append(json.loads(proto.json))
            walk(child)

    walk(app._tree)
    return found
