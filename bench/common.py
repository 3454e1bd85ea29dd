"""Shared pieces: figures, timing helpers, the results table."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# Where Leaflet draws: the app's maps in the page itself (the .eco-map element of
# ecology/ui/leaflet_map.js), the naive twins inside streamlit-folium's iframe. Two JavaScript
# functions, to put inside a page-side test: how many elements matching ``selector`` a map has
# drawn, and the map's element (or iframe) when there is one.
MAP_JS = """
function mapShapes(selector) {
  const here = document.querySelectorAll('.eco-map ' + selector);
  if (here.length) return here.length;
  const frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
  return frame && frame.contentDocument ? frame.contentDocument.querySelectorAll(selector).length : 0;
}
function mapElement() { return document.querySelector('.eco-map, iframe[title="streamlit_folium.st_folium"]'); }
"""
# Counts the app's map elements created since the page opened (a rebuilt map is a new one).
MAP_BUILDS_JS = """
window.__mapBuilds = 0;
new MutationObserver((changes) => { for (const change of changes) for (const node of change.addedNodes)
  if (node.nodeType === 1 && node.classList.contains('eco-map')) window.__mapBuilds++; })
  .observe(document, {childList: true, subtree: true});
"""


@dataclass
class Figure:
    """One measured figure, optionally with the baseline measured in the same run.

    ``value`` and ``baseline`` are in base units: seconds for unit "s", bytes for
    "B", plain numbers otherwise. ``target`` is an upper bound on ``value``.
    """

    measure: str
    value: float | int | str | None
    unit: str = ""
    baseline: float | int | None = None
    baseline_label: str = ""
    target: float | int | None = None
    note: str = ""

    @property
    def ok(self) -> bool | None:
        if self.target is None or not isinstance(self.value, (int, float)):
            return None
        return self.value < self.target

    @property
    def ratio(self) -> float | None:
        if isinstance(self.value, (int, float)) and isinstance(self.baseline, (int, float)) and self.baseline:
            return self.value / self.baseline
        return None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        data["ratio_to_baseline"] = None if self.ratio is None else round(self.ratio, 4)
        return data


@dataclass
class Result:
    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    def add(self, *args, **kwargs) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        print(f"  {figure.measure}: {fmt(figure.value, figure.unit)}"
              + (f"  (baseline {fmt(figure.baseline, figure.unit)}: {figure.baseline_label})"
                 if figure.baseline is not None else "")
              + (f"  target < {fmt(figure.target, figure.unit)} -> {'ok' if figure.ok else 'MISSED'}"
                 if figure.target is not None else ""),
              flush=True)
        return figure

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "seconds": round(self.seconds, 2),
                "error": self.error, "notes": self.notes, "figures": [f.as_dict() for f in self.figures]}


def fmt(value: object, unit: str) -> str:
    """Return a value for the table: seconds as s or ms, bytes with thousands separators."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "s":
        return f"{value * 1000:.1f} ms" if abs(value) < 1 else f"{value:.2f} s"
    if unit == "B":
        return f"{int(value):,} B"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")
    return f"{value:,}" + (f" {unit}" if unit else "")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Return (seconds, result) of one call."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_time(fn: Callable[[], object], repeat: int,
                budget_s: float | None = None) -> tuple[float, list[float], object]:
    """Return (median seconds, every time, last result) over ``repeat`` calls.

    With ``budget_s``, stop early (after at least one call) once the calls so
    far have taken that long, so a slow case cannot blow the run's time limit.
    """
    times, result = [], None
    for _ in range(repeat):
        seconds, result = timed(fn)
        times.append(seconds)
        if budget_s is not None and sum(times) >= budget_s:
            break
    return statistics.median(times), times, result


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set (or with None, remove) environment variables for the block, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_python() -> str:
    candidate = PROJECT_ROOT / ".venv" / "bin" / "python"
    if candidate.exists():
        return str(candidate)
    import sys

    return sys.executable


def table(results: list[Result]) -> str:
    """Return the compact results table."""
    header = ("benchmark", "measure", "value", "baseline", "x base", "target", "ok")
    rows = [header]
    for result in results:
        if result.error:
            rows.append((result.name, "ERROR", result.error.splitlines()[-1][:60], "", "", "", "FAIL"))
        for figure in result.figures:
            ratio = figure.ratio
            rows.append((
                result.name,
                figure.measure,
                fmt(figure.value, figure.unit),
                fmt(figure.baseline, figure.unit) if figure.baseline is not None else "",
                f"{ratio:.2f}" if ratio is not None else "",
                f"< {fmt(figure.target, figure.unit)}" if figure.target is not None else "",
                {None: "", True: "ok", False: "MISSED"}[figure.ok],
            ))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    right = {2, 3, 4, 5}
    lines = []
    for n, row in enumerate(rows):
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append(" | ".join(cells).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def timed_app_run(app, cpu_log: list[float]) -> float:
    """Run an AppTest once; return wall seconds and append its process CPU seconds to ``cpu_log``."""
    cpu = time.process_time()
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    cpu_log.append(time.process_time() - cpu)
    return seconds


# Any web or WebSocket address whose host is not 127.0.0.1 (userinfo, other ports and look-alike
# hosts such as 127.0.0.1.example.org included).
OUTSIDE_URL = re.compile(r"^(?:https?|wss?)://(?!127\.0\.0\.1(?::\d+)?/)", re.IGNORECASE)


def local_only_context(browser, init_script: str):
    """Return (context, aborted URLs): a fresh 1400x900 browser context running ``init_script``
    that aborts, and records, every request whose host is not 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    aborted: list[str] = []

    def route(route):
        aborted.append(route.request.url)
        route.abort()

    # A pattern the browser side matches, so only outside requests are stopped and reach this
    # process: a handler for every request (continuing the local ones) made each of a page's 140
    # requests wait for a round trip through Playwright, which no visitor's browser pays.
    context.route(OUTSIDE_URL, route)
    context.add_init_script(init_script)
    return context, aborted


def body_sizes(response) -> tuple[int, int]:
    """Return (decoded bytes, bytes as sent on the wire) of one Playwright response's body."""
    try:
        decoded = len(response.body())
    except Exception:  # redirects and aborted requests have no body
        decoded = 0
    try:
        wire = response.request.sizes()["responseBodySize"]
    except Exception:
        wire = decoded
    return decoded, max(wire, 0)
