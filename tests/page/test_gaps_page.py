"""The Coverage gaps page (AppTest) and the gaps command: the theme moves the ranking; same table."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest
from page_runner import open_page
from streamlit.testing.v1 import AppTest

from ecology.__main__ import main

pytestmark = pytest.mark.usefixtures("built")


def _open(**query: str) -> AppTest:
    return open_page("pages/4_Coverage_gaps.py", **query)


def _table(at: AppTest):
    return next(d.value for d in at.dataframe if "Gap rank" in d.value.columns)


def test_changing_the_theme_changes_the_ranking_and_the_age_band():
    at = _open()
    everyone = _table(at)
    assert len(everyone) == 296 and (everyone["Age band"] == "all ages").all()
    at.selectbox(key="theme").set_value("dementia").run()
    assert not at.exception
    dementia = _table(at)
    assert (dementia["Age band"] == "aged 65+").all()
    assert dementia["Code"].head(20).tolist() != everyone["Code"].head(20).tolist()
    assert dementia["Assets"].sum() < everyone["Assets"].sum()  # venues carry no health focus


def test_icb_level_highlights_the_sidebar_places_icb_and_what_if_moves_its_rank():
    at = _open(place="Bradford", level="Integrated care boards (42)")
    table = _table(at)
    assert len(table) == 42
    assert table.loc[table["Chosen"], "Code"].tolist() == ["E54000054"]
    at.number_input(key="whatif-n").set_value(400).run()
    line = next(m.value for m in at.markdown if m.value.startswith("**NHS West Yorkshire ICB**"))
    before, after = (int(x) for x in line.split("gap rank **")[1].split(" of")[0].strip("*").split(" → "))
    assert after > before  # more provision: a smaller gap, so further down the ranking


def test_turning_off_sample_records_counts_only_real_ones():
    with_sample = _table(_open())["Assets"].sum()
    real_only = _table(_open(sample="false"))["Assets"].sum()
    assert real_only < with_sample


def test_the_command_gives_the_pages_table():
    at = _open(theme="Dementia", level="Integrated care boards (42)")
    page = _table(at).drop(columns=["Chosen"], errors="ignore")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["gaps", "--level", "icb", "--theme", "dementia", "--format", "json"]) == 0
    command = json.loads(out.getvalue())["areas"]
    assert [row["Code"] for row in command] == page["Code"].tolist()
    assert [row["Gap score"] for row in command] == page["Gap score"].tolist()
    assert [row["Assets"] for row in command] == page["Assets"].tolist()


def test_with_no_provision_at_all_the_page_says_the_ranking_is_need_alone():
    at = _open(theme="Dementia", sample="false")
    table = _table(at)
    assert (table["Assets"] == 0).all() and not table["High need, low provision"].any()
    assert any("ranking shows need alone" in box.value for box in at.info)
