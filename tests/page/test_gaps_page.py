"""The Coverage gaps page (AppTest) and the gaps command: the theme moves the ranking; same table."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest
from tests.page.page_runner import open_page
from streamlit.testing.v1 import AppTest

from ecology.cli.main import main
from tests.static_html import component_data, sortable_table

pytestmark = pytest.mark.usefixtures("built")


def _open(**query: str) -> AppTest:
    return open_page("pages/4_Coverage_gaps.py", **query)


def _table(at: AppTest):
    return sortable_table(at, "Need against provision, ranked")


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
    # The need column is dementia prevalence, labelled as such, not the IMD.
    assert set(dementia["Need measure"]) == {"Dementia prevalence"}
    label = next(c for c in dementia.columns if c.startswith("Need: "))
    assert "dementia prevalence" in label and "IMD" not in label
    assert "Need: IMD 2025 average score" in everyone.columns
    assert any("House of Commons Library" in m.value and "Need: Dementia prevalence" in m.value for m in at.markdown)


def _map_layers(at: AppTest) -> str:
    (data,) = component_data(at, "ecology.leaflet_map")
    return data["layers"]


def test_the_map_kept_for_a_choice_is_the_one_drawn_for_it_and_follows_every_choice():
    at = _open()
    everyone = _map_layers(at)
    at.selectbox(key="theme").set_value("dementia").run()
    dementia = _map_layers(at)
    at.selectbox(key="theme").set_value("all").run()
    assert _map_layers(at) == everyone != dementia  # reused when the choices repeat, not across themes
    chosen = _open(place="Bradford")
    assert _map_layers(chosen) != everyone  # the chosen place is outlined
    assert _map_layers(_open(sample="true")) != everyone  # sample records move the colours


def test_the_imd_can_be_chosen_for_a_theme_instead_of_its_measure():
    at = _open(theme="Dementia", imd="true")
    table = _table(at)
    assert set(table["Need measure"]) == {"Index of Multiple Deprivation 2025"}
    assert (table["Age band"] == "aged 65+").all()  # the age band still follows the theme


def test_icb_level_highlights_the_sidebar_places_icb_and_what_if_moves_its_rank():
    at = _open(place="Bradford", level="Integrated care boards (42)")
    table = _table(at)
    assert len(table) == 42
    assert table.loc[table["Chosen"], "Code"].tolist() == ["E54000054"]
    at.number_input(key="whatif-n").set_value(400).run()
    line = next(m.value for m in at.markdown if m.value.startswith("**NHS West Yorkshire ICB**"))
    before, after = (int(x) for x in line.split("gap rank **")[1].split(" of")[0].strip("*").split(" → "))
    assert after > before  # more provision: a smaller gap, so further down the ranking


def test_sample_records_are_off_by_default_and_counted_only_when_included():
    default = _open()
    real_only = _table(default)["Assets"].sum()
    included = _open(sample="true")
    assert real_only < _table(included)["Assets"].sum()
    assert not any("generated sample records" in w.value for w in default.warning)
    assert any("generated sample records" in w.value for w in included.warning)
    # the register's practitioners are all generated: counted only once the sample is included
    practitioners = _table(default)["Practitioners"]
    assert set(practitioners) <= {"0", "fewer than 5"} and (practitioners == "0").all()
    assert (_table(included)["Practitioners"] != "0").any()


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


def test_with_no_provision_at_all_the_page_says_what_does_exist():
    at = _open(theme="Dementia", place="Bradford")
    table = _table(at)
    assert (table["Assets"] == 0).all() and not table["High need, low provision"].any()
    note = next(box.value for box in at.info if "ranking shows need alone" in box.value)
    assert "No real offers for dementia are known in Bradford" in note and "libraries" in note
    assert "funded by Arts Council England" in note


def test_the_investment_view_ranks_need_against_arts_council_money_and_the_command_agrees():
    at = _open(view="Arts Council investment", theme="Dementia", level="Integrated care boards (42)")
    assert not at.exception
    table = sortable_table(at, "Need against Arts Council investment, ranked")
    assert len(table) == 42 and table["ACE Priority Place"].any()
    assert set(table["Need measure"]) == {"Dementia prevalence"}
    # £446.3m a year in all, of which the part landing in England is counted here.
    assert 440e6 < table["Investment Programme £ a year (2023-26)"].sum() < 446.3e6
    assert any("high need, low investment" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 1  # need against money per head
    rule = next(e for e in at.expander if "keyword rule" in e.label)
    assert any("dementia" in m.value and "hospital" in m.value for m in rule.markdown)
    review = sortable_table(at, "Health-related project grants")
    assert len(review) == 86 and {"Recipient", "Activity", "Matched words"} <= set(review.columns)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["gaps", "--investment", "--level", "icb", "--theme", "dementia", "--format", "json"]) == 0
    command = json.loads(out.getvalue())["areas"]
    assert [row["Code"] for row in command] == table["Code"].tolist()
    assert [row["Investment gap"] for row in command] == table["Investment gap"].tolist()


def test_the_command_says_what_exists_when_nothing_counts_as_provision(capsys):
    assert main(["gaps", "--level", "icb", "--theme", "dementia", "--format", "json"]) == 0
    out = capsys.readouterr()
    note = json.loads(out.out)["note"]
    assert note.startswith("No real offers for dementia are known in England") and "museums" in note
    assert f"note: {note}" in out.err
