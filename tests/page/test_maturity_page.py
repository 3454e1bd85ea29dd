"""The ICS maturity page (AppTest) and the maturity command: same numbers, editor-only form."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest
import streamlit as st
from tests.page.page_runner import open_page
from tests.static_html import page_charts, page_table, sortable_table
from streamlit.testing.v1 import AppTest

from ecology import auth
from ecology.register import startup
from ecology.reports import html_table
from ecology.cli.main import main

PASSWORD = "correct horse battery staple"


@pytest.fixture
def database(built, database_url, monkeypatch) -> str:
    monkeypatch.setenv("ECOLOGY_DATABASE_URL", database_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    return database_url


def _open(editors: dict | None = None, **query: str) -> AppTest:
    return open_page("pages/3_ICS_maturity.py", editors, **query)


def _all_42(at: AppTest):
    return sortable_table(at, "All 42 ICSs")


def _evidence(at: AppTest):
    return page_table(at, "Evidence")


def test_choosing_an_ics_shows_its_profile_and_evidence(database):
    at = _open()
    at.selectbox(key="ics").set_value("E54000054").run()
    assert not at.exception
    heading = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert "NHS West Yorkshire ICB" in heading and "Overall: 2 Developing" in heading
    assert "7 of 10 criteria assessed" in heading
    evidence = _evidence(at)
    strategy = evidence[evidence["Criterion"] == "Strategy & governance"]
    setting = strategy[strategy["Status"].str.startswith("sets the current stage")].iloc[0]
    assert setting["Stage"] == "3 Established" and "Joint Forward Plan" in " ".join(strategy["Evidence"])
    assert {"Source", "Publisher", "Dated", "Read on", "Applies to", "Confidence", "Link"} <= set(evidence.columns)
    assert "Data, digital & interoperability" not in set(evidence["Criterion"])
    line = next(m.value for m in at.markdown if "piece(s) of evidence from" in m.value)
    assert "Not assessed" in line and "Data, digital & interoperability" in line.replace("\\", "")
    # Light SVG charts, so the page never loads plotly.js: the profile as bars, and the history.
    assert at.get("plotly_chart") == []
    charts = page_charts(at)
    assert [c for c in charts if "ICS maturity by criterion" in c] and [c for c in charts if "Stage over time" in c]
    at.segmented_control(key="profile-view").set_value("Radar").run()
    assert [c for c in page_charts(at) if "ICS maturity round the criteria" in c]
    assert not [c for c in page_charts(at) if "ICS maturity by criterion" in c]


def test_the_sidebar_place_chooses_the_ics_and_a_local_authority_picks_its_icb(database):
    at = _open(place="Bradford")
    heading = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert "NHS West Yorkshire ICB" in heading


def test_a_viewer_sees_no_self_assessment_form(database):
    at = _open()
    labels = [b.label for b in at.get("form_submit_button")]
    assert "Save this self-assessment" not in labels
    assert not [s for s in at.subheader if s.value.startswith("Self-assessment")]


def test_an_editor_self_assesses_and_the_fall_and_split_show(database):
    at = _open({"alice": auth.hash_password(PASSWORD)}, ics="NHS Greater Manchester ICB")
    next(t for t in at.sidebar.text_input if t.label == "Password").set_value(PASSWORD)
    next(b for b in at.sidebar.button if b.label == "Sign in").click()
    at.run()
    at.selectbox(key="ics").set_value("E54000057").run()
    at.selectbox(key="assess-criterion").set_value("strategy").run()
    stage = next(r for r in at.radio if r.label == "Stage")
    stage.set_value(1)
    next(r for r in at.radio if r.label == "Confidence").set_value("asserted")
    next(b for b in at.get("form_submit_button") if b.label == "Save this self-assessment").click()
    at.run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    assert any("Saved for NHS Greater Manchester ICB" in s.value for s in at.success)
    kept = startup.open_register(database).assessments("E54000057")
    assert kept[["criterion", "assessed_by"]].values.tolist() == [["strategy", "alice"]]
    assert int(kept["stage"].iloc[0]) == 1
    evidence = _evidence(at)
    own = evidence[(evidence["Criterion"] == "Strategy & governance")
                   & (evidence["Status"] == "current: self-assessment")].iloc[0]
    assert (own["Stage"], own["Confidence"]) == ("1 Emerging", "split")
    history = page_table(at, "Scores over time")
    assert history.loc[history["Criterion"] == "Strategy & governance", "Change"].tolist() == ["first", "fall"]
    calibration = page_table(at, "Self-assessments against the baseline")
    assert calibration[["Baseline", "Self-assessment"]].values.tolist() == [["3", "1"]]


def test_an_evidenced_self_assessment_without_evidence_is_refused(database):
    at = _open({"alice": auth.hash_password(PASSWORD)})
    next(t for t in at.sidebar.text_input if t.label == "Password").set_value(PASSWORD)
    next(b for b in at.sidebar.button if b.label == "Sign in").click()
    at.run()
    next(r for r in at.radio if r.label == "Stage").set_value(4)
    next(r for r in at.radio if r.label == "Confidence").set_value("evidenced")
    next(b for b in at.get("form_submit_button") if b.label == "Save this self-assessment").click()
    at.run()
    assert any("needs its evidence" in e.value for e in at.error)
    assert startup.open_register(database).assessments().empty


def test_the_command_gives_the_same_numbers_as_the_page(database):
    startup.open_register(database).add_assessment("E54000043", "strategy", 2, "asserted", "", "bob")
    at = _open()
    page = _all_42(at).set_index("Code")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["maturity", "--format", "json"]) == 0
    command = {i["icb_code"]: i for i in json.loads(out.getvalue())["icss"]}
    assert set(command) == set(page.index)
    for code, row in page.iterrows():
        assert (command[code]["assessed"], command[code]["overall"]) == (row["Assessed"], row["Overall"]), code
    assert command["E54000043"]["criteria"]["strategy"]["stage"] == 2  # the self-assessment counts in both
    assert page.at["E54000043", "Strategy & governance"] == 2


@pytest.mark.parametrize("code", ["E54000034", "E54000051"])  # Frimley, Humber and North Yorkshire: no evidence
def test_an_ics_with_no_evidence_is_not_assessed_and_the_whole_page_still_draws(database, code):
    at = _open()
    at.selectbox(key="ics").set_value(code).run()
    assert not at.exception and not at.error
    heading = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert "Overall: Not assessed" in heading and "0 of 10" in heading
    assert any("not assessed: that is not a low score" in i.value for i in at.info)
    domains = page_table(at, "By domain")
    assert domains["Stage"].isin([html_table.MISSING, "Not assessed"]).all()
    table = _all_42(at)  # the page goes on past the empty evidence to the all-42 table
    assert table.set_index("Code").at[code, "Evidence"] == 0


def test_the_domain_view_and_the_all_42_evidence_columns_show_for_west_yorkshire(database):
    at = _open()
    at.selectbox(key="ics").set_value("E54000054").run()
    domains = page_table(at, "By domain")
    assert list(domains["Domain"]) == ["Leadership, Strategy & Governance", "Planning & Commissioning",
                                       "Workforce Development", "Digital & Technology", "Evidence & Impact"]
    table = _all_42(at).set_index("Code")
    assert {"Evidence", "Newest evidence"} <= set(table.columns)
    assert table.at["E54000054", "Evidence"] == len(_evidence(at))
    assert table.at["E54000034", "Evidence"] == 0 and not table.at["E54000034", "Newest evidence"]


def test_the_command_json_holds_every_review_decision_and_each_icss_evidence_as_the_page_lists_it(database):
    at = _open()  # the page makes the register; the command only reads it
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["maturity", "--format", "json"]) == 0
    data = json.loads(out.getvalue())
    assert len(data["review"]) == 107
    assert {r["decision"] for r in data["review"]} == {"adopt", "adopt_scoped", "move", "reject"}
    assert all(r["reason"] for r in data["review"])
    west_yorkshire = next(i for i in data["icss"] if i["icb_code"] == "E54000054")
    at.selectbox(key="ics").set_value("E54000054").run()
    page = _evidence(at)
    assert [p["quote"] for p in west_yorkshire["evidence"]] == list(page["Evidence"])
    assert {"publisher", "url", "read_on", "dated", "applies_to", "status"} <= set(west_yorkshire["evidence"][0])
    assert sum(1 for p in west_yorkshire["evidence"] if p["url"]) >= 5  # the web sources, with their links


def test_a_link_may_name_the_ics_by_its_code(database):
    at = _open(ics="E54000034")
    heading = next(m.value for m in at.markdown if m.value.startswith("### "))
    assert "NHS Frimley ICB" in heading
