"""Many users at once: browser sessions using every page of one app server on 127.0.0.1.

One ``streamlit run`` server (its own SQLite register, seeded first) and one headless Chromium;
SESSIONS browser contexts each loop for DURATION_S over every page with a different place each
time (a full page load, then a place change inside the page), timing each until the app is idle
again (the script has run and the page is drawn; what a user waits for). Errors counted: an
exception box on a page, a page (JavaScript) error, a failed response. The server's resident
memory is sampled every half second. Baseline, in the same run: one session alone doing the same
for BASELINE_S. Figures go to the results table; ``bench/RESULTS.md`` records a run.

Users arrive one by one over RAMP_S (60 s), as a morning's users do, then all use it together for
DURATION_S. Each user pauses THINK_S (a random 3-8 s) between actions, as people read a page before the next
click. The browsers share the machine with the server; so that the figures are the server's and
not the renderers', the server runs at a higher CPU priority (nice -10, when the benchmark may set
it), which stands in for the browsers being on other machines.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench.common import PROJECT_ROOT, Result, free_port, venv_python

TITLE = "load: 25 browser sessions using every page of one server for two minutes, vs one session alone"
SESSIONS = int(os.environ.get("BENCH_LOAD_SESSIONS", "25"))
DURATION_S = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
BASELINE_S = 30.0
RAMP_S = float(os.environ.get("BENCH_LOAD_RAMP", "60"))  # users arrive one by one over this long, not at once
THINK_S = tuple(float(x) for x in os.environ.get("BENCH_LOAD_THINK", "3-8").split("-"))  # (least, most) seconds
PAGES = ("", "Assets", "Practitioners", "ICS_maturity", "Coverage_gaps", "Data", "About_and_sources")
PLACES = ("Bradford", "NHS+West+Yorkshire+ICB", "Manchester", "North+West", "Cornwall", "Leeds",
          "NHS+Kent+and+Medway+ICB", "Birmingham")
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
RERUNS = 3
TYPED_PLACES = ("Bradford", "Leeds", "Manchester", "Cornwall", "Birmingham", "Kirklees")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _rss_kb(pid: int) -> int:
    """Return the resident memory of a process and its children, in kB (Linux /proc)."""
    total = 0
    for task in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{task}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class _Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.samples, self.running = pid, 0, [], True

    def run(self) -> None:
        while self.running:
            rss = _rss_kb(self.pid)
            self.samples.append(rss)
            self.peak = max(self.peak, rss)
            time.sleep(0.5)


async def _change_place(page, label: str) -> float | None:
    """Pick ``label`` in the sidebar's place box; return seconds until the rerun is drawn."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
    started = time.perf_counter()
    try:
        await box.click()
        await page.keyboard.type(label)
        await page.keyboard.press("Enter")
        try:  # the rerun may start and end between two polls: waiting for it to start is best effort
            await page.wait_for_selector(RUNNING, state="attached", timeout=2_000)
        except Exception:
            pass
        await page.wait_for_selector(IDLE, state="attached", timeout=120_000)
    except Exception:
        return None
    return time.perf_counter() - started


async def _session(browser, url: str, until: float, seed: int, timings: list, errors: list,
                   arrive_s: float = 0.0) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(arrive_s)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 500 else None)
    try:
        while time.monotonic() < until:
            path = rng.choice(PAGES)
            place = rng.choice(PLACES)
            started = time.perf_counter()
            try:
                await page.goto(f"{url}/{path}?place={place}", wait_until="domcontentloaded", timeout=120_000)
                await page.wait_for_selector("h1", timeout=120_000)
                await page.wait_for_selector(IDLE, state="attached", timeout=120_000)
            except Exception as error:  # a timeout is a figure here, not a crash of the benchmark
                errors.append(f"{path or 'Overview'} ({place}): {type(error).__name__}")
                continue
            timings.append(("load", time.perf_counter() - started))
            for _ in range(RERUNS):  # then change the place in the sidebar: a rerun, as a user clicks
                await asyncio.sleep(rng.uniform(*THINK_S))  # reading the page first
                seconds = await _change_place(page, rng.choice(TYPED_PLACES))
                if seconds is None:
                    errors.append(f"{path or 'Overview'}: a place change did not finish")
                else:
                    timings.append(("rerun", seconds))
            if await page.locator("[data-testid='stException']").count():
                errors.append(f"{path or 'Overview'} ({place}): an exception box")
            await asyncio.sleep(rng.uniform(*THINK_S))
    finally:
        await context.close()


async def _drive(url: str, sessions: int, seconds: float) -> tuple[list, list]:
    from playwright.async_api import async_playwright

    timings, errors = [], []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ramp = RAMP_S if sessions > 1 else 0.0
        until = time.monotonic() + ramp + seconds
        await asyncio.gather(*(_session(browser, url, until, n, timings, errors, arrive_s=ramp * n / sessions)
                               for n in range(sessions)))
        await browser.close()
    return timings, errors


def _server(register: str):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="bench-load-", suffix=".log")[1])
    env = {**os.environ, "ECOLOGY_DATABASE_URL": register, "PYTHONUNBUFFERED": "1"}
    with open(log, "w") as out:
        process = subprocess.Popen([venv_python(), "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                    "--server.address", "127.0.0.1", "--server.port", str(port),
                                    "--server.fileWatcherType", "none"], cwd=PROJECT_ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return process, url, log
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the server did not start: {log.read_text()[-1500:]}")


def _figures(timings: list, kind: str) -> tuple[float, float, int]:
    loads = sorted(seconds for what, seconds in timings if what == kind)
    if not loads:
        return float("nan"), float("nan"), 0
    p95 = loads[min(len(loads) - 1, int(round(0.95 * (len(loads) - 1))))]
    return statistics.median(loads), p95, len(loads)


def run(result: Result) -> None:
    from ecology.register import startup

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    url_db = f"sqlite:///{folder / 'register.sqlite3'}"
    startup.open_register(url_db).engine.dispose()  # seeded before the server starts
    process, url, log = _server(url_db)
    try:
        os.setpriority(os.PRIO_PROCESS, process.pid, -10)
        priority = "server at nice -10"
    except OSError:
        priority = "server at normal priority (raising it needs root)"
    sampler = _Sampler(process.pid)
    sampler.start()
    try:
        asyncio.run(_drive(url, 1, 5))  # warm every cache once, as a server that has run a while
        idle_kb = _rss_kb(process.pid)
        alone, alone_errors = asyncio.run(_drive(url, 1, BASELINE_S))
        crowd, errors = asyncio.run(_drive(url, SESSIONS, DURATION_S))
    finally:
        sampler.running = False
        process.terminate()
        process.wait(timeout=20)
    for kind, words, plural in (("rerun", "place change (rerun)", "place changes"), ("load", "page load", "page loads")):
        alone_median, alone_p95, alone_n = _figures(alone, kind)
        median, p95, count = _figures(crowd, kind)
        result.add(f"{words}, median", median, "s", baseline=alone_median, baseline_label="one session alone")
        result.add(f"{words}, 95th percentile", p95, "s", baseline=alone_p95, baseline_label="one session alone")
        result.add(f"{plural} completed", count, baseline=alone_n, baseline_label="one session alone")
    result.note(f"{SESSIONS} sessions for {DURATION_S:.0f} s, one session alone for {BASELINE_S:.0f} s; each page "
                f"is loaded (a new session) and then its place changed {RERUNS} times in the sidebar, each timed "
                "until the app is idle again (browser-observed: the server rerun, the network and drawing); "
                f"each user pauses {THINK_S[0]:g}-{THINK_S[1]:g} s between actions; the users arrive one by one over "
                f"{RAMP_S:g} s, then all {SESSIONS} use it together; {priority}.")
    result.add("errors", len(errors), baseline=len(alone_errors), baseline_label="one session alone",
               note="; ".join(sorted(set(errors))[:5]))
    result.add("server memory, peak", sampler.peak * 1024, "B", baseline=idle_kb * 1024,
               baseline_label="after warming, idle")
    log.unlink(missing_ok=True)
