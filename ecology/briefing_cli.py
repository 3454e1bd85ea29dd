"""``python -m ecology briefing --place CODE [--theme T] --format html|pdf|json --out FILE``: the place
briefing, the same figures as the Overview (real records; generated sample records marked apart).
``--format json`` takes ``--place`` more than once and prints the figures of each place."""

from __future__ import annotations

import argparse
import json
import sys

from ecology import files, geography, register
from ecology.assets_cli import UsageError, resolve_terms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--place", required=True, action="append",
                        help="ONS code of England, an NHS region, an ICB or a local authority (e.g. E54000054); "
                             "repeat for several (json only)")
    parser.add_argument("--theme", default=None, help="a health focus (id, label or synonym), e.g. dementia")
    parser.add_argument("--format", choices=("html", "pdf", "json"), default="html")
    parser.add_argument("--out", default=None, help="the file to write (default: standard output; needed for pdf)")
    parser.add_argument("--database", default=None, help="the register's URL (default: ECOLOGY_DATABASE_URL or SQLite)")


def run(args: argparse.Namespace) -> int:
    from ecology import briefing, place_profile

    tree = geography.PlaceTree.from_table(geography.place_table())
    codes = [given.strip().upper() for given in args.place]
    unknown = [given for given, code in zip(args.place, codes) if code not in tree.places.index]
    if unknown:
        print(f"error: {unknown[0]!r} is not a place code (England E92000001, a region E40..., an ICB E54... or a "
              "local authority)", file=sys.stderr)
        return 2
    if len(codes) > 1 and args.format != "json":
        print("error: several --place are for --format json; an HTML or PDF briefing is of one place", file=sys.stderr)
        return 2
    try:
        theme = resolve_terms("health_focus", [args.theme])[0] if args.theme else None
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.format == "pdf" and not args.out:
        print("error: a PDF needs --out FILE", file=sys.stderr)
        return 2
    inputs = place_profile.load_inputs(register.open_for_reading(args.database))
    if args.format == "json":
        tables = place_profile.theme_tables(inputs, theme)
        places = [briefing.figures_json(place_profile.profile(inputs, code, theme, tables)) for code in codes]
        data = json.dumps(places[0] if len(places) == 1 else {"places": places}, indent=1, ensure_ascii=False,
                          default=str).encode("utf-8")
        label = ", ".join(p["label"] for p in places)
    else:
        result = briefing.build(inputs, codes[0], theme, images="png" if args.format == "pdf" else "svg")
        data = briefing.to_pdf(result.html) if args.format == "pdf" else result.html.encode("utf-8")
        label = result.profile.label
    if args.out:
        files.write_whole(args.out, data)
        print(f"wrote {args.out} ({len(data):,} bytes): {label}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))  # html or json: a PDF always goes to --out
    return 0
