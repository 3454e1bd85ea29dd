"""``python -m ecology briefing --place CODE [--theme T] --format html|pdf|json --out FILE``: the place
briefing, the same figures as the Overview (real records; generated sample records marked apart)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ecology import geography, register
from ecology.assets_cli import UsageError, resolve_terms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--place", required=True,
                        help="ONS code of England, an NHS region, an ICB or a local authority (e.g. E54000054)")
    parser.add_argument("--theme", default=None, help="a health focus (id, label or synonym), e.g. dementia")
    parser.add_argument("--format", choices=("html", "pdf", "json"), default="html")
    parser.add_argument("--out", default=None, help="the file to write (default: standard output; needed for pdf)")
    parser.add_argument("--database", default=None, help="the register's URL (default: ECOLOGY_DATABASE_URL or SQLite)")


def run(args: argparse.Namespace) -> int:
    from ecology import briefing, place_profile

    tree = geography.PlaceTree.from_table(geography.place_table())
    code = args.place.strip().upper()
    if code not in tree.places.index:
        print(f"error: {args.place!r} is not a place code (England E92000001, a region E40..., an ICB E54... or a "
              "local authority)", file=sys.stderr)
        return 2
    try:
        theme = resolve_terms("health_focus", [args.theme])[0] if args.theme else None
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.format == "pdf" and not args.out:
        print("error: a PDF needs --out FILE", file=sys.stderr)
        return 2
    inputs = place_profile.load_inputs(register.open_register(args.database))
    result = briefing.build(inputs, code, theme, images="png" if args.format == "pdf" else "svg")
    if args.format == "json":
        data = json.dumps(briefing.figures_json(result), indent=1, ensure_ascii=False, default=str).encode("utf-8")
    elif args.format == "pdf":
        data = briefing.to_pdf(result.html)
    else:
        data = result.html.encode("utf-8")
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {args.out} ({len(data):,} bytes): {result.profile.label}, {result.profile.theme_label}",
              file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0
