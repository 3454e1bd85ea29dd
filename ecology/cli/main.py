"""The command line (``python -m ecology`` or ``ecology``): one parser, one rule for exit codes.

Exit codes, the same for every command:

* 0: done.
* 1: the answer is "no": an import's rows were rejected, or its write was refused (a record changed
  meanwhile, or the write ran past its time limit), and nothing was written.
* 2: the command cannot run as asked: an unknown option value, an unreadable file, no register or
  data build yet, a source that will not download.
* 3: an internal error or a fault of the machine (a full disk, a database gone away, a register of
  an unknown schema). One line says what; a fault in the code leaves its traceback in a log file
  and never on the screen.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import traceback
import uuid
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from ecology import files, settings
from ecology.cli import assets, briefing, clusters, data, editor_password, gaps, importing, maturity
from ecology.cli.options import UsageError
from ecology.places import geography
from ecology.register import startup, store
from ecology.sources import catalogue, vendor

# name -> (add its options to a parser, run it and return the exit code, one line of help)
COMMANDS = {
    "data": (data.add_arguments, data.run, "build the data the app reads (build, clean, sources)"),
    "vendor": (data.add_vendor_arguments, data.run_vendor,
               "install Leaflet and plugins from the npm registry into static/vendor/"),
    "assets": (assets.add_arguments, assets.run,
               "filter the asset table like the Assets page and write CSV, GeoJSON or ORUK JSON"),
    "import": (importing.add_arguments, importing.run,
               "check a file (CSV, Excel, GeoJSON, ORUK JSON) and write its records to the register"),
    "clusters": (clusters.add_arguments, clusters.run,
                 "clusters of practitioners, as on the Practitioners page (counts under 5 suppressed)"),
    "gaps": (gaps.add_arguments, gaps.run,
             "need against provision for every local authority or ICB, as on the Coverage gaps page"),
    "maturity": (maturity.add_arguments, maturity.run,
                 "the ICS creative health maturity scores, as on the ICS maturity page"),
    "briefing": (briefing.add_arguments, briefing.run,
                 "the place briefing (HTML, PDF or JSON), the same figures as the Overview"),
    "editor-password": (editor_password.add_arguments, editor_password.run,
                        "print a salted hash of an editor password for .streamlit/secrets.toml"),
}

DONE, NO, USAGE, FAULT = 0, 1, 2, 3


def parser() -> argparse.ArgumentParser:
    """Return the one parser of every command."""
    top = argparse.ArgumentParser(prog="python -m ecology", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    for name, (add_arguments, _run, help_line) in COMMANDS.items():
        add_arguments(commands.add_parser(name, help=help_line, description=help_line))
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (see the module docstring)."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command][1](args)
    except Exception as error:  # noqa: BLE001 (every failure becomes one line and an exit code)
        return report(error)


def exit_code(error: Exception) -> int:
    """Return the exit code an exception stands for (FAULT for anything not known to be the user's)."""
    if isinstance(error, (UsageError, startup.RegisterMissing, geography.BuildMissing, catalogue.SourceError,
                          vendor.VendorError)):
        return USAGE
    return FAULT


def report(error: Exception) -> int:
    """Print one line about the error on stderr (a code fault's traceback goes to a log file); return its code."""
    code = exit_code(error)
    if code == USAGE or isinstance(error, (files.WriteFailed, store.UnknownSchema)):
        print(f"error: {error}", file=sys.stderr)
        return code
    if isinstance(error, (DBAPIError, sqlite3.Error)):  # locked past the busy timeout, disk full, server gone
        reason = " ".join(str(getattr(error, "orig", None) or error).split())[:300]
        print(f"error: the register could not be read or written ({reason}). Whatever was being written was "
              "rolled back: nothing changed. Try again once the database is free, has space or is back.",
              file=sys.stderr)
        return FAULT
    if settings.current().raise_page_errors:  # the test suite wants the exception itself
        raise error
    log = Path(tempfile.gettempdir()) / f"ecology-error-{uuid.uuid4().hex[:8]}.log"
    log.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    print(f"error: an internal error stopped the command ({type(error).__name__}). "
          f"The details are in {log}: please include them when you report it.", file=sys.stderr)
    return FAULT
