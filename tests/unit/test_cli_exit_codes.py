"""The command line's exit-code rule: 3 for a fault, in one line, with the traceback in a log file."""

from __future__ import annotations

import re
from pathlib import Path

from ecology import maturity_cli
from ecology.__main__ import main


def test_a_fault_in_a_command_is_one_line_with_exit_3_and_the_traceback_in_a_log(monkeypatch, capsys):
    def broken(_args):
        raise KeyError("a bug")

    monkeypatch.setattr(maturity_cli, "run", broken)
    monkeypatch.delenv("ECOLOGY_RAISE_PAGE_ERRORS", raising=False)
    assert main(["maturity"]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    log = Path(re.search(r"The details are in (\S+\.log):", err).group(1))
    assert "KeyError: 'a bug'" in log.read_text(encoding="utf-8")
    log.unlink()


def test_a_read_only_command_never_makes_a_register_and_says_how_to_make_one(tmp_path, capsys):
    missing = tmp_path / "none.sqlite3"
    for command in (["gaps"], ["clusters"], ["maturity"], ["assets"], ["briefing", "--place", "E92000001"]):
        assert main([*command, "--database", f"sqlite:///{missing}"]) == 2, command
        err = capsys.readouterr().err
        assert err.startswith(f"error: There is no register at sqlite:///{missing} yet: start the app once"), err
        assert not missing.exists()  # nothing was created


def test_a_read_only_command_leaves_an_older_register_as_it_was(tmp_path, capsys):
    from ecology import store

    path = tmp_path / "old.sqlite3"
    engine = store.make_engine(f"sqlite:///{path}")
    store.migrate(engine, target="0001")
    engine.dispose()
    before = path.read_bytes()
    assert main(["clusters", "--database", f"sqlite:///{path}"]) == 2
    assert "at schema revision 0001, older than" in capsys.readouterr().err
    assert path.read_bytes() == before
