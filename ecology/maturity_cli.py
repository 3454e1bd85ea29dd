"""``python -m ecology maturity --format csv|json [--icb CODE]``: the ICS maturity scores.

The same numbers as the ICS maturity page: the baseline plus the register's
self-assessments, the same overall-stage rule, the same table.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from ecology import export, geography, maturity, register


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--icb", default=None, help="one ICB code (E54...) or name: its evidence, criterion by criterion")
    parser.add_argument("--database", default=None, help="the register's URL (default: ECOLOGY_DATABASE_URL or SQLite)")


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def run(args: argparse.Namespace) -> int:
    icbs = maturity.icb_table(geography.place_table())
    assessments = maturity.all_assessments(maturity.load_baseline(icb_codes=set(icbs["icb_code"])),
                                           register.open_register(args.database).assessments())
    current = maturity.current_scores(assessments)
    table = maturity.summary(current, icbs)
    if args.icb:
        wanted = args.icb.strip().lower()
        found = table[(table["icb_code"].str.lower() == wanted) | (table["ICB"].str.lower() == wanted)]
        if found.empty:
            print(f"error: {args.icb!r} is not one of the 42 ICBs (give a code such as E54000054 or its name)",
                  file=sys.stderr)
            return 2
        table = found
    if args.format == "csv":
        shown = table.drop(columns=["overall_status", "overall_stage"]).rename(columns={"icb_code": "Code"})
        if args.icb:
            shown = maturity.evidence_table(current, table["icb_code"].iloc[0])
        sys.stdout.write(export.table_to_csv(shown))
        return 0
    out = {"rule": maturity.OVERALL_RULE, "icss": []}
    for row in table.to_dict(orient="records"):
        mine = current[current["icb_code"] == row["icb_code"]].set_index("criterion")
        out["icss"].append({
            "icb_code": row["icb_code"], "name": row["ICB"], "region": row["NHS region"],
            "assessed": row["Assessed"], "overall": row["Overall"], "overall_stage": _json_value(row["overall_stage"]),
            "criteria": {c: ({"stage": _json_value(mine.at[c, "stage"]), "confidence": mine.at[c, "confidence"],
                              "scope": mine.at[c, "scope"], "scope_name": mine.at[c, "scope_name"] or None,
                              "source": mine.at[c, "source"], "evidence": mine.at[c, "quote"],
                              "as_of": pd.Timestamp(mine.at[c, "as_of"]).strftime("%Y-%m-%d")}
                             if c in mine.index and pd.notna(mine.at[c, "stage"]) else None)
                         for c in maturity.criterion_ids()},
        })
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0
