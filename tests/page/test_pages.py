"""Every page runs under Streamlit's AppTest with the shared sidebar."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ecology.site import PAGES
from tests.static_html import page_cards, page_figures, page_table

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("built")


def run_page(file: str, **query: str) -> AppTest:
    """Run a page as the server would: app.py is the entry point, other pages are switched to."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    if file != "app.py":
        app.switch_page(file)
    return app.run()


@pytest.mark.parametrize("page", PAGES, ids=[p.title for p in PAGES])
def test_every_page_renders_with_sidebar(page):
    app = run_page(page.file)
    assert not app.exception, app.exception
    assert [box.label for box in app.sidebar.selectbox][:2] == ["Place", "Theme"]
    assert app.selectbox(key="place").value == "E92000001"
    assert app.selectbox(key="theme").value == "all"
    titles = [t.value for t in app.title]
    assert titles[0] == ("England" if page.file == "app.py" else page.title)


def test_overview_follows_the_place_in_the_url():
    app = run_page("app.py", place="Manchester", theme="Dementia")
    assert not app.exception
    assert app.selectbox(key="place").value == "E08000003"
    assert app.selectbox(key="theme").value == "dementia"
    assert app.title[0].value == "Manchester"
    metrics = page_figures(app)
    assert metrics["Residents"] == "551,888"
    assert metrics["Need"] == "0.44%"  # dementia prevalence (QOF 2019/20), the theme's own measure: a young city
    captions = " ".join(c.value for c in app.caption).replace("\\", "")  # shown escaped as Markdown
    assert "rank 4 of 296 (1 = most deprived)" in " ".join(card["note"] for card in page_cards(app))
    assert "Greater Manchester combined authority" in app.caption[0].value


def test_overview_for_an_icb_lists_its_local_authorities():
    app = run_page("app.py", place="NHS Greater Manchester ICB")
    assert app.title[0].value == "NHS Greater Manchester ICB"
    table = page_table(app, "Local authorities")
    assert len(table) == 10 and "Manchester" in set(table["Name"])


def test_the_overview_names_the_criteria_its_ics_is_not_assessed_on_and_badges_provision_once():
    app = run_page("app.py", place="Bradford", theme="Dementia")
    captions = " ".join(c.value for c in app.caption).replace("\\", "")
    assert "Not assessed for NHS West Yorkshire ICB (no bar, not a low score): " in captions
    assert "Data, digital & interoperability" in captions
    provision = next(card for card in page_cards(app) if card["key"] == "provision")
    assert provision["origin"] == "real" and provision["note"].startswith("for dementia")  # badged once, not "real records"
    assert "libraries December 2023, cinemas February 2026" in " ".join(card["vintage"] for card in page_cards(app))


def test_changing_place_reruns_the_overview():
    app = run_page("app.py")
    app.selectbox(key="place").set_value("E40000003").run()
    assert app.title[0].value == "London (NHS region)"
    assert len(page_table(app, "Integrated care boards")) == 5  # London's five ICBs


def test_unknown_place_in_url_falls_back_to_england():
    app = run_page("app.py", place="Atlantis")
    assert not app.exception
    assert app.title[0].value == "England"


def test_overview_shows_attribution_and_vintage():
    app = run_page("app.py")
    footer = next(c.value for c in app.caption if c.value.startswith("Data used on this page"))
    assert "Office for National Statistics" in footer and "Licence: Open Government Licence" in footer
    assert "Licence: Not stated in the copy used" in footer  # Arts Council England's investment data
    assert "Census 2021" in footer and "2025" in footer


def test_about_lists_every_source():
    from ecology.sources.catalogue import load_manifest

    app = run_page("pages/6_About_and_sources.py")
    table = page_table(app, "Data sources")
    assert list(table["Dataset"]) == [d.title for d in load_manifest()]
    assert table["Attribution"].str.len().min() > 20
    assert "Royal Mail" in " ".join(table["Attribution"])
    # The new real sources: Arts Council England's licence is said to be unstated, not guessed.
    by_publisher = table.set_index("Dataset")
    ace = table[table["Publisher"].str.contains("Arts Council England") & table["Dataset"].str.contains("Investment")]
    assert len(ace) == 1 and ace["Licence"].iloc[0] == "Not stated in the copy used"
    for wanted in ("QOF", "Census 2021", "Loneliness", "cinemas", "Primary Care Network"):
        assert any(wanted.lower() in title.lower() for title in by_publisher.index), wanted


def test_missing_build_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOLOGY_BUILD_DIR", str(tmp_path / "empty"))
    app = run_page("app.py")
    assert not app.exception
    assert "make data" in app.error[0].value


def _failing_page():
    import streamlit as st

    from ecology.ui import shell

    with shell.errors_reported():
        st.title("Before the fault")
        raise RuntimeError("secret detail: /srv/register.sqlite3")


def test_a_page_error_shows_viewers_an_id_to_quote_and_logs_the_details(monkeypatch, caplog):
    import re

    monkeypatch.delenv("ECOLOGY_RAISE_PAGE_ERRORS")
    app = AppTest.from_function(_failing_page, default_timeout=30).run()
    assert not app.exception  # no traceback, no exception box
    shown = app.error[0].value
    error_id = re.search(r"error \*\*([0-9a-f]{8})\*\*", shown).group(1)
    assert "secret detail" not in shown and "Traceback" not in shown
    logged = [r for r in caplog.records if r.getMessage() == f"page error {error_id}"]
    assert logged and "secret detail" in str(logged[0].exc_info[1])
    assert app.title[0].value == "Before the fault"  # what drew before the fault stays
