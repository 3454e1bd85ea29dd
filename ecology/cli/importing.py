"""``import FILE --kind assets|practitioners [--dry-run] [--out REPORT]``.

Prints the validation report as JSON (on stdout, or to ``--out``). Exit codes: 0 every row was
accepted; 1 some rows were rejected (nothing is written unless
``--skip-invalid``), or a record the file merges into changed between the check
and the write (nothing was written: run it again; the report's ``conflict`` says
which); 2 the file could not be read at all. A merge takes only the fields the
file gives (``ecology.register.provenance``).
"""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path

import pandas as pd

from ecology.cli.options import UsageError, add_database, emit
from ecology.places import geography
from ecology.register import ingest, provenance, readers, startup
from ecology.register.store import Conflict, TookTooLong


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="CSV, .xlsx, GeoJSON or Open Referral UK JSON")
    parser.add_argument("--kind", choices=ingest.KINDS, required=True, help="what the file holds")
    parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="write the accepted rows even when others were rejected (default: write nothing)")
    parser.add_argument("--duplicates", choices=("skip", "merge"), default="skip",
                        help="rows matching a record already in the register: skip them (default) or merge "
                             "into it the fields the file gives (its source, licence, status and "
                             "verification are kept unless the file gives them)")
    parser.add_argument("--source", default=None,
                        help="source name recorded on every record; it scopes the file's own ids, so use the "
                             "same name for each new version of one directory (default: the file name)")
    parser.add_argument("--who", default=None, help="name recorded in the history (default: your user name)")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="write the report here instead of standard output")
    add_database(parser)


def _user_name() -> str:
    """Return the login name for the history, or "command line" where there is none (containers)."""
    try:
        return getpass.getuser() or "command line"
    except (OSError, KeyError):
        return "command line"


def run(args: argparse.Namespace) -> int:
    """Check the file, write it unless told not to, print the report; return the exit code."""
    try:
        raw = readers.read(args.file.name, args.file.read_bytes())
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror}") from None
    except readers.ImportRefused as refused:
        _report({"file": str(args.file), "refused": str(refused)}, args.out)
        return 2
    store = startup.open_register(args.database)
    prepared = ingest.prepare(
        raw, args.kind, ingest.suggest_mapping(list(raw.frame.columns), args.kind),
        postcodes=geography.PostcodeTable.from_build(), assigner=geography.PointAssigner.from_build(),
        existing=store.keys(args.kind), source=args.source or args.file.name, today=pd.Timestamp.today().normalize())
    # Read with the check: a merge into a record someone changes before the write is refused.
    versions = store.versions(args.kind, provenance.in_store(prepared).values())
    report = {"file": str(args.file), "kind": args.kind, **prepared.report_json(), "written": None}
    rejected = prepared.summary()["rejected"]
    if not args.dry_run and len(prepared.records) and (not rejected or args.skip_invalid):
        plan = provenance.plan(prepared, versions, merge=args.duplicates == "merge")
        try:
            result = store.import_records(
                args.kind, prepared.records, args.who or _user_name(), merge_into=plan.merge_into,
                given=prepared.given, versions=plan.versions, skip=plan.skip, note=f"import of {args.file.name}")
        except Conflict as conflict:
            report["conflict"] = str(conflict)
            _report(report, args.out)
            return 1
        except TookTooLong as late:
            report["refused"] = str(late)
            _report(report, args.out)
            return 1
        report["written"] = {"batch": result.batch, "added": result.added, "merged": result.merged,
                             "merged_unchanged": result.unchanged, "skipped_duplicates": result.skipped}
    _report(report, args.out)
    # 1 when any row was not accepted: by its own error, or by a file-level one (no location column).
    return 1 if rejected or len(prepared.records) < prepared.total_rows else 0


def _report(report: dict, out: Path | None) -> None:
    emit(json.dumps(report, indent=1, default=str), out, what=f"the report on {report['file']}")
