"""The place briefing of one ICB (NHS West Yorkshire ICB): HTML and PDF, in the app and as a command.

In the app the inputs are already loaded (cached), so a click pays the briefing
alone: HTML with inline SVG, or the PDF (PNG images, printed by WeasyPrint).
Baselines, in the same run: the PDF printed from the SVG version (what a first
version would do: WeasyPrint draws every SVG path itself), and for the command
the interpreter with the project's imports and nothing else
(``python -m ecology --help``). Target: under 5 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import PROJECT_ROOT, Result, median_time

TITLE = "place briefing for one ICB: HTML and PDF in the app and as a command, vs SVG-printed PDF / bare command"
TARGET_S = 5.0
PLACE = "E54000054"
REPEAT = 3


def _command(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ecology", *args], cwd=PROJECT_ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def run(result: Result) -> None:
    from ecology.analysis import place_profile
    from ecology.register import startup
    from ecology.reports import briefing

    inputs = place_profile.load_inputs(startup.open_register(None))
    tables = place_profile.theme_tables(inputs, None)
    result.note(f"{PLACE}, all themes; in-app figures are the median of {REPEAT} runs with the inputs loaded")
    html_s, _, made = median_time(lambda: briefing.build(inputs, PLACE, None, tables=tables), REPEAT)
    result.add("in the app: HTML briefing", html_s, "s", target=TARGET_S,
               note=f"{len(made.html.encode()):,} bytes")
    pdf_s, _, pdf = median_time(lambda: briefing.to_pdf(
        briefing.build(inputs, PLACE, None, tables=tables, images="png").html), REPEAT)
    svg_pdf_s = median_time(lambda: briefing.to_pdf(briefing.build(inputs, PLACE, None, tables=tables).html), 1)[0]
    result.add("in the app: PDF briefing", pdf_s, "s", baseline=svg_pdf_s, baseline_label="PDF printed from SVG",
               target=TARGET_S, note=f"{len(pdf):,} bytes")
    with tempfile.TemporaryDirectory() as folder:
        bare = _command("--help")
        html_cmd = _command("briefing", "--place", PLACE, "--format", "html", "--out", str(Path(folder) / "b.html"))
        pdf_cmd = _command("briefing", "--place", PLACE, "--format", "pdf", "--out", str(Path(folder) / "b.pdf"))
    result.add("command: HTML briefing, start to file", html_cmd, "s", baseline=bare,
               baseline_label="python -m ecology --help", target=TARGET_S)
    result.add("command: PDF briefing, start to file", pdf_cmd, "s", baseline=bare,
               baseline_label="python -m ecology --help", target=TARGET_S)
