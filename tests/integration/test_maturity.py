"""ICS maturity: the overall-stage rule, the baseline's integrity, scores and history."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from ecology import paths
from ecology.analysis import maturity
from ecology.places import geography

SEEDS = Path(os.environ.get("ECOLOGY_SEEDS_DIR", paths.PROJECT_ROOT.parent / "shared" / "seeds"))


@pytest.fixture(scope="module")
def icbs(built) -> pd.DataFrame:
    return geography.load_boundaries("icb")[["icb_code", "icb_short_name", "region_name"]]


@pytest.fixture(scope="module")
def baseline(icbs) -> pd.DataFrame:
    return maturity.load_baseline(icb_codes=set(icbs["icb_code"]))


# -- the rule ---------------------------------------------------------------------------------

N = None


@pytest.mark.parametrize("stages, status, stage, assessed", [
    ([N] * 10, "not_assessed", None, 0),
    ([2, 3, 1, 4, 2, N, N, N, N, N], "insufficient", None, 5),  # 5 of 10: not enough
    ([2, 3, 1, 4, 2, 2, N, N, N, N], "stage", 2, 6),  # 6 of 10: median 2
    ([1, 2, 2, 3, 3, 4, N, N, N, N], "stage", 2, 6),  # median 2.5 rounds down
    ([3, 3, 3, 3, 4, 4, 4, 4, 4, 4], "stage", 4, 10),
    ([1] * 10, "stage", 1, 10),
    ([4, 4, 4, 4, 4, 4, 1, N, N, N], "stage", 4, 7),
    ([pd.NA, float("nan"), 2, 2, 2, 2, 2, 2, N, N], "stage", 2, 6),
])
def test_the_overall_stage_rule(stages, status, stage, assessed):
    result = maturity.overall_stage(stages)
    assert (result.status, result.stage, result.assessed) == (status, stage, assessed)


def test_overall_labels_never_show_a_low_score_for_missing_evidence():
    assert maturity.overall_stage([N] * 10).label == "Not assessed"
    assert maturity.overall_stage([1, 1, N, N, N, N, N, N, N, N]).label == "Insufficient evidence (2 of 10)"
    assert maturity.overall_stage([3] * 6 + [N] * 4).label == "3 Established"


# -- the framework and the baseline -----------------------------------------------------------

def test_the_framework_has_ten_criteria_each_with_four_stage_descriptors():
    criteria = maturity.criteria()
    assert len(criteria) == 10 and len({c.id for c in criteria}) == 10
    assert all(len(c.stages) == 4 and all(len(d) > 20 for d in c.stages) for c in criteria)


def test_every_baseline_row_names_a_real_icb_criterion_stage_and_source(baseline, icbs):
    assert set(baseline["icb_code"]) <= set(icbs["icb_code"])
    assert set(baseline["criterion"]) <= set(maturity.criterion_ids())
    assert set(baseline["stage"]) <= set(maturity.STAGES)
    evidenced = baseline[baseline["confidence"] == "evidenced"]
    assert len(evidenced) and (evidenced["source"].isin(maturity.sources())).all()
    assert (evidenced["quote"].str.len() > 20).all()
    assert not baseline.duplicated(["icb_code", "criterion"]).any()


def test_every_quote_is_verbatim_in_its_source_document(baseline):
    if not SEEDS.is_dir():
        pytest.fail(f"the seed documents are not at {SEEDS} (set ECOLOGY_SEEDS_DIR)")
    texts = {sid: maturity.normalise_text((SEEDS.parent / s["copy"]).read_text(encoding="utf-8"))
             for sid, s in maturity.sources().items()}
    missing = [(row.icb_code, row.criterion) for row in baseline.itertuples()
               if maturity.normalise_text(row.quote) not in texts[row.source]]
    assert missing == []


def test_the_baseline_rules_name_the_line_and_field(icbs):
    bad = pd.DataFrame([
        {"icb_code": "W11000028", "criterion": "leadership", "stage": "2", "confidence": "asserted", "scope": "ics",
         "scope_name": "", "source": "chr2023", "quote": "Wales is not an ICS", "note": ""},
        {"icb_code": "E54000054", "criterion": "vibes", "stage": "0", "confidence": "evidenced",
         "scope": "region", "scope_name": "", "source": "nowhere", "quote": "", "note": ""},
    ], dtype="string")
    problems = maturity.baseline_problems(bad, set(icbs["icb_code"]))
    assert "line 2, icb_code: 'W11000028' is not an ICB code" in problems
    for expected in ("line 3, criterion", "line 3, stage", "line 3, scope_name", "line 3, source", "line 3, quote"):
        assert any(p.startswith(expected) for p in problems), expected


def test_only_evidence_scores_no_icb_is_given_a_stage_without_a_quote(baseline, icbs):
    current = maturity.current_scores(maturity.all_assessments(baseline, None))
    table = maturity.summary(current, icbs)
    assert len(table) == 42
    staged = table[table["overall_status"] == "stage"]
    assert set(staged["icb_code"]) == {"E54000054", "E54000057"}  # West Yorkshire, Greater Manchester
    assert (table.loc[table["Assessed"] == 0, "Overall"] == "Not assessed").all()
    assert (table["Assessed"] == 0).sum() >= 25  # most ICSs: no public evidence known


def test_regional_evidence_is_marked_as_such(baseline):
    london = baseline[baseline["icb_code"] == "E54000028"]
    assert set(london["scope"]) == {"region"} and set(london["scope_name"]) == {"Greater London Authority"}


# -- self-assessment, split and history -------------------------------------------------------

def _self(rows):
    return pd.DataFrame([{"icb_code": c, "criterion": k, "stage": s, "confidence": "asserted", "evidence": "",
                          "note": "", "assessed_on": pd.Timestamp(d, tz="UTC"), "assessed_by": "lead"}
                         for c, k, s, d in rows]).astype({"stage": "Int64"})


def test_a_self_assessment_that_disagrees_with_the_baseline_is_split(baseline):
    own = _self([("E54000054", "strategy", 4, "2026-01-10"), ("E54000054", "leadership", 3, "2026-01-10")])
    current = maturity.current_scores(maturity.all_assessments(baseline, own)).set_index(["icb_code", "criterion"])
    assert current.loc[("E54000054", "strategy"), "confidence"] == "split"
    assert current.loc[("E54000054", "strategy"), "stage"] == 4
    assert current.loc[("E54000054", "leadership"), "confidence"] == "asserted"  # agrees: not split
    calibration = maturity.calibration(maturity.all_assessments(baseline, own))
    assert calibration[["icb_code", "Criterion", "Baseline", "Self-assessment", "Difference"]].values.tolist() == [
        ["E54000054", "Strategy & governance", 3, 4, 1]]


def test_history_keeps_every_version_and_shows_falls(baseline):
    own = _self([("E54000057", "strategy", 4, "2026-02-01"), ("E54000057", "strategy", 2, "2026-06-01")])
    history = maturity.history(maturity.all_assessments(baseline, own), "E54000057")
    strategy = history[history["Criterion"] == "Strategy & governance"]
    assert strategy["Stage"].tolist() == [3, 4, 2]
    assert strategy["Change"].tolist() == ["first", "rise", "fall"]
    assert strategy["Kind"].tolist() == ["baseline", "self-assessment", "self-assessment"]
    assert len(history) == (baseline["icb_code"] == "E54000057").sum() + 2


def test_profile_has_every_criterion_for_each_ics_and_the_england_median(baseline):
    current = maturity.current_scores(maturity.all_assessments(baseline, None))
    shown = maturity.profile(current, ["E54000054", "E54000057"], {"E54000054": "West Yorkshire"})
    assert shown.groupby("Series").size().tolist() == [10, 10, 10]
    median = shown[shown["Series"].str.startswith("England")].set_index("Criterion")["Stage"]
    assert median["Strategy & governance"] == 2.0  # median over the ICSs that have it assessed
    evidence = maturity.evidence_table(current, "E54000054")
    assert len(evidence) == 10
    assert (evidence.loc[evidence["Stage"] == "Not assessed", "Evidence"] == "No evidence known to this project.").all()
