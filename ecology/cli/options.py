"""The options several commands share, how they are read, and how a command's output is written.

Every command that reads the register takes ``--database``; every command that prints a table or a
document takes ``--format`` and ``--out``; a command about a place takes ``--place`` (an ONS code
or a place name) and one about a theme ``--theme`` (a health focus id, label or synonym).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecology import files, taxonomy


class UsageError(Exception):
    """An option names something unknown or the options do not fit together: exit 2, the message says why."""


def add_database(parser: argparse.ArgumentParser) -> None:
    """Add ``--database`` (a SQLAlchemy URL; default the settings' register)."""
    parser.add_argument("--database", default=None, metavar="URL",
                        help="the register's SQLAlchemy URL (default: ECOLOGY_DATABASE_URL or the SQLite file)")


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...], *, help: str | None = None) -> None:
    """Add ``--format``, its first choice the default."""
    parser.add_argument("--format", choices=choices, default=choices[0],
                        help=help or f"one of {', '.join(choices)} (default {choices[0]})")


def add_out(parser: argparse.ArgumentParser) -> None:
    """Add ``--out`` (written whole or not at all; default standard output)."""
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="write here instead of standard output (the file is replaced whole, or left as it was)")


def add_place(parser: argparse.ArgumentParser, *, help: str, required: bool = False, repeat: bool = False,
              default: str | None = None) -> None:
    """Add ``--place`` (an ONS code or a place name; repeatable where the command takes several)."""
    parser.add_argument("--place", required=required, default=[] if repeat else default,
                        action="append" if repeat else "store", metavar="CODE_OR_NAME", help=help)


def add_theme(parser: argparse.ArgumentParser) -> None:
    """Add ``--theme`` (one health focus)."""
    ids = ", ".join(t.id for t in taxonomy.terms("health_focus"))
    parser.add_argument("--theme", default=None, metavar="THEME",
                        help=f"a health focus: id, label or synonym ({ids})")


def resolve_terms(vocabulary: str, given: list[str]) -> tuple[str, ...]:
    """Return the term ids the given texts name (UsageError listing the allowed ids if one is unknown)."""
    resolved = []
    for text in given:
        term = taxonomy.resolve(vocabulary, text)
        if term is None:
            allowed = ", ".join(t.id for t in taxonomy.terms(vocabulary))
            raise UsageError(f"unknown {vocabulary.replace('_', ' ')} {text!r}; use one of: {allowed}")
        resolved.append(term)
    return tuple(resolved)


def resolve_theme(text: str | None) -> str | None:
    """Return the health focus id ``--theme`` names, or None for all themes (UsageError if unknown)."""
    return resolve_terms("health_focus", [text])[0] if text else None


def resolve_place(tree, text: str) -> str:
    """Return the ONS code of the place a code or a name gives (UsageError if the tree has neither)."""
    code = text.strip().upper()
    if code in tree:
        return code
    labels = tree.places["label"].str.casefold()
    found = tree.places.index[labels == text.strip().casefold()]
    if not len(found):
        raise UsageError(f"unknown place {text!r}: give an ONS code (England E92000001, a region E40..., an ICB "
                         "E54... or a local authority) or a place name")
    return str(found[0])


def emit(data: str | bytes, out: Path | None, *, what: str) -> None:
    """Write a command's output: to ``out`` whole (with one line on stderr saying what), else to stdout."""
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data if data.endswith("\n") or not data else data + "\n")
        return
    encoded = data.encode("utf-8") if isinstance(data, str) else data
    files.write_whole(out, encoded)
    print(f"wrote {out} ({len(encoded):,} bytes): {what}", file=sys.stderr)
