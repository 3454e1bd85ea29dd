"""gaps.venue_kinds: how many venues of each kind, read from their ids, for the note shown when no
asset counts as provision."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, strategies as st

from ecology.analysis import gaps


def _split_count(ids: list[str]) -> dict[str, int]:
    """The same count done the plain way: the id's part before the first colon, named in plural."""
    counts: dict[str, int] = {}
    for asset_id in ids:
        kind = asset_id.split(":")[0]
        name = gaps.VENUE_KINDS.get(kind, kind)
        counts[name] = counts.get(name, 0) + 1
    return counts


def test_venue_kinds_counts_each_kind_by_its_prefix_largest_first():
    ids = pd.Series(["library:1", "museum:a", "library:2", "cinema:x", "library::3", "gallery:9"], dtype="str")
    kinds = gaps.venue_kinds(ids)
    assert kinds.to_dict() == {"libraries": 3, "museums": 1, "cinemas": 1, "gallery": 1}
    assert kinds.index[0] == "libraries"


def test_venue_kinds_of_no_venue_is_empty():
    assert gaps.venue_kinds(pd.Series([], dtype="str")).empty


@given(st.lists(st.tuples(st.sampled_from(["museum", "library", "cinema", "museums", "mus", "x", ""]),
                          st.sampled_from([":", "::", "-"]), st.text(max_size=6)), max_size=40))
def test_venue_kinds_agrees_with_splitting_each_id(parts):
    ids = ["".join(p) for p in parts]
    assert gaps.venue_kinds(pd.Series(ids, dtype="str")).to_dict() == _split_count(ids)
