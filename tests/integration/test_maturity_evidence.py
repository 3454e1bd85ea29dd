"""ICS maturity evidence: reviewed web candidates, scope, age and independence, and domains."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest

from ecology import paths
from ecology.analysis import maturity, maturity_domains, maturity_evidence as me

SHARED = Path(os.environ.get("ECOLOGY_EVIDENCE_FILE", paths.PROJECT_ROOT.parent / "shared" / "evidence"
                             / "ics_creative_health_evidence_2026-12.csv"))


def _piece(evidence_id, icb, criterion, stage, *, decision="adopt", date="2024-05", historic=False, shared="",
           scope="ics", confidence="evidenced"):
    return {"evidence_id": evidence_id, "origin": "web", "decision": decision, "icb_code": icb,
            "criterion": criterion, "stage": stage, "confidence": confidence, "scope": scope,
            "scope_name": "" if scope == "ics" else "A council", "quote": f"quote {evidence_id}",
            "title": f"page {evidence_id}", "publisher": "p", "url": f"https://example.org/{evidence_id}",
            "evidence_date": pd.Timestamp(date) if date else pd.NaT, "read_on": pd.Timestamp("2026-12-01"),
            "historic": historic, "shared_key": shared, "reason": "r"}


def _items(*pieces) -> pd.DataFrame:
    frame = pd.DataFrame(list(pieces))
    return me.items(frame.iloc[0:0], frame)


def test_a_rejected_candidate_never_sets_a_score():
    evidence = _items(_piece("1", "A", "leadership", None, decision="reject"),
                      _piece("2", "A", "strategy", 4, decision="reject"), _piece("3", "A", "strategy", 2))
    scores = maturity.evidence_scores(evidence)
    assert scores[["icb_code", "criterion", "stage"]].values.tolist() == [["A", "strategy", 2]]


def test_evidence_from_before_icbs_existed_never_sets_the_current_stage():
    old = _piece("1", "A", "strategy", 4, date="2021-07")
    stated = _piece("2", "A", "leadership", 3, historic=True)  # a service that has since ended
    evidence = _items(old, stated, _piece("3", "A", "strategy", 1, date="2023-02"))
    assert evidence.set_index("evidence_id").loc["1", "historic"]  # worked out from the date
    scores = maturity.evidence_scores(evidence)
    assert scores[["criterion", "stage"]].values.tolist() == [["strategy", 1]]
    current = maturity.current_scores(maturity.all_assessments(scores, None))
    pieces = maturity.evidence_pieces(evidence, "A", current)
    assert (pieces["Status"].str.startswith("historic")).sum() == 2


def test_the_highest_current_stage_wins_and_an_unshared_ics_passage_breaks_ties():
    evidence = _items(_piece("1", "A", "strategy", 2, shared="region"), _piece("2", "A", "strategy", 2),
                      _piece("3", "A", "strategy", 1), _piece("4", "A", "strategy", 2, scope="local_authority"))
    chosen = me.best(evidence).iloc[0]
    assert (chosen["evidence_id"], chosen["sources"]) == ("2", 4)


def test_a_shared_passage_counts_once_in_the_england_median():
    # One region-wide page (stage 3) copied to four ICSs, and one ICS with its own stage-1 evidence.
    shared = [_piece(f"s{i}", f"L{i}", "strategy", 3, shared="gla") for i in range(4)]
    evidence = _items(*shared, _piece("own", "M", "strategy", 1))
    current = maturity.current_scores(maturity.all_assessments(maturity.evidence_scores(evidence), None))
    median = maturity.england_median(current).set_index("criterion")
    # Counted once per ICS, the median would be 3; counted once per passage it is the median of 3 and 1.
    assert median.at["strategy", "median_stage"] == 2.0
    assert median.at["strategy", "icss_assessed"] == 5


def test_the_domain_roll_up_on_a_hand_made_ics():
    stages = {"leadership": 3, "strategy": 2, "lived_experience": None, "intelligence": 1, "commissioning": 2,
              "referral": 4, "workforce": None, "quality": None, "data": None, "evidence": 2}
    rollup = maturity_domains.rollup(stages).set_index("Domain")
    assert list(rollup.index) == ["Leadership, Strategy & Governance", "Planning & Commissioning",
                                  "Workforce Development", "Digital & Technology", "Evidence & Impact"]
    assert rollup.at["Leadership, Strategy & Governance", "Stage"] == 2  # median 2.5, rounded down
    assert rollup.at["Leadership, Strategy & Governance", "Assessed"] == "2 of 3"
    assert rollup.at["Planning & Commissioning", "Stage"] == 2
    assert pd.isna(rollup.at["Workforce Development", "Stage"])
    assert rollup.at["Workforce Development", "Stage label"] == "Not assessed"
    assert sorted(c for d in maturity_domains.domains() for c in d["criteria"]) == sorted(maturity.criterion_ids())


def test_every_reviewed_row_is_valid_and_keeps_its_reason():
    web = me.load_web()
    criteria = set(maturity.criterion_ids())
    scopes = {s["id"] for s in maturity.framework()["scopes"]}
    assert me.web_problems(web, criteria, scopes, None) == []
    bad = web.head(2).copy()
    bad.loc[bad.index[0], "decision"] = "maybe"
    bad.loc[bad.index[1], "reason"] = ""
    problems = me.web_problems(bad, criteria, scopes, None)
    assert any(p.startswith("line 2, decision") for p in problems)
    assert any(p.startswith("line 3, reason") for p in problems)


def test_every_web_quote_equals_its_row_in_the_shared_evidence_file():
    if not SHARED.is_file():
        pytest.fail(f"the shared evidence file is not at {SHARED} (set ECOLOGY_EVIDENCE_FILE)")
    with SHARED.open(encoding="utf-8") as handle:
        rows = {r["row"]: r for r in csv.DictReader(handle)}
    web = me.load_web()
    assert sorted(web["row"], key=int) == sorted(rows, key=int)  # every candidate has a decision
    for row in web.to_dict(orient="records"):
        original = rows[row["row"]]
        assert row["quote"] == original["quote"], row["row"]
        assert (row["source_url"], row["source_title"]) == (original["source_url"], original["source_title"])


def test_a_regional_passage_shared_by_every_ics_of_a_region_is_context_not_a_score():
    gla = [_piece(f"g{i}", f"L{i}", "strategy", 1, shared="gla", scope="region") for i in range(5)]
    evidence = _items(*gla, _piece("own", "L0", "strategy", 2, scope="local_authority"))
    scores = maturity.evidence_scores(evidence)
    assert scores[["icb_code", "stage"]].values.tolist() == [["L0", 2]]
    pieces = maturity.evidence_pieces(evidence, "L3")
    assert pieces["Status"].tolist() == ["regional context: shared by the region's ICSs, sets no stage"]


def test_the_reviewed_evidence_gives_28_icss_a_score_and_london_no_longer_rests_on_one_page(built):
    from ecology.places import geography

    icbs = maturity.icb_table(geography.place_table())
    evidence = maturity.load_evidence(set(icbs["icb_code"]))
    current = maturity.current_scores(maturity.all_assessments(maturity.evidence_scores(evidence), None))
    table = maturity.summary(current, icbs, evidence).set_index("icb_code")
    assert (table["Assessed"] > 0).sum() >= 28
    none_found = {"E54000034", "E54000028", "E54000027", "E54000024", "E54000056", "E54000040", "E54000051",
                  "E54000060"}  # the eight with no evidence found, as the evidence README lists them
    assert set(table.index[table["Assessed"] == 0]) >= none_found
    assert (table.loc[sorted(none_found), "Overall"] == "Not assessed").all()
    for code in ("E54000054", "E54000057"):  # West Yorkshire, Greater Manchester: their new web sources
        mine = evidence[(evidence["icb_code"] == code) & (evidence["origin"] == "web")
                        & (evidence["decision"] != "reject")]
        assert len(mine) >= 4
    london = current[current["icb_code"].isin(["E54000027", "E54000028", "E54000029", "E54000030", "E54000031"])]
    # No London score rests on the region-wide GLA passage any more, and each London ICS with a
    # score has evidence of its own.
    assert not ((london["scope"] == "region") & (london["shared_key"].fillna("") != "")).any()
    assert set(london["icb_code"]) >= {"E54000029", "E54000030"}
