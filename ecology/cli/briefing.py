"""``briefing --place CODE [--theme T] --format html|pdf|json [--out FILE]``: the place briefing, the same
figures as the Overview (real records; generated sample records marked apart). ``--format json``
takes ``--place`` more than once and prints the figures of each place."""

from __future__ import annotations

import argparse
import json

from ecology.cli.options import (UsageError, add_database, add_format, add_out, add_place, add_theme, emit,
                                 resolve_place, resolve_theme)
from ecology.places import geography
from ecology.register import startup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_place(parser, required=True, repeat=True,
              help="England, an NHS region, an ICB or a local authority: ONS code (e.g. E54000054) or name; "
                   "repeat for several (json only)")
    add_theme(parser)
    add_format(parser, ("html", "pdf", "json"), help="html (default), pdf (needs --out) or json")
    add_out(parser)
    add_database(parser)


def run(args: argparse.Namespace) -> int:
    from ecology.analysis import place_profile
    from ecology.reports import briefing

    tree = geography.PlaceTree.from_table(geography.place_table())
    codes = [resolve_place(tree, given) for given in args.place]
    if len(codes) > 1 and args.format != "json":
        raise UsageError("several --place are for --format json; an HTML or PDF briefing is of one place")
    theme = resolve_theme(args.theme)
    if args.format == "pdf" and not args.out:
        raise UsageError("a PDF needs --out FILE")
    inputs = place_profile.load_inputs(startup.open_for_reading(args.database))
    if args.format == "json":
        tables = place_profile.theme_tables(inputs, theme)
        places = [briefing.figures_json(place_profile.profile(inputs, code, theme, tables)) for code in codes]
        data = json.dumps(places[0] if len(places) == 1 else {"places": places}, indent=1, ensure_ascii=False,
                          default=str)
        label = ", ".join(p["label"] for p in places)
    else:
        result = briefing.build(inputs, codes[0], theme, images="png" if args.format == "pdf" else "svg")
        data = briefing.to_pdf(result.html) if args.format == "pdf" else result.html
        label = result.profile.label
    emit(data, args.out, what=label)
    return 0
