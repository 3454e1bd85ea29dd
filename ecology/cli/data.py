"""``data build|clean|sources`` and ``vendor``: making what the app reads."""

from __future__ import annotations

import argparse
import dataclasses
import json

from ecology.cli.options import add_format, add_out, emit
from ecology.sources import build, catalogue, vendor


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    making = actions.add_parser("build", help="build data/build/ from the raw sources")
    making.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    actions.add_parser("clean", help="remove data/build/")
    listing = actions.add_parser("sources", help="list the sources in the manifest")
    add_format(listing, ("text", "json"), help="text: one line per source; json: every field of the manifest")
    add_out(listing)


def run(args: argparse.Namespace) -> int:
    """Build, clean or list the sources; returns 0 (failures raise, and the caller maps them to a code)."""
    if args.action == "build":
        build.build(report=print, force=args.force)
    elif args.action == "clean":
        build.clean()
    else:
        manifest = catalogue.load_manifest()
        if args.format == "json":
            text = json.dumps([dataclasses.asdict(item) for item in manifest], indent=1, ensure_ascii=False, default=str)
        else:
            text = "".join(f"{item.id}: {item.title} ({item.publisher}, {item.vintage}; {item.licence})\n"
                           for item in manifest)
        emit(text, args.out, what=f"{len(manifest)} sources")
    return 0


def add_vendor_arguments(parser: argparse.ArgumentParser) -> None:
    """``vendor`` takes no options."""


def run_vendor(args: argparse.Namespace) -> int:
    vendor.install(report=print)
    return 0
