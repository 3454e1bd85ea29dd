"""The place briefing and the Overview: their figures equal the pages' own, for every ICB, through
the commands; the HTML is self-contained and escapes what it prints; the PDF has its pages."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from ecology.analysis import overview, place_profile
from ecology.places import geography
from ecology.register import startup
from ecology.reports import briefing
from ecology.cli.main import main
from tests.static_html import page_figures

pytestmark = pytest.mark.usefixtures("built")


def _command(*argv: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def icb_codes() -> list[str]:
    places = geography.place_table()
    return sorted(places.loc[places["level"] == "icb", "code"])


@pytest.fixture(scope="module")
def briefed(icb_codes) -> dict[str, dict]:
    """The briefing command's figures for all 42 ICBs (theme: dementia), by code."""
    args = ["briefing", "--theme", "dementia", "--format", "json"]
    for code in icb_codes:
        args += ["--place", code]
    return {place["place"]: {f["key"]: f for f in place["figures"]} for place in _command(*args)["places"]}


@pytest.fixture(scope="module")
def inputs():
    return place_profile.load_inputs(startup.open_register(None))


def test_the_briefing_command_covers_every_icb(briefed, icb_codes):
    assert sorted(briefed) == icb_codes and len(icb_codes) == 42


def test_every_icbs_gap_rank_and_flag_equal_the_coverage_gaps_command(briefed):
    ranked = {row["Code"]: row for row in _command("gaps", "--level", "icb", "--theme", "dementia",
                                                   "--format", "json")["areas"]}
    for code, figures in briefed.items():
        row = ranked[code]
        assert figures["gap"]["text"] == f"{row['Gap rank']} of 42", code
        flag = "high need, low provision" if row["High need, low provision"] else "not flagged"
        assert figures["gap"]["note"].endswith(f"{flag} (dementia)"), code
        assert figures["gap"]["note"].startswith(f"gap score {row['Gap score']:+.1f}"), code


def test_every_icbs_maturity_stage_and_evidence_count_equal_the_maturity_command(briefed):
    icss = {row["icb_code"]: row for row in _command("maturity", "--format", "json")["icss"]}
    for code, figures in briefed.items():
        assert figures["maturity"]["text"] == icss[code]["overall"], code
        assert figures["maturity"]["note"].startswith(f"{icss[code]['evidence_count']} piece(s) of evidence"), code


def test_every_icbs_investment_per_head_equals_the_coverage_gaps_investment_command(briefed):
    rows = _command("gaps", "--level", "icb", "--theme", "dementia", "--investment", "--format", "json")["areas"]
    money = {row["Code"]: row["Investment Programme £ per head a year"] for row in rows}
    for code, figures in briefed.items():
        assert figures["investment"]["text"] == f"£{money[code]:,.2f}", code


def test_every_icbs_residents_and_imd_equal_the_overview_summary(briefed, inputs):
    for code, figures in briefed.items():
        summary = overview.summarise(inputs.tree, inputs.gap_inputs, code)
        assert figures["population"]["number"] == summary.population, code
        assert figures["imd"]["text"] == f"{summary.imd2025_average_score:.1f}", code


def test_sample_figures_are_marked_sample_and_real_ones_real(briefed):
    for figures in briefed.values():
        assert figures["practitioners"]["origin"] == figures["sample_offers"]["origin"] == "sample"
        assert all(figures[k]["origin"] == "real" for k in ("population", "need", "gap", "investment", "maturity"))


def test_the_overview_page_shows_the_commands_figures_for_west_yorkshire(briefed):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).parents[2] / "app.py"), default_timeout=180)
    at.query_params["place"] = "NHS West Yorkshire ICB"
    at.query_params["theme"] = "Dementia"
    at.run()
    assert not at.exception
    shown = page_figures(at)
    for figure in briefed["E54000054"].values():
        assert shown[figure["label"]] == figure["text"]
    assert shown["ICS maturity"] == "2 Developing"


def test_the_html_briefing_makes_no_outside_request_and_escapes_imported_text(inputs):
    hostile = inputs.assets.copy()
    first = hostile.index[(hostile["icb_code"] == "E54000054") & (hostile["kind"] == "venue")][0]
    hostile.loc[first, "name"] = "<script>alert(1)</script><img src=http://evil.example/x.png>"
    made = briefing.build(place_profile.PlaceInputs(**{**inputs.__dict__, "assets": hostile}), "E54000054")
    document = made.html
    assert "<script" not in document.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    # Every src/href that is neither a data: URI nor a reference inside an SVG is the one link
    # that reopens the view.
    outside = set(re.findall(r"""(?:src|href)\s*=\s*['"]([^'"]+)['"]""", document))
    assert {u for u in outside if not u.startswith(("data:", "#"))} == {made.link}
    assert "@import" not in document
    assert set(re.findall(r"url\(([^)]*)\)", document)) <= {u for u in re.findall(r"url\((#[^)]*)\)", document)}
    for heading in ("Headline figures", "Map", "How it compares", "ICS maturity", "Largest gaps nearby", "Assets",
                    "Method", "Sources, licences and vintages"):
        assert f">{heading}" in document
    assert document.count("<svg") >= 5  # map, key, comparison bars, scatter, maturity


def test_the_pdf_briefing_command_writes_a_pdf_with_the_briefings_text(tmp_path):
    import pypdf
    out = tmp_path / "west-yorkshire.pdf"
    assert main(["briefing", "--place", "E54000054", "--format", "pdf", "--out", str(out)]) == 0
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) >= 3
    text = " ".join(page.extract_text() for page in reader.pages)
    for words in ("NHS West Yorkshire ICB", "Headline figures", "ICS maturity", "Sources, licences and vintages"):
        assert words in text


def test_the_briefing_command_refuses_an_unknown_place_and_several_places_for_html(capsys):
    assert main(["briefing", "--place", "E99999999"]) == 2
    assert "unknown place 'E99999999'" in capsys.readouterr().err
    assert main(["briefing", "--place", "E54000054", "--place", "E54000057", "--format", "html"]) == 2
    assert main(["briefing", "--place", "E54000054", "--format", "pdf"]) == 2
    assert "needs --out" in capsys.readouterr().err


def test_with_no_real_provision_the_briefing_names_what_exists_there_that_could_host_an_offer():
    bradford = _command("briefing", "--place", "E08000032", "--theme", "dementia", "--format", "json")
    note = next(n for n in bradford["notes"] if n.startswith("No real offers for dementia are known in Bradford"))
    venues = {kind: int(n.replace(",", "")) for n, kind in re.findall(r"([\d,]+) (libraries|museums|cinemas)", note)}
    assert set(venues) == {"libraries", "museums", "cinemas"} and min(venues.values()) > 0
    assert re.search(r"\d+ arts organisations funded by Arts Council England", note)
    assert note.endswith("Import your directory on the Data page to count what runs.")
