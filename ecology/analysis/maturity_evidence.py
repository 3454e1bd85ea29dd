"""The evidence behind ICS maturity scores: every piece, its review, scope, age and independence.

Two kinds of evidence, one table (``items``):
- **seed**: passages from the three source documents (``ecology/data/maturity_baseline.csv``);
- **web**: 107 candidates from public web pages, each reviewed by this project
  (``ecology/data/maturity_evidence.csv``: the decision and a one-line reason beside the
  quoted passage, its page, publisher and dates, so a reader can audit it).

Rules (stated on the ICS maturity page as ``RULES``):
- a rejected candidate never sets a score;
- evidence dated before ICBs existed (1 July 2022), or about a service that has
  since ended, is **historic**: it stays in the history but never sets the
  current stage;
- the baseline stage of a criterion is the highest stage its current evidence
  supports; ties go to evidence about one ICS alone, about the ICS itself,
  evidenced, then the newest;
- one piece of evidence covering several ICSs (``shared_key``) counts once per ICS
  but is marked shared, and counts **once** in the England median, however many
  ICSs it covers (peers are shown with their own stages, never as a median);
- a regional body's passage shared across all the ICSs of a region (the Greater
  London Authority's, for the five London ICSs) names none of them: it is shown
  beside each as regional context but sets no ICS's stage.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ecology import paths

ICBS_FORMED = pd.Timestamp("2022-07-01")
DECISIONS = ("adopt", "adopt_scoped", "move", "reject")
WEB_COLUMNS = ("row", "decision", "icb_code", "criterion", "stage", "confidence", "scope", "scope_name",
               "evidence_date", "historic", "shared_key", "reason", "quote", "source_title", "source_publisher",
               "source_date", "source_url", "read_on", "candidate_icb_code", "candidate_criterion", "proposed_stage")
ITEM_COLUMNS = ("evidence_id", "origin", "decision", "icb_code", "criterion", "stage", "confidence", "scope",
                "scope_name", "quote", "title", "publisher", "url", "evidence_date", "read_on", "historic",
                "shared_key", "reason")
RULES = ("Scores rest only on quoted evidence. Rejected candidates never set a score. Evidence from before ICBs "
         "existed (1 July 2022) or about a service that has ended is shown as historic and never sets the current "
         "stage. A criterion's stage is the highest its current evidence supports. One passage that covers several "
         "ICSs (a region-wide page) is marked shared and counts once in the England median, however many ICSs it "
         "covers. A regional body's passage shared by every ICS of a region (the Greater London "
         "Authority's) is shown as regional context and sets no ICS's stage.")


def _date(text: object) -> pd.Timestamp:
    """Return a YYYY, YYYY-MM or YYYY-MM-DD text as the first day it names (NaT when blank)."""
    value = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text).strip()
    if not value or value.lower() == "n.d.":
        return pd.NaT
    return pd.Timestamp(value + ("-01" * (2 - value.count("-"))))


def seed_items(baseline: pd.DataFrame, sources: dict[str, dict], read_on: str) -> pd.DataFrame:
    """Return the seed passages as evidence items. A passage quoted for several ICSs gets one
    ``shared_key``; its date is the source document's."""
    frame = baseline.copy()
    dates = frame["source"].map(lambda s: sources[s]["date"])
    copies = frame.groupby(["source", "quote"])["icb_code"].transform("nunique")
    keys = frame["source"] + ":" + frame["quote"].map(lambda q: hashlib.sha1(q.encode()).hexdigest()[:8])
    evidence_date = pd.to_datetime(dates.map(_date))
    return pd.DataFrame({
        "evidence_id": "seed:" + frame["icb_code"] + ":" + frame["criterion"], "origin": "seed",
        "decision": np.where(frame["scope"] == "ics", "adopt", "adopt_scoped"),
        "icb_code": frame["icb_code"], "criterion": frame["criterion"], "stage": frame["stage"].astype(int),
        "confidence": frame["confidence"], "scope": frame["scope"], "scope_name": frame["scope_name"],
        "quote": frame["quote"], "title": frame["source"].map(lambda s: sources[s]["title"]),
        "publisher": frame["source"].map(lambda s: sources[s]["publisher"]), "url": "",
        "evidence_date": evidence_date, "read_on": pd.Timestamp(read_on),
        "historic": (evidence_date < ICBS_FORMED).fillna(False).to_numpy(dtype=bool),
        "shared_key": keys.where(copies > 1, ""), "reason": frame["note"],
    })


def load_web(path: Path | None = None) -> pd.DataFrame:
    """Return the reviewed web candidates (all of them, rejected ones too) as stored."""
    path = path or paths.authored_data_dir() / "maturity_evidence.csv"
    return pd.read_csv(path, dtype="string", keep_default_na=False)


def web_problems(frame: pd.DataFrame, criteria: set[str], scopes: set[str], icb_codes: set[str] | None) -> list[str]:
    """Return every rule the reviewed web evidence breaks, as "line N, field: what"."""
    missing = [c for c in WEB_COLUMNS if c not in frame.columns]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    problems = []
    for line, row in enumerate(frame.to_dict(orient="records"), start=2):
        def bad(field: str, what: str) -> None:
            problems.append(f"line {line}, {field}: {what}")

        if row["decision"] not in DECISIONS:
            bad("decision", f"{row['decision']!r} is not one of {', '.join(DECISIONS)}")
        if not row["reason"].strip():
            bad("reason", "every decision needs its one-line reason")
        if row["decision"] == "reject":
            if row["stage"].strip():
                bad("stage", "a rejected candidate has no stage")
            continue
        if icb_codes is not None and row["icb_code"] not in icb_codes:
            bad("icb_code", f"{row['icb_code']!r} is not an ICB code")
        if row["criterion"] not in criteria:
            bad("criterion", f"{row['criterion']!r} is not a criterion")
        if row["stage"] not in ("1", "2", "3", "4"):
            bad("stage", f"{row['stage']!r} is not a stage 1-4")
        if row["confidence"] not in ("evidenced", "asserted"):
            bad("confidence", f"{row['confidence']!r} is not evidenced or asserted")
        if row["scope"] not in scopes:
            bad("scope", f"{row['scope']!r} is not a scope")
        if row["scope"] != "ics" and not row["scope_name"].strip():
            bad("scope_name", "evidence about a body other than the ICS must name that body")
        if row["historic"] not in ("yes", "no"):
            bad("historic", f"{row['historic']!r}: say yes or no")
        if not row["quote"].strip():
            bad("quote", "every score needs the passage that supports it")
    return problems


def web_items(web: pd.DataFrame) -> pd.DataFrame:
    """Return the reviewed web candidates as evidence items (rejected ones kept, with no stage)."""
    evidence_date = pd.to_datetime(web["evidence_date"].map(_date))
    stated = web["historic"].eq("yes").to_numpy(dtype=bool)
    return pd.DataFrame({
        "evidence_id": "web:" + web["row"], "origin": "web", "decision": web["decision"],
        "icb_code": web["icb_code"].where(web["icb_code"] != "", web["candidate_icb_code"]),
        "criterion": web["criterion"].where(web["criterion"] != "", web["candidate_criterion"]),
        "stage": pd.to_numeric(web["stage"].replace("", pd.NA), errors="coerce").astype("Int64"),
        "confidence": web["confidence"], "scope": web["scope"], "scope_name": web["scope_name"],
        "quote": web["quote"], "title": web["source_title"], "publisher": web["source_publisher"],
        "url": web["source_url"], "evidence_date": evidence_date, "read_on": pd.to_datetime(web["read_on"].map(_date)),
        "historic": stated | (evidence_date < ICBS_FORMED).fillna(False).to_numpy(dtype=bool),
        "shared_key": web["shared_key"], "reason": web["reason"],
    })


def items(seed: pd.DataFrame, web: pd.DataFrame) -> pd.DataFrame:
    """Return every piece of evidence, seed then web (``ITEM_COLUMNS``)."""
    table = pd.concat([seed, web], ignore_index=True)[list(ITEM_COLUMNS)]
    table["stage"] = table["stage"].astype("Int64")
    for column in ("evidence_date", "read_on"):
        table[column] = pd.to_datetime(table[column])
    # The age rule lives here, so every kind of evidence meets it.
    table["historic"] = table["historic"].astype(bool) | (table["evidence_date"] < ICBS_FORMED).fillna(False)
    for column in ("shared_key", "url", "scope_name", "reason"):
        table[column] = table[column].fillna("").astype(str)
    return table


def counting(evidence: pd.DataFrame) -> pd.DataFrame:
    """Return the evidence that may set a current stage: not rejected, not historic, and not a
    regional body's passage shared across several ICSs (context for each, naming none of them)."""
    context = (evidence["scope"] == "region") & (evidence["shared_key"].fillna("") != "")
    return evidence[(evidence["decision"] != "reject") & ~evidence["historic"].astype(bool)
                    & evidence["stage"].notna() & ~context]


def best(evidence: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (ICB, criterion) with current evidence: the piece that sets its stage
    (see the module's rules), with ``sources`` (pieces counted) and ``newest`` (their newest date)."""
    current = counting(evidence).copy()
    if current.empty:
        return current.assign(sources=pd.Series(dtype=int), newest=pd.Series(dtype="datetime64[ns]"))
    current["_shared"] = current["shared_key"].fillna("") != ""
    current["_ics"] = current["scope"] != "ics"
    current["_asserted"] = current["confidence"] != "evidenced"
    current["_date"] = current["evidence_date"].fillna(current["read_on"])
    ordered = current.sort_values(["icb_code", "criterion", "stage", "_shared", "_ics", "_asserted", "_date"],
                                  ascending=[True, True, False, True, True, True, False], kind="stable")
    groups = ordered.groupby(["icb_code", "criterion"], sort=False)
    chosen = groups.head(1).copy()
    keys = pd.MultiIndex.from_frame(chosen[["icb_code", "criterion"]])
    chosen["sources"] = groups.size().reindex(keys).to_numpy()
    chosen["newest"] = groups["_date"].max().reindex(keys).to_numpy()
    return chosen.drop(columns=["_shared", "_ics", "_asserted", "_date"]).reset_index(drop=True)


def per_icb(evidence: pd.DataFrame) -> pd.DataFrame:
    """Return per ICB: ``evidence_count`` (pieces of evidence that are not rejected, historic
    ones included) and ``newest_evidence`` (the newest date a piece carries; undated pages,
    read in December 2026, do not count as new)."""
    kept = evidence[evidence["decision"] != "reject"]
    dated = kept["evidence_date"]
    return pd.DataFrame({"evidence_count": kept.groupby("icb_code").size(),
                         "newest_evidence": dated.groupby(kept["icb_code"]).max()}).reset_index()
