"""``maturity [--place ICB_OR_REGION] [--format csv|json] [--out FILE]``: the ICS maturity scores.

The same numbers as the ICS maturity page: the baseline plus the register's
self-assessments, the same overall-stage rule, the same table.
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

from ecology.analysis import maturity
from ecology.cli.options import UsageError, add_database, add_format, add_out, add_place, emit, resolve_place
from ecology.places import geography
from ecology.register import export, startup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_place(parser, help="one ICB (code E54... or name): its evidence, criterion by criterion; or an NHS region: "
                           "its ICBs (default: all 42)")
    parser.add_argument("--icb", dest="place", help=argparse.SUPPRESS)  # the option's earlier name
    add_format(parser, ("csv", "json"))
    add_out(parser)
    add_database(parser)


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def run(args: argparse.Namespace) -> int:
    icbs = maturity.icb_table(geography.place_table())
    evidence = maturity.load_evidence(icb_codes=set(icbs["icb_code"]))
    assessments = maturity.all_assessments(maturity.evidence_scores(evidence),
                                           startup.open_for_reading(args.database).assessments())
    current = maturity.current_scores(assessments)
    table = maturity.summary(current, icbs, evidence)
    one_icb = False
    if args.place:
        table, one_icb = _within(table, args.place)
    what = f"{table['ICB'].iloc[0]}" if one_icb else f"{len(table)} ICSs"
    if args.format == "csv":
        shown = table.drop(columns=["overall_status", "overall_stage"]).rename(columns={"icb_code": "Code"})
        if one_icb:
            shown = maturity.evidence_pieces(evidence, table["icb_code"].iloc[0])
        emit(export.table_to_csv(shown), args.out, what=what)
        return 0
    from ecology.analysis import maturity_domains, maturity_evidence

    out = {"rule": maturity.OVERALL_RULE, "evidence_rules": maturity_evidence.RULES, "median_rule": maturity.MEDIAN_RULE,
           "domain_rule": maturity_domains.DOMAIN_RULE, "icss": [], "review": _review(evidence)}
    for row in table.to_dict(orient="records"):
        mine = current[current["icb_code"] == row["icb_code"]].set_index("criterion")
        out["icss"].append({
            "icb_code": row["icb_code"], "name": row["ICB"], "region": row["NHS region"],
            "assessed": row["Assessed"], "overall": row["Overall"], "overall_stage": _json_value(row["overall_stage"]),
            "evidence_count": int(row["Evidence"]), "newest_evidence": row["Newest evidence"] or None,
            "not_assessed": maturity.not_assessed(current, row["icb_code"]),
            "domains": [{"domain": d["Domain"], "assessed": d["Assessed"], "stage": _json_value(d["Stage"])}
                        for d in maturity_domains.icb_rollup(current, row["icb_code"]).to_dict(orient="records")],
            "criteria": {c: ({"stage": _json_value(mine.at[c, "stage"]), "confidence": mine.at[c, "confidence"],
                              "scope": mine.at[c, "scope"], "scope_name": mine.at[c, "scope_name"] or None,
                              "source": mine.at[c, "source"], "evidence": mine.at[c, "quote"],
                              "shared": bool(mine.at[c, "shared_key"]) if isinstance(mine.at[c, "shared_key"], str)
                              else False,
                              "as_of": pd.Timestamp(mine.at[c, "as_of"]).strftime("%Y-%m-%d")}
                             if c in mine.index and pd.notna(mine.at[c, "stage"]) else None)
                         for c in maturity.criterion_ids()},
            "evidence": _pieces(evidence, row["icb_code"]),
        })
    emit(json.dumps(out, indent=1, ensure_ascii=False), args.out, what=what)
    return 0


def _within(table: pd.DataFrame, given: str) -> tuple[pd.DataFrame, bool]:
    """Return the rows of one ICB (by code or name) or of the ICBs within a region, and whether it is one ICB."""
    wanted = given.strip().casefold()
    found = table[(table["icb_code"].str.casefold() == wanted) | (table["ICB"].str.casefold() == wanted)]
    if len(found):
        return found, True
    tree = geography.PlaceTree.from_table(geography.place_table())
    try:
        place = resolve_place(tree, given)
    except UsageError:
        raise UsageError(f"{given!r} is not one of the 42 ICBs or an NHS region (give a code such as E54000054 "
                         "or E40000012, or its name)") from None
    codes = {code for lad in tree.lads_within(place) for code in tree.ancestors(lad) if code.startswith("E54")}
    return table[table["icb_code"].isin(codes)], False


_PIECE_KEYS = {"Criterion": "criterion", "Stage": "stage", "Status": "status", "Evidence": "quote",
               "Confidence": "confidence", "Applies to": "applies_to", "Source": "source", "Publisher": "publisher",
               "Dated": "dated", "Read on": "read_on", "Link": "url", "Review": "review"}


def _pieces(evidence: pd.DataFrame, icb_code: str) -> list[dict]:
    """Return every piece of evidence about one ICS as the page lists it, criterion by criterion:
    what it says, its stage and status, who published it, when it is dated and was read, its link."""
    table = maturity.evidence_pieces(evidence, icb_code).rename(columns=_PIECE_KEYS)
    return [{key: (value or None) if isinstance(value, str) else _json_value(value) for key, value in piece.items()}
            for piece in table.to_dict(orient="records")]


def _review(evidence: pd.DataFrame) -> list[dict]:
    """Return every reviewed web candidate's decision: row, decision, ICB, criterion, stage, scope,
    historic, shared key and the one-line reason."""
    web = evidence[evidence["origin"] == "web"]
    return [{"row": int(r["evidence_id"].split(":")[1]), "decision": r["decision"], "icb_code": r["icb_code"],
             "criterion": r["criterion"], "stage": _json_value(r["stage"]), "scope": r["scope"] or None,
             "historic": bool(r["historic"]), "shared_key": r["shared_key"] or None, "reason": r["reason"],
             "source": r["title"], "url": r["url"]} for r in web.to_dict(orient="records")]
