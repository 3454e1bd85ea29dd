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
