"""Postcode packing, taxonomy, overview figures and About tables."""

from __future__ import annotations

import pandas as pd
import pytest

from ecology import about, taxonomy
from ecology.places import postcode
from ecology.sources import catalogue


def test_pack_gives_distinct_ordered_keys():
    normalised = postcode.normalise(pd.Series(["AB1 0AA", "ab10 0aa", "AB1  0AB", "M1 1AE", "W1A 0AX"]))
    keys = postcode.pack(normalised)
    assert len(set(keys)) == 5
    assert list(normalised) == ["AB10AA", "AB100AA", "AB10AB", "M11AE", "W1A0AX"]


def test_pack_rejects_empty_too_long_and_non_ascii():
    keys = postcode.pack(pd.Series(["", None, "ABCDEFGH", "M1 1AÉ"], dtype="string"))
    assert list(keys[:3]) == [-1, -1, -1]
    assert keys[3] == -1


@pytest.mark.parametrize("text, valid", [("M11AE", True), ("SW1A1AA", True), ("GIR0AA", True),
                                         ("M1", False), ("11AAA", False), ("M1 1AE", False)])
def test_is_valid(text, valid):
    assert bool(postcode.is_valid(pd.Series([text]))[0]) is valid


def test_display_form():
    assert postcode.display_form("SW1A1AA") == "SW1A 1AA"


def test_taxonomy_resolves_labels_ids_and_synonyms():
    assert len(taxonomy.terms("activity")) == 11
    assert len(taxonomy.terms("health_focus")) == 12
    assert taxonomy.resolve("health_focus", "  COPD ") == "respiratory"
    assert taxonomy.resolve("activity", "heritage & museums") == "heritage_museums"
    assert taxonomy.resolve("setting", "a spaceship") is None
    assert taxonomy.label_of("health_focus", "dementia") == "Dementia"
    for name in taxonomy.VOCABULARIES:
        ids = [t.id for t in taxonomy.terms(name)]
        assert len(ids) == len(set(ids))


def test_about_tables_cover_the_manifest():
    manifest = catalogue.load_manifest()
    table = about.sources_table(manifest)
    assert len(table) == len(manifest)
    assert table[["Publisher", "Vintage", "Licence", "Attribution"]].notna().all().all()
    assert "none: converted or derived" in about.dataset_details(next(d for d in manifest if d.id == "postcodes"))


def test_page_path_does_not_import_geopandas():
    """Pages draw maps from prebuilt GeoJSON; geopandas costs ~0.5 s of first-page start-up."""
    import subprocess
    import sys

    code = ("import sys, ecology.ui.shell, ecology.ui.loaders, ecology.ui.mapview, ecology.analysis.overview, "
            "ecology.about; print(sorted(m for m in ('geopandas', 'shapely', 'pyproj') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_escape_markdown_neutralises_every_markdown_construct():
    from ecology.text import escape_markdown

    hostile = "![x](http://t.example/p.png) [link](https://e.example) **bold** `code` <b> # \\ _i_"
    escaped = escape_markdown(hostile)
    # Every punctuation character is preceded by a backslash, so nothing forms syntax.
    assert escaped.replace("\\", "").replace(" ", "") == hostile.replace("\\", "").replace(" ", "")
    assert escaped.startswith(r"\!\[x\]\(http\:\/\/t\.example")
    assert r"\*\*bold\*\*" in escaped and r"\`code\`" in escaped and r"\<b\>" in escaped
    assert escape_markdown(None) == ""


