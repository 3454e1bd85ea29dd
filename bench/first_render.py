"""Time from ``streamlit run`` to the Overview fully drawn in Chromium.

The clock starts when the server process is started (Chromium is launched
before, so its own start-up is not counted). Steps: poll ``/_stcore/health``,
open the page, stop when the app reports ``notRunning`` AND the map holds
42 ``path.leaflet-interactive`` (every ICB drawn). Then more page loads on the
warm server, each in a fresh browser context (a new user: empty browser cache).

Measured four ways in one run: the app as ``make run`` serves it (``streamlit run serve.py``:
static files compressed once, preload hints, the Overview warmed in the background), first with an
empty snapshots folder (a first start: nothing kept on disk by an earlier server, ``ecology.snapshots``)
and then again with what that start kept (a restart, the measured run); the same pages under a
plain ``streamlit run app.py``; and the floor, a one-line Streamlit script. Targets: first full
render under 4 s, and within 1.3x of the one-line script.

Bytes: every HTTP response body (decoded, and as sent on the wire) plus every
websocket message the browser received; the map's payload is the websocket
message carrying the Leaflet script. Requests to any host but 127.0.0.1 are
aborted and counted.

Also timed, each against a target of 300 ms in the browser beyond the server's own script run: a
place change picked in the sidebar, from the click on the option to the new title and map drawn,
with the HTTP cache on as for a real user (so outside requests there are counted, not aborted); and
a page switch by the sidebar's links, each a second after the page before was drawn.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from bench.common import (MAP_BUILDS_JS, MAP_JS, PROJECT_ROOT, Result, body_sizes, free_port, local_only_context,
                          venv_python)

TITLE = "streamlit run -> Overview fully rendered in Chromium, vs a one-line script"
TARGET_S = 4.0
TARGET_RATIO = 1.3  # first full render, ours / the one-line script
WARM_BEYOND_SERVER_S = 0.3  # a place change in the browser, less the server's script run
N_ICBS = 42
WARM_LOADS = 3
# Manchester (local authority), North West (region), NHS Greater Manchester ICB, England.
PLACE_CHANGES = ("E08000003", "E40000014", "E54000057", "E92000001")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TRIVIAL_TEXT = "Hello from the baseline script"

APP_READY = """() => {%s
  if (!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")) return false;
  return mapShapes('path.leaflet-interactive') === %d;
}""" % (MAP_JS, N_ICBS)
TRIVIAL_READY = """() => !!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
  && document.body.innerText.includes(%r)""" % TRIVIAL_TEXT

# Page-side milestones (ms since navigation start), recorded every animation frame.
MILESTONES = """
if (window.top === window) {
  window.__bench = {};
  const mark = (k, test) => { if (!(k in window.__bench) && test()) window.__bench[k] = Math.round(performance.now()); };
%s
  const tick = () => {
    mark('script running', () => document.querySelector("[data-testid='stApp'][data-test-script-state='running']"));
    mark('title shown', () => document.querySelector("h1"));
    mark('script finished', () => document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
         && ('script running' in window.__bench));
    mark('map element', () => mapElement());
    mark('leaflet drawn', () => mapShapes('path.leaflet-interactive') > 0);
    if (!('leaflet drawn' in window.__bench)) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
""" % MAP_JS


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return time.perf_counter()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)  # polling interval: the figure is precise to about this
    raise RuntimeError(f"no healthy server after {timeout} s: {log.read_text()[-2000:]}")


def _category(url: str) -> str:
    path = urlparse(url).path
    if path.startswith("/component/"):
        return "component frontend"
    if path.startswith("/app/static/"):
        return "app static (Leaflet)"
    if path.startswith("/static/") or path.startswith("/_stcore/"):
        return "streamlit frontend"
    return "page"


def _load(browser, url: str, ready_js: str) -> dict:
    """Open the page in a fresh context; return when it is ready, with bytes and milestones."""
    context, aborted = local_only_context(browser, MILESTONES)
    page = context.new_page()
    responses, frames = [], []
    page.on("response", lambda response: responses.append(response))
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    started = time.perf_counter()
    try:
        page.goto(url)
        page.wait_for_function(ready_js, polling="raf", timeout=60_000)
        ready = time.perf_counter()
        milestones = page.evaluate("() => window.__bench || {}")
        by_category: dict[str, dict[str, int]] = {}
        for response in responses:
            body, wire = body_sizes(response)
            entry = by_category.setdefault(_category(response.url), {"requests": 0, "body": 0, "wire": 0})
            entry["requests"] += 1
            entry["body"] += body
            entry["wire"] += wire
        sizes = [len(f.encode() if isinstance(f, str) else f) for f in frames]
        map_frames = [n for f, n in zip(frames, sizes)
                      if (b"L.map(" in f if isinstance(f, bytes) else "L.map(" in f)]
    finally:
        context.close()
    return {"started": started, "ready": ready, "seconds": ready - started, "milestones": milestones,
            "http": by_category, "ws_bytes": sum(sizes), "ws_messages": len(sizes),
            "map_payload": sum(map_frames), "map_messages": len(map_frames), "aborted": aborted,
}


PLACE_READY = """([label, paths]) => {%s
  if (!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")) return false;
  const title = document.querySelector('h1');
  if (!title || title.innerText.trim() !== label) return false;
  return mapShapes('path.leaflet-interactive') === paths;
}""" % MAP_JS


def _server_runs(run_log: Path | None) -> list[float]:
    """Return the wall seconds of every script run the server has logged so far (bench.timed_server)."""
    if run_log is None or not run_log.exists():
        return []
    return [float(line.split()[0]) for line in run_log.read_text().splitlines() if line.strip()]


def _place_changes(browser, url: str, changes: list[tuple[str, int]], run_log: Path | None = None) -> dict:
    """Pick places in the sidebar's Place box; time each from the click on the
    option to the new title and map (42 ICBs + the place's local authorities) drawn,
    and the server's own script runs for it (when ``run_log`` is given)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    # No route() here: routing turns the HTTP cache off, and a user changing
    # place has Leaflet cached. Outside requests are
    # counted (in "outside requests aborted") rather than aborted.
    outside: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: outside.append(request.url)
            if urlparse(request.url).hostname not in ("127.0.0.1", None) else None)
    page.add_init_script(MAP_BUILDS_JS)
    try:
        page.goto(url)
        page.wait_for_function(PLACE_READY, arg=["England", N_ICBS], polling="raf", timeout=60_000)
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Place")
        times, server = [], []
        builds_before = page.evaluate("() => window.__mapBuilds")
        for label, paths in changes:
            box.locator("input").click()
            box.locator("input").fill(label)
            option = page.get_by_role("option", name=label, exact=True)
            option.wait_for()
            runs_before = len(_server_runs(run_log))
            started = time.perf_counter()
            option.click()
            page.wait_for_function(PLACE_READY, arg=[label, paths], polling="raf", timeout=60_000)
            times.append(time.perf_counter() - started)
            server.append(sum(_server_runs(run_log)[runs_before:]))
        rebuilds = page.evaluate("() => window.__mapBuilds") - builds_before
    finally:
        context.close()
    return {"times": times, "server": server, "map_rebuilds": rebuilds, "aborted": outside}


PAGE_READY = """(title) => {%s
  if (!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")) return false;
  const heading = document.querySelector("[data-testid='stMain'] h1");
  if (!heading || heading.innerText.trim() !== title) return false;
  return !mapElement() || mapShapes('path.leaflet-interactive') > 0;
}""" % MAP_JS
# Sidebar link -> the page's title; from the Overview at England and back to it.
PAGE_SWITCHES = (("Coverage gaps", "Coverage gaps"), ("ICS maturity", "ICS maturity"),
                 ("Practitioners", "Practitioners"), ("Overview", "England"))
# A visitor looks at a page before leaving it: each switch starts this long after the page before
# was drawn (without it, a switch also paid for whatever the last page was still doing).
READ_BEFORE_SWITCH_MS = 1000


def _page_switches(browser, url: str, run_log: Path | None) -> dict:
    """Switch pages with the sidebar's links, each ``READ_BEFORE_SWITCH_MS`` after the last page was
    drawn; time each from the click to the new page's title, idle, and its map drawn (when it has
    one), and the server's own script runs for it."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    times, server = [], []
    try:
        page.goto(url)
        page.wait_for_function(PAGE_READY, arg="England", polling="raf", timeout=60_000)
        for link, title in PAGE_SWITCHES:
            page.wait_for_timeout(READ_BEFORE_SWITCH_MS)
            runs_before = len(_server_runs(run_log))
            started = time.perf_counter()
            page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click()
            page.wait_for_function(PAGE_READY, arg=title, polling="raf", timeout=60_000)
            times.append(time.perf_counter() - started)
            server.append(sum(_server_runs(run_log)[runs_before:]))
    finally:
        context.close()
    return {"times": times, "server": server}


def _add_timed_actions(result: Result, name: str, timed: dict, note: str, *, server_note: str = "") -> None:
    """Add an action's browser time (median), the server's script run for it, and the browser time
    beyond that run (against ``WARM_BEYOND_SERVER_S``); ``timed`` holds "times" and "server" in s."""
    result.add(name, statistics.median(timed["times"]), "s", note=note)
    result.add("  server script run for it", statistics.median(timed["server"]), "s",
               note=f"{server_note}{[round(t, 3) for t in timed['server']]}")
    beyond = [total - server for total, server in zip(timed["times"], timed["server"])]
    result.add("  browser time beyond the server run", statistics.median(beyond), "s", target=WARM_BEYOND_SERVER_S,
               note=f"{[round(t, 3) for t in beyond]}")


def _measure(browser, cwd: Path, script: str, ready_js: str, extra: list[str],
             changes: list[tuple[str, int]] | None = None, env: dict[str, str] | None = None) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="bench-streamlit-", suffix=".log")[1])
    # With place changes to time, the server logs its own script runs (one patched method).
    run_log = Path(tempfile.mkstemp(prefix="bench-runs-", suffix=".log")[1]) if changes else None
    launcher = ["-m", "bench.timed_server", str(run_log)] if run_log else ["-m", "streamlit"]
    command = [venv_python(), *launcher, "run", script, "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port), *extra]
    with open(log, "w") as out:
        t0 = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    try:
        healthy = _wait_healthy(url, process, log) - t0
        first = _load(browser, url, ready_js)
        warm = [_load(browser, url, ready_js) for _ in range(WARM_LOADS)]
        places = _place_changes(browser, url, changes, run_log) if changes else None
        switches = _page_switches(browser, url, run_log) if changes else None
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)
        if run_log:
            run_log.unlink(missing_ok=True)
    return {"health": healthy, "first_render": first["ready"] - t0, "first": first, "warm": warm,
            "second": warm[0]["seconds"], "warm_median": statistics.median(w["seconds"] for w in warm),
            "places": places, "switches": switches}


def run(result: Result) -> None:
    from playwright.sync_api import sync_playwright

    from ecology.places import geography

    tree = geography.PlaceTree.from_table(geography.place_table())
    changes = [(tree.label(code), N_ICBS + (0 if code == geography.ENGLAND_CODE else len(tree.lads_within(code))))
               for code in PLACE_CHANGES]
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="bench-trivial-") as tmp:
        started = time.perf_counter()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        result.add("chromium launch (not counted)", time.perf_counter() - started, "s")
        try:
            trivial_script = Path(tmp) / "trivial.py"
            trivial_script.write_text(f"import streamlit as st\nst.write({TRIVIAL_TEXT!r})\n")
            # The app's .streamlit/config.toml turns usage stats off; the trivial
            # script's folder has none, so say it on the command line.
            trivial = _measure(browser, Path(tmp), "trivial.py", TRIVIAL_READY,
                               ["--browser.gatherUsageStats", "false"])
            plain = _measure(browser, PROJECT_ROOT, "app.py", APP_READY, [], env={"ECOLOGY_SNAPSHOTS_DIR": f"{tmp}/plain"})
            # The app's first start, with an empty snapshots folder: nothing kept from an earlier server.
            # Then the measured run, a restart: what that first start kept on disk is read back.
            kept = {"ECOLOGY_SNAPSHOTS_DIR": f"{tmp}/kept"}
            first_start = _measure(browser, PROJECT_ROOT, "serve.py", APP_READY, [], env=kept)
            app = _measure(browser, PROJECT_ROOT, "serve.py", APP_READY, [], changes, env=kept)
        finally:
            browser.close()

    # Part of the first run: the app's own imports, paid once per server process.
    probe = subprocess.run(
        [venv_python(), "-c",
         "import time; t0 = time.perf_counter(); import streamlit; t1 = time.perf_counter(); "
         "import ecology.ui.shell, ecology.ui.mapview, ecology.analysis.overview; t2 = time.perf_counter(); "
         "print(t1 - t0, t2 - t1)"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    try:
        streamlit_s, app_s = map(float, probe.stdout.split()[-2:])
        result.add("app imports (fresh process)", app_s, "s", baseline=streamlit_s,
                   baseline_label="import streamlit", note="geopandas, folium, streamlit_folium, ecology.*")
    except ValueError:
        result.note(f"import probe failed: {probe.stderr[-500:]}")
    result.add("server healthy", app["health"], "s", baseline=trivial["health"], baseline_label="one-line script")
    result.add("first full render", app["first_render"], "s", baseline=trivial["first_render"],
               baseline_label="one-line script", target=TARGET_S, note="streamlit run serve.py")
    result.add("first full render / one-line script", app["first_render"] / trivial["first_render"], "x",
               target=TARGET_RATIO, note="a restart: the snapshots and packed files of the first start are read back")
    result.add("first full render, first start", first_start["first_render"], "s",
               baseline=trivial["first_render"], baseline_label="one-line script",
               note="serve.py with no snapshots kept (after installing, or after any change to the code)")
    result.add("first full render, plain streamlit run app.py", plain["first_render"], "s",
               baseline=trivial["first_render"], baseline_label="one-line script",
               note="no compression, no warm start, no snapshots kept: what serve.py improves on")
    plain_wire = sum(c["wire"] for c in plain["first"]["http"].values())
    result.add("  HTTP on the wire, plain app.py", plain_wire, "B")
    result.add("second load (warm server)", app["second"], "s", baseline=trivial["second"],
               baseline_label="one-line script")
    result.add(f"warm load median of {WARM_LOADS}", app["warm_median"], "s", baseline=trivial["warm_median"],
               baseline_label="one-line script",
               note=f"runs {[round(w['seconds'], 2) for w in app['warm']]}")
    places = app["places"]
    _add_timed_actions(result, "place change in browser", places,
                       f"click on option -> title and map redrawn; {[round(t, 3) for t in places['times']]} "
                       f"for {[label for label, _ in changes]}",
                       server_note="the server's own runs (bench.timed_server): ")
    switches = app["switches"]
    _add_timed_actions(result, "page switch in browser", switches,
                       f"sidebar link ({READ_BEFORE_SWITCH_MS} ms after the last page was drawn) -> title, idle, "
                       f"map drawn; {[round(t, 3) for t in switches['times']]} for {[link for link, _ in PAGE_SWITCHES]}")
    result.note(f"place changes: the map was built afresh {places['map_rebuilds']} times for {len(changes)} "
                "changes (0: the map is kept and its layers swapped)")
    ms = app["first"]["milestones"]
    result.note("first load milestones, ms after opening the page (opened "
                f"{app['first_render'] - app['first']['seconds']:.2f} s after process start): {ms}")
    result.note(f"warm load milestones: {app['warm'][0]['milestones']}")

    for label, run_ in (("first load", app["first"]), ("baseline first load", trivial["first"])):
        http = run_["http"]
        body = sum(c["body"] for c in http.values())
        wire = sum(c["wire"] for c in http.values())
        if label == "first load":
            base_http = trivial["first"]["http"]
            result.add("bytes to browser (HTTP bodies + ws)", body + run_["ws_bytes"], "B",
                       baseline=sum(c["body"] for c in base_http.values()) + trivial["first"]["ws_bytes"],
                       baseline_label="one-line script")
            result.add("  HTTP on the wire", wire, "B",
                       baseline=sum(c["wire"] for c in base_http.values()), baseline_label="one-line script",
                       note=f"{sum(c['requests'] for c in http.values())} requests")
            result.add("  websocket messages", run_["ws_bytes"], "B", baseline=trivial["first"]["ws_bytes"],
                       baseline_label="one-line script", note=f"{run_['ws_messages']} messages")
            result.add("  map component payload", run_["map_payload"], "B",
                       note=f"{run_['map_messages']} websocket message(s) carrying the Leaflet script")
            for category, entry in sorted(http.items()):
                result.add(f"  HTTP {category}", entry["body"], "B",
                           note=f"{entry['requests']} requests, {entry['wire']:,} B on the wire")
        result.note(f"{label}: HTTP {body:,} B decoded / {wire:,} B wire, websocket {run_['ws_bytes']:,} B, "
                    f"aborted outside requests: {len(run_['aborted'])}")
    aborted = app["first"]["aborted"] + [u for w in app["warm"] for u in w["aborted"]] + app["places"]["aborted"]
    result.add("outside requests", len(aborted), "", note="aborted (counted only during place changes): "
               + ", ".join(aborted[:5]))
