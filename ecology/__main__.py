"""Command line: ``python -m ecology data build`` and friends."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import traceback
import uuid
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from ecology import (assets_cli, auth, briefing_cli, build, clusters_cli, files, gaps_cli, geography, import_cli,
                     maturity_cli, register, settings, sources, store, vendor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecology", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="build the data the app reads")
    data_commands = data.add_subparsers(dest="action", required=True)
    data_build = data_commands.add_parser("build", help="build data/build/ from the raw sources")
    data_build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    data_commands.add_parser("clean", help="remove data/build/")
    data_commands.add_parser("sources", help="list the sources in the manifest")
    commands.add_parser("vendor", help="install Leaflet and plugins from the npm registry into static/vendor/")
    assets_cli.add_arguments(commands.add_parser(
        "assets", help="filter the asset table like the Assets page and write CSV, GeoJSON or ORUK JSON"))
    import_cli.add_arguments(commands.add_parser(
        "import", help="check a file (CSV, Excel, GeoJSON, ORUK JSON) and write its records to the register"))
    clusters_cli.add_arguments(commands.add_parser(
        "clusters", help="clusters of practitioners, as on the Practitioners page (counts under 5 suppressed)"))
    gaps_cli.add_arguments(commands.add_parser(
        "gaps", help="need against provision for every local authority or ICB, as on the Coverage gaps page"))
    maturity_cli.add_arguments(commands.add_parser(
        "maturity", help="the ICS creative health maturity scores, as on the ICS maturity page"))
    briefing_cli.add_arguments(commands.add_parser(
        "briefing", help="the place briefing (HTML, PDF or JSON), the same figures as the Overview"))
    auth.add_arguments(commands.add_parser(
        "editor-password", help="print a salted hash of an editor password for .streamlit/secrets.toml"))
    args = parser.parse_args(argv)

    try:
        if args.command == "assets":
            return assets_cli.run(args)
        if args.command == "import":
            return import_cli.run(args)
        if args.command == "clusters":
            return clusters_cli.run(args)
        if args.command == "gaps":
            return gaps_cli.run(args)
        if args.command == "maturity":
            return maturity_cli.run(args)
        if args.command == "briefing":
            return briefing_cli.run(args)
        if args.command == "editor-password":
            return auth.run(args)
        if args.command == "vendor":
            vendor.install(report=print)
        elif args.action == "build":
            build.build(report=print, force=args.force)
        elif args.action == "clean":
            build.clean()
        elif args.action == "sources":
            for item in sources.load_manifest():
                print(f"{item.id}: {item.title} ({item.publisher}, {item.vintage}; {item.licence})")
    except register.RegisterMissing as error:  # a read-only command found nothing to read
        print(f"error: {error}", file=sys.stderr)
        return 2
    except geography.BuildMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sources.SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except vendor.VendorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except files.WriteFailed as error:  # a full disk or a folder that cannot be written: nothing half-written
        print(f"error: {error}", file=sys.stderr)
        return 3
    except store.UnknownSchema as error:  # a newer or foreign database: refused before anything was touched
        print(f"error: {error}", file=sys.stderr)
        return 3
    except (DBAPIError, sqlite3.Error) as error:  # locked past the busy timeout, disk full, server gone
        reason = " ".join(str(getattr(error, "orig", None) or error).split())[:300]
        print(f"error: the register could not be read or written ({reason}). Whatever was being written was "
              "rolled back: nothing changed. Try again once the database is free, has space or is back.",
              file=sys.stderr)
        return 3
    except Exception as error:  # a fault in the code: one line for the user, the traceback in a log file
        if settings.current().raise_page_errors:  # the test suite wants the exception itself
            raise
        log = Path(tempfile.gettempdir()) / f"ecology-error-{uuid.uuid4().hex[:8]}.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(f"error: an internal error stopped the command ({type(error).__name__}). "
              f"The details are in {log}: please include them when you report it.", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
