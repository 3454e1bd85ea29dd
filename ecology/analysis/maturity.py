"""ICS creative health maturity: the framework, the evidenced baseline, and the scores.

The framework (``ecology/data/maturity_framework.json``) has ten criteria, each on four
stages. The baseline (``ecology/data/maturity_baseline.csv``) scores only what a cited
source says; every other criterion of every ICS is "not assessed". Editors add
self-assessments to the register (append-only), so scores have a history and
can go down.

An ICS's current score for a criterion is its latest dated assessment, baseline
or self-assessment. When a self-assessment and the baseline give different
stages, the current score's confidence is "split".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ecology import paths

MEDIAN_SERIES = "England median (of ICSs assessed)"
MIN_ASSESSED = 6  # criteria that must be assessed before an overall stage is shown
STAGES = (1, 2, 3, 4)
CONFIDENCE = ("evidenced", "asserted", "split")
SELF_CONFIDENCE = ("evidenced", "asserted")  # what an editor can claim; "split" is worked out
NOT_ASSESSED = "not_assessed"
INSUFFICIENT = "insufficient"
BASELINE_COLUMNS = ("icb_code", "criterion", "stage", "confidence", "scope", "scope_name", "source", "quote",
                    "note")
OVERALL_RULE = (f"The overall stage is the median of the stages of the assessed criteria, rounded down to a whole "
                f"stage. It is shown only when at least {MIN_ASSESSED} of the 10 criteria are assessed; otherwise "
                f"the ICS has \"insufficient evidence\". Criteria not assessed never count as a low score.")


# ---------------------------------------------------------------- framework

@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    question: str
    stages: tuple[str, str, str, str]  # descriptor of stage 1..4


@lru_cache(maxsize=1)
def framework() -> dict:
    """Return the framework file as a dict (criteria, stages, confidence, scopes, sources)."""
    return json.loads((paths.authored_data_dir() / "maturity_framework.json").read_text(encoding="utf-8"))


def criteria() -> tuple[Criterion, ...]:
    """Return the ten criteria in framework order."""
    return tuple(Criterion(c["id"], c["label"], c["question"], tuple(c["stages"])) for c in framework()["criteria"])


def criterion_ids() -> list[str]:
    return [c.id for c in criteria()]


def criterion_label(criterion_id: str) -> str:
    return {c.id: c.label for c in criteria()}.get(criterion_id, criterion_id)


def stage_label(stage: object) -> str:
    """Return "3 Established" for 3, "Not assessed" for a missing stage."""
    if stage is None or (isinstance(stage, float) and np.isnan(stage)) or stage is pd.NA:
        return "Not assessed"
    labels = {s["stage"]: s["label"] for s in framework()["stages"]}
    return f"{int(stage)} {labels[int(stage)]}"


def sources() -> dict[str, dict]:
    """Return {source id: title, publisher, date, part, copy}."""
    return {s["id"]: s for s in framework()["evidence_sources"]}


def scope_label(scope_id: str, short: bool = False) -> str:
    """Return what a scope id means ("A combined authority covering ..."), or its short name."""
    return {s["id"]: s["short" if short else "label"] for s in framework()["scopes"]}.get(scope_id, scope_id)


def icb_table(places: pd.DataFrame) -> pd.DataFrame:
    """Return the ICBs of a place table (``geography.place_table()``): icb_code, icb_short_name,
    region_name, in name order."""
    icbs = places[places["level"] == "icb"]
    regions = places.set_index("code")["name"]
    return pd.DataFrame({"icb_code": icbs["code"], "icb_short_name": icbs["short_name"],
                         "region_name": icbs["region_code"].map(regions)}).sort_values("icb_short_name").reset_index(
        drop=True)


# ---------------------------------------------------------------- the overall rule

@dataclass(frozen=True)
class Overall:
    status: str  # "stage" | INSUFFICIENT | NOT_ASSESSED
    stage: int | None
    assessed: int

    @property
    def label(self) -> str:
        """Return e.g. "2 Developing", "Insufficient evidence (3 of 10)", "Not assessed"."""
        if self.status == "stage":
            return stage_label(self.stage)
        if self.status == INSUFFICIENT:
            return f"Insufficient evidence ({self.assessed} of 10)"
        return "Not assessed"


def overall_stage(stages: list[object]) -> Overall:
    """Return the overall result for one ICS from its criteria's stages (None = not assessed).

    See ``OVERALL_RULE``: the median of assessed stages rounded down, when at
    least ``MIN_ASSESSED`` are assessed.
    """
    assessed = [int(s) for s in stages if s is not None and s is not pd.NA and not (isinstance(s, float) and np.isnan(s))]
    if not assessed:
        return Overall(NOT_ASSESSED, None, 0)
    if len(assessed) < MIN_ASSESSED:
        return Overall(INSUFFICIENT, None, len(assessed))
    return Overall("stage", int(np.floor(np.median(assessed))), len(assessed))


# ---------------------------------------------------------------- baseline

class BaselineError(ValueError):
    """The baseline file breaks a rule; the message names the line and the field."""


def load_baseline(path: Path | None = None, icb_codes: set[str] | None = None) -> pd.DataFrame:
    """Return the baseline, one row per (ICB, criterion) scored, checked against the framework.

    ``icb_codes`` (when given) are the codes a row may use. Raises BaselineError.
    """
    path = path or paths.authored_data_dir() / "maturity_baseline.csv"
    frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    problems = baseline_problems(frame, icb_codes)
    if problems:
        raise BaselineError("; ".join(problems[:10]))
    frame["stage"] = frame["stage"].astype(int)
    settings = framework()["baseline"]
    frame["as_of"] = pd.to_datetime(frame["source"].map(lambda s: sources()[s]["date"]), format="%Y-%m")
    frame["assessed_on"] = pd.Timestamp(settings["assessed_on"])
    frame["assessed_by"] = settings["assessed_by"]
    frame["kind"] = "baseline"
    return frame


def baseline_problems(frame: pd.DataFrame, icb_codes: set[str] | None = None) -> list[str]:
    """Return every rule a baseline table breaks, as "line N, field: what" (empty when valid)."""
    problems = []
    missing = [c for c in BASELINE_COLUMNS if c not in frame.columns]
    if missing:
        return [f"missing columns: {', '.join(missing)}"]
    known_criteria = set(criterion_ids())
    known_scopes = {s["id"] for s in framework()["scopes"]}
    for line, row in enumerate(frame.to_dict(orient="records"), start=2):
        def bad(field: str, what: str) -> None:
            problems.append(f"line {line}, {field}: {what}")

        if icb_codes is not None and row["icb_code"] not in icb_codes:
            bad("icb_code", f"{row['icb_code']!r} is not an ICB code")
        if row["criterion"] not in known_criteria:
            bad("criterion", f"{row['criterion']!r} is not a criterion")
        if row["stage"] not in {str(s) for s in STAGES}:
            bad("stage", f"{row['stage']!r} is not a stage 1-4 (leave a criterion out to mean not assessed)")
        if row["confidence"] not in ("evidenced", "asserted"):
            bad("confidence", f"{row['confidence']!r}: the baseline is evidenced or asserted")
        if row["scope"] not in known_scopes:
            bad("scope", f"{row['scope']!r} is not a scope")
        if row["scope"] != "ics" and not row["scope_name"].strip():
            bad("scope_name", "evidence about a body other than the ICS must name that body")
        if row["source"] not in sources():
            bad("source", f"{row['source']!r} is not a listed evidence source")
        if not row["quote"].strip():
            bad("quote", "every score needs the passage that supports it")
    repeated = frame.duplicated(["icb_code", "criterion"], keep="first")
    for line in (np.flatnonzero(repeated.to_numpy()) + 2):
        problems.append(f"line {line}, criterion: a second score for the same ICB and criterion")
    return problems


def normalise_text(text: str) -> str:
    """Return text without Markdown links/emphasis, footnote marks and repeated spaces (for quote checks)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", "", text)
    return " ".join(text.split())


# ---------------------------------------------------------------- scores

SCORE_COLUMNS = ("icb_code", "criterion", "stage", "confidence", "scope", "scope_name", "source", "quote", "note",
                 "as_of", "assessed_on", "assessed_by", "kind", "shared_key", "sources", "url", "publisher")


def load_evidence(icb_codes: set[str] | None = None) -> pd.DataFrame:
    """Return every piece of evidence, seed and reviewed web (``maturity_evidence.items``),
    checked against the framework. Raises BaselineError naming the line and field."""
    from ecology.analysis import maturity_evidence as me

    seed = me.seed_items(load_baseline(icb_codes=icb_codes), sources(), framework()["baseline"]["assessed_on"])
    web = me.load_web()
    problems = me.web_problems(web, set(criterion_ids()), {s["id"] for s in framework()["scopes"]}, icb_codes)
    if problems:
        raise BaselineError("maturity_evidence.csv: " + "; ".join(problems[:10]))
    return me.items(seed, me.web_items(web))


def evidence_scores(evidence: pd.DataFrame) -> pd.DataFrame:
    """Return the baseline scores the evidence sets (one per ICB and criterion with current
    evidence; see ``maturity_evidence``), in the shape ``all_assessments`` takes."""
    from ecology.analysis import maturity_evidence as me

    chosen = me.best(evidence)
    return pd.DataFrame({
        "icb_code": chosen["icb_code"], "criterion": chosen["criterion"], "stage": chosen["stage"].astype(int),
        "confidence": chosen["confidence"], "scope": chosen["scope"], "scope_name": chosen["scope_name"],
        "source": chosen["title"], "quote": chosen["quote"], "note": chosen["reason"],
        "as_of": chosen["evidence_date"].fillna(chosen["read_on"]), "assessed_on": chosen["read_on"],
        "assessed_by": framework()["baseline"]["assessed_by"], "kind": "baseline",
        "shared_key": chosen["shared_key"].fillna(""), "sources": chosen["sources"], "url": chosen["url"],
        "publisher": chosen["publisher"]})


def all_assessments(baseline: pd.DataFrame, self_assessed: pd.DataFrame | None) -> pd.DataFrame:
    """Return baseline and self-assessments in one table (``SCORE_COLUMNS``), oldest first.

    Self-assessments come from the register (``Store.assessments()``); a self-assessment
    with stage missing records "not assessed" for that criterion from then on.
    """
    parts = [baseline.reindex(columns=list(SCORE_COLUMNS))]
    if self_assessed is not None and len(self_assessed):
        assessed_on = pd.to_datetime(self_assessed["assessed_on"], utc=True).dt.tz_localize(None)
        own = self_assessed.assign(kind="self", scope="ics", scope_name="", source="self-assessment",
                                   quote=self_assessed["evidence"], as_of=assessed_on, assessed_on=assessed_on)
        parts.append(own.reindex(columns=list(SCORE_COLUMNS)))
    table = pd.concat(parts, ignore_index=True)
    table["as_of"] = pd.to_datetime(table["as_of"])
    table["assessed_on"] = pd.to_datetime(table["assessed_on"])
    # Baseline before self-assessment on the same day; otherwise by when it was assessed.
    table["_order"] = (table["kind"] == "self").astype(int)
    return table.sort_values(["as_of", "_order", "assessed_on"], kind="stable").drop(columns="_order").reset_index(
        drop=True)


def current_scores(assessments: pd.DataFrame) -> pd.DataFrame:
    """Return the latest score per (ICB, criterion) with ``baseline_stage`` beside it; confidence
    becomes "split" where the latest self-assessment and the baseline disagree."""
    if assessments.empty:
        return pd.DataFrame(columns=[*SCORE_COLUMNS, "baseline_stage"])
    latest = assessments.groupby(["icb_code", "criterion"], sort=False).tail(1).copy()
    baseline = assessments[assessments["kind"] == "baseline"].set_index(["icb_code", "criterion"])["stage"]
    keys = pd.MultiIndex.from_frame(latest[["icb_code", "criterion"]])
    latest["baseline_stage"] = baseline.reindex(keys).to_numpy()
    disagree = ((latest["kind"] == "self") & latest["baseline_stage"].notna()
                & (latest["stage"].astype("Float64") != latest["baseline_stage"].astype("Float64"))).fillna(False)
    latest.loc[disagree.to_numpy(dtype=bool), "confidence"] = "split"
    return latest.reset_index(drop=True)


def summary(current: pd.DataFrame, icbs: pd.DataFrame, evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per ICB (all of them): icb_code, ICB, NHS region, Assessed, Overall,
    overall_status, overall_stage, then one column of stages per criterion (label as header);
    with ``evidence``, also Evidence (pieces not rejected) and Newest evidence (its date)."""
    stages = (current.dropna(subset=["stage"]).pivot_table(index="icb_code", columns="criterion", values="stage",
                                                           aggfunc="last")
              .reindex(index=icbs["icb_code"], columns=criterion_ids()))
    rows = []
    for code, name, region in zip(icbs["icb_code"], icbs["icb_short_name"], icbs["region_name"]):
        values = stages.loc[code].tolist()
        result = overall_stage(values)
        rows.append({"icb_code": code, "ICB": name, "NHS region": region, "Assessed": result.assessed,
                     "Overall": result.label, "overall_status": result.status, "overall_stage": result.stage,
                     **{criterion_label(c): (None if pd.isna(v) else int(v)) for c, v in zip(criterion_ids(), values)}})
    table = pd.DataFrame(rows)
    for c in criterion_ids():
        table[criterion_label(c)] = table[criterion_label(c)].astype("Int64")
    table["overall_stage"] = table["overall_stage"].astype("Int64")
    if evidence is not None:
        from ecology.analysis import maturity_evidence as me

        counts = me.per_icb(evidence).set_index("icb_code")
        table["Evidence"] = table["icb_code"].map(counts["evidence_count"]).fillna(0).astype(int)
        table["Newest evidence"] = table["icb_code"].map(counts["newest_evidence"]).dt.strftime("%Y-%m").fillna("")
    return table


MEDIAN_RULE = ("The England median of a criterion is taken over independent evidence: a score resting on one "
               "passage shared by several ICSs (a region-wide page) counts once, not once per ICS; historic and "
               "rejected evidence never counts.")


def england_median(current: pd.DataFrame) -> pd.DataFrame:
    """Return per criterion: median stage over the ICSs that have it assessed (a score resting on
    shared evidence counted once per passage; see ``MEDIAN_RULE``), and how many ICSs have it."""
    assessed = current.dropna(subset=["stage"])
    icss = assessed.groupby("criterion")["icb_code"].nunique()
    shared = assessed.get("shared_key", pd.Series("", index=assessed.index)).astype("string").fillna("")
    assessed = assessed[(shared == "") | ~assessed.assign(_key=shared).duplicated(["criterion", "_key"])]
    grouped = assessed.groupby("criterion")["stage"]
    out = pd.DataFrame({"criterion": criterion_ids()})
    out["median_stage"] = out["criterion"].map(grouped.median())
    out["icss_assessed"] = out["criterion"].map(icss).fillna(0).astype(int)
    return out


def profile(current: pd.DataFrame, icb_codes: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Return a long table for a profile chart: criterion label, series (ICS name or "England median"),
    stage (NaN when not assessed), for the chosen ICSs and the England median."""
    rows = []
    medians = england_median(current).set_index("criterion")["median_stage"]
    for code in icb_codes:
        mine = current[current["icb_code"] == code].set_index("criterion")["stage"]
        for c in criterion_ids():
            rows.append({"Criterion": criterion_label(c), "Series": names.get(code, code),
                         "Stage": float(mine[c]) if c in mine and pd.notna(mine[c]) else np.nan})
    for c in criterion_ids():
        rows.append({"Criterion": criterion_label(c), "Series": MEDIAN_SERIES,
                     "Stage": float(medians[c]) if pd.notna(medians[c]) else np.nan})
    return pd.DataFrame(rows)


def evidence_table(current: pd.DataFrame, icb_code: str) -> pd.DataFrame:
    """Return the evidence behind one ICS's current scores, in framework order, every criterion
    listed (not assessed ones too)."""
    mine = current[current["icb_code"] == icb_code].set_index("criterion")
    catalogue = sources()
    rows = []
    for c in criteria():
        if c.id in mine.index and pd.notna(mine.at[c.id, "stage"]):
            row = mine.loc[c.id]
            source = catalogue.get(row["source"])
            rows.append({
                "Criterion": c.label, "Stage": stage_label(row["stage"]), "Evidence": row["quote"],
                "Confidence": row["confidence"],
                "Applies to": scope_label(row["scope"], short=True) + (f": {row['scope_name']}" if row["scope_name"]
                                                                       else ""),
                "Source": (f"{source['title']} ({source['publisher']}), {source['part']}" if source
                           else f"Self-assessment by {row['assessed_by']}"),
                "Dated": pd.Timestamp(row["as_of"]).strftime("%b %Y") if pd.notna(row["as_of"]) else "",
                "Note": row["note"] or "",
            })
        else:
            rows.append({"Criterion": c.label, "Stage": "Not assessed", "Evidence": "No evidence known to this project.",
                         "Confidence": "", "Applies to": "", "Source": "", "Dated": "", "Note": ""})
    return pd.DataFrame(rows)


def history(assessments: pd.DataFrame, icb_code: str) -> pd.DataFrame:
    """Return every dated score of one ICS, oldest first: Date, Criterion, Stage (NaN = not
    assessed), Kind (baseline / self-assessment), By, Change (rise / fall / same / first)."""
    mine = assessments[assessments["icb_code"] == icb_code].copy()
    mine["Criterion"] = mine["criterion"].map(criterion_label)
    stage = mine["stage"].astype("Float64")
    previous = stage.groupby(mine["criterion"]).shift(1)
    rise = (stage > previous).fillna(False).to_numpy(dtype=bool)
    fall = (stage < previous).fillna(False).to_numpy(dtype=bool)
    first = (previous.isna() & stage.notna()).to_numpy(dtype=bool)
    # A stage withdrawn ("not assessed") after a score is a fall in what can be shown.
    withdrawn = (previous.notna() & stage.isna()).to_numpy(dtype=bool)
    change = np.select([first, rise, fall, withdrawn], ["first", "rise", "fall", "withdrawn"], "same")
    return pd.DataFrame({
        "Date": mine["as_of"].dt.date, "Criterion": mine["Criterion"], "Stage": mine["stage"].astype("Float64"),
        "Kind": mine["kind"].map({"baseline": "baseline", "self": "self-assessment"}),
        "By": mine["assessed_by"], "Change": change, "Confidence": mine["confidence"],
    }).reset_index(drop=True)


def calibration(assessments: pd.DataFrame) -> pd.DataFrame:
    """Return where an ICS's latest self-assessment and the baseline disagree: ICB code,
    Criterion, Baseline, Self-assessment, Difference (self minus baseline)."""
    current = current_scores(assessments)
    split = current[current["confidence"] == "split"]
    return pd.DataFrame({
        "icb_code": split["icb_code"], "Criterion": split["criterion"].map(criterion_label),
        "Baseline": split["baseline_stage"].astype("Int64"), "Self-assessment": split["stage"].astype("Int64"),
        "Difference": (split["stage"] - split["baseline_stage"]).astype("Int64"),
    }).reset_index(drop=True)


# ---------------------------------------------------------------- map colours

# Sequential blues for stages 1-4 (colour-blind safe); "insufficient" and "not
# assessed" sit outside the scale so neither reads as a low stage.
STAGE_COLOURS = {1: "#c6dbef", 2: "#6baed6", 3: "#2171b5", 4: "#08306b"}
INSUFFICIENT_COLOUR = "#e3cf9d"
NOT_ASSESSED_COLOUR = "#f7f7f7"
OVERALL = "overall"


def map_fills(table: pd.DataFrame, colour_by: str) -> tuple[dict[str, tuple[str, str]], set[str],
                                                             list[tuple[str, str]]]:
    """Return (fills {icb code: (colour, label)}, codes to draw dashed, legend [(colour, label)]) for
    colouring the ICSs by the overall stage or by one criterion id (``summary`` table in)."""
    fills, dashed = {}, set()
    for row in table.to_dict(orient="records"):
        if colour_by == OVERALL:
            stage, status, label = row["overall_stage"], row["overall_status"], row["Overall"]
        else:
            stage = row[criterion_label(colour_by)]
            status = "stage" if pd.notna(stage) else NOT_ASSESSED
            label = stage_label(stage)
        if status == "stage":
            fills[row["icb_code"]] = (STAGE_COLOURS[int(stage)], label)
        elif status == INSUFFICIENT:
            fills[row["icb_code"]] = (INSUFFICIENT_COLOUR, label)
        else:
            fills[row["icb_code"]] = (NOT_ASSESSED_COLOUR, "Not assessed")
            dashed.add(row["icb_code"])
    legend = [(STAGE_COLOURS[s], stage_label(s)) for s in STAGES]
    if colour_by == OVERALL:
        legend.append((INSUFFICIENT_COLOUR, f"Insufficient evidence (fewer than {MIN_ASSESSED} of 10 assessed)"))
    legend.append((NOT_ASSESSED_COLOUR, "Not assessed (dashed outline)"))
    return fills, dashed, legend


def evidence_pieces(evidence: pd.DataFrame, icb_code: str, current: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every piece of evidence about one ICS (rejected candidates left out), grouped by
    criterion in framework order: what it says, who published it, when, what it is about, and
    whether it sets the current stage, counts, is shared with other ICSs or is historic. With
    ``current``, a criterion whose current score is a self-assessment shows that first."""
    from ecology.analysis import maturity_evidence as me

    mine = evidence[(evidence["icb_code"] == icb_code) & (evidence["decision"] != "reject")].copy()
    chosen = set(me.best(evidence[evidence["icb_code"] == icb_code])["evidence_id"])
    order = {c: i for i, c in enumerate(criterion_ids())}
    mine = mine.assign(_order=mine["criterion"].map(order)).sort_values(["_order", "stage"], ascending=[True, False])
    shared_with = evidence[evidence["shared_key"].fillna("") != ""].groupby("shared_key")["icb_code"].nunique()

    def status(row) -> str:
        if row["historic"]:
            return "historic: does not set the current stage"
        if row["scope"] == "region" and row["shared_key"]:
            return "regional context: shared by the region's ICSs, sets no stage"
        text = "sets the current stage" if row["evidence_id"] in chosen else "counts (a lower or equal stage)"
        if row["shared_key"]:
            text += f"; shared with {int(shared_with.get(row['shared_key'], 1)) - 1} other ICS(s)"
        return text

    table = pd.DataFrame({
        "Criterion": mine["criterion"].map(criterion_label), "Stage": mine["stage"].map(stage_label),
        # typed as text even when empty, so an ICS with no evidence still filters by status
        "Status": pd.Series([status(r) for r in mine.to_dict(orient="records")], index=mine.index, dtype="str"),
        "Evidence": mine["quote"],
        "Confidence": mine["confidence"],
        "Applies to": [scope_label(sc, short=True) + (f": {name}" if name else "")
                       for sc, name in zip(mine["scope"], mine["scope_name"])],
        "Source": mine["title"], "Publisher": mine["publisher"],
        "Dated": mine["evidence_date"].dt.strftime("%Y-%m").fillna("undated"),
        "Read on": mine["read_on"].dt.strftime("%Y-%m-%d").fillna(""), "Link": mine["url"].fillna(""),
        "Review": mine["reason"],
    })
    if current is not None:
        own = current[(current["icb_code"] == icb_code) & (current["kind"] == "self")]
        selves = pd.DataFrame({
            "Criterion": own["criterion"].map(criterion_label), "Stage": own["stage"].map(stage_label),
            "Status": "current: self-assessment", "Evidence": own["quote"].fillna(""), "Confidence": own["confidence"],
            "Applies to": scope_label("ics", short=True), "Source": "Self-assessment by " + own["assessed_by"],
            "Publisher": "", "Dated": pd.to_datetime(own["as_of"]).dt.strftime("%Y-%m-%d"), "Read on": "", "Link": "",
            "Review": ""})
        table = pd.concat([selves, table], ignore_index=True)
        table["_order"] = table["Criterion"].map({criterion_label(c): i for i, c in enumerate(criterion_ids())})
        table = table.sort_values("_order", kind="stable").drop(columns="_order")
    return table.reset_index(drop=True)


def not_assessed(current: pd.DataFrame, icb_code: str) -> list[str]:
    """Return the labels of the criteria with no current score for one ICS."""
    mine = current[(current["icb_code"] == icb_code) & current["stage"].notna()]
    return [c.label for c in criteria() if c.id not in set(mine["criterion"])]
