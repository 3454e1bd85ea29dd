"""``editor-password``: print a salted scrypt hash of an editor password, for the secrets or the environment.

Exit 0 printed; 2 refused (an empty or short password, two that differ, a name that will not do).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TextIO

from ecology import auth


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``editor-password``."""
    parser.add_argument("--name", default=None,
                        help=f"the editor's name as shown in the app and the audit trail "
                             f"(default: {auth.DEFAULT_ENV_NAME})")
    parser.add_argument("--env", action="store_true",
                        help=f"print {auth.ENV_NAME}/{auth.ENV_HASH} lines for the environment instead of "
                             "a secrets.toml line")


def _read_password(stdin: TextIO) -> str:
    if stdin.isatty():
        first = getpass.getpass("New editor password: ")
        second = getpass.getpass("Same password again: ")
        if first != second:
            raise ValueError("the two passwords differ")
        return first
    # Scripted use: the first line of standard input is the password.
    line = stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def _toml_key(name: str) -> str:
    return name if auth.BARE_TOML_KEY.fullmatch(name) else json.dumps(name)


def run(args: argparse.Namespace, *, stdin: TextIO | None = None,
        stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Read a password (twice at a terminal; one line from a pipe) and print its hash line.

    Returns the exit status: 0 printed, 2 refused (empty, too short, or the two differ).
    """
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    name = (args.name or auth.DEFAULT_ENV_NAME).strip()
    if not name or len(name) > 100 or any(not ch.isprintable() for ch in name):
        print("error: --name must be 1 to 100 printable characters", file=stderr)
        return 2
    try:
        password = _read_password(stdin)
    except (ValueError, EOFError) as error:
        print(f"error: {error or 'no password given'}", file=stderr)
        return 2
    if len(password) < auth.MIN_PASSWORD_CHARS:
        print(f"error: use at least {auth.MIN_PASSWORD_CHARS} characters (a few words is easy to type)",
              file=stderr)
        return 2
    stored = auth.hash_password(password)
    if args.env:
        # Single quotes: the hash contains '$', which a shell would expand.
        print(f"{auth.ENV_NAME}='{name}'", file=stdout)
        print(f"{auth.ENV_HASH}='{stored}'", file=stdout)
        print("Set these in the app's environment (docker/systemd: without the quotes).", file=stderr)
    else:
        print(f'{_toml_key(name)} = "{stored}"', file=stdout)
        print("Paste that line under [editors] in .streamlit/secrets.toml and restart the app.",
              file=stderr)
    return 0
