"""The command line's exit-code rule: 3 for a fault, in one line, with the traceback in a log file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecology import files
from ecology.cli import main as cli
from ecology.cli.main import main
from ecology.cli.options import UsageError
from ecology.places import geography
from ecology.register import startup, store


def test_a_fault_in_a_command_is_one_line_with_exit_3_and_the_traceback_in_a_log(monkeypatch, capsys):
    def broken(_args):
        raise KeyError("a bug")

    add_arguments, _run, help_line = cli.COMMANDS["maturity"]
    monkeypatch.setitem(cli.COMMANDS, "maturity", (add_arguments, broken, help_line))
    monkeypatch.delenv("ECOLOGY_RAISE_PAGE_ERRORS", raising=False)
    assert main(["maturity"]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    log = Path(re.search(r"The details are in (\S+\.log):", err).group(1))
    assert "KeyError: 'a bug'" in log.read_text(encoding="utf-8")
    log.unlink()


def test_a_read_only_command_leaves_an_older_register_as_it_was(tmp_path, capsys):
    from ecology.register import store

    path = tmp_path / "old.sqlite3"
    engine = store.make_engine(f"sqlite:///{path}")
    store.migrate(engine, target="0001")
    engine.dispose()
    before = path.read_bytes()
    assert main(["clusters", "--database", f"sqlite:///{path}"]) == 2
    assert "at schema revision 0001, older than" in capsys.readouterr().err
    assert path.read_bytes() == before


@pytest.mark.parametrize(("error", "code"), [
    (UsageError("unknown theme"), 2), (startup.RegisterMissing("none yet"), 2), (geography.BuildMissing("x"), 2),
    (files.WriteFailed("disk full"), 3), (store.UnknownSchema("newer"), 3), (KeyError("bug"), 3),
])
def test_each_kind_of_failure_has_one_exit_code(error, code):
    assert cli.exit_code(error) == code


READS_THE_REGISTER = ("assets", "import", "clusters", "gaps", "maturity", "briefing")
PRINTS_OUTPUT = {"assets": "geojson", "clusters": "geojson", "gaps": "json", "maturity": "json", "briefing": "json",
                 "data sources": "json"}


def _options(command: str) -> set[str]:
    top = cli.parser()
    sub = top._subparsers._group_actions[0].choices[command.split()[0]]
    if " " in command:
        sub = sub._subparsers._group_actions[0].choices[command.split()[1]]
    return {flag for action in sub._actions for flag in action.option_strings}


@pytest.mark.parametrize("command", READS_THE_REGISTER)
def test_every_command_that_reads_the_register_takes_database(command):
    assert "--database" in _options(command)


@pytest.mark.parametrize("command", sorted(PRINTS_OUTPUT))
def test_every_command_that_prints_a_table_or_document_takes_format_and_out(command):
    assert {"--format", "--out"} <= _options(command)
    args = cli.parser().parse_args([*command.split(), "--format", PRINTS_OUTPUT[command], "--out", "x",
                                    *(["--place", "E92000001"] if command == "briefing" else [])])
    assert args.format == PRINTS_OUTPUT[command] and str(args.out) == "x"


@pytest.mark.parametrize("command", ["assets", "gaps", "maturity", "briefing"])
def test_place_and_theme_are_the_same_options_wherever_a_command_is_about_a_place_or_theme(command):
    assert "--place" in _options(command)
    if command != "maturity":
        assert "--theme" in _options(command)
