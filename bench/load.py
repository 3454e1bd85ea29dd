"""Many users at once: 25 users using every page of one app server on 127.0.0.1 for two minutes.

One server as ``make run`` serves it (``serve.py``, its own SQLite register, seeded first, its
script runs timed inside it by ``bench/timed_server.py``). Users arrive one by one over RAMP_S, as
a morning's users do, then all use the app together for DURATION_S. BROWSERS of them are tabs of
one headless Chromium; the rest speak Streamlit's WebSocket protocol (``bench/protocol_session.py``):
the same messages a tab sends, nothing drawn, because on a small machine 25 renderers would take
the CPU the server needs. Each user opens a random page at a random place, then, pausing THINK_S
(a random 3-8 s, reading the page) between actions, switches page in the sidebar or picks another
place; each action is timed until it is done (a tab: until the app is idle and drawn). Errors
counted: an action not done within ACTION_TIMEOUT_MS, an exception on a page, a page (JavaScript)
error, an HTTP 5xx, a lost connection. The server's resident memory is sampled every half second
and the CPU split between the server and everything else is reported. Baselines, in the same run:
one browser user alone, then one WebSocket user alone, each for BASELINE_S.
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

TITLE = "25 users (a few in real browser tabs, the rest over the WebSocket) on one server for two minutes, vs one alone"
SESSIONS = int(os.environ.get("BENCH_LOAD_SESSIONS", "25"))
BROWSERS = int(os.environ.get("BENCH_LOAD_BROWSERS", "3"))  # of the sessions, those in a real browser
DURATION_S = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
BASELINE_S = 30.0
RAMP_S = float(os.environ.get("BENCH_LOAD_RAMP", "60"))  # users arrive one by one over this long, not at once
THINK_S = tuple(float(x) for x in os.environ.get("BENCH_LOAD_THINK", "3-8").split("-"))  # (least, most) seconds
PAGES = (("", "Overview"), ("Assets", "Assets"), ("Practitioners", "Practitioners"),
         ("ICS_maturity", "ICS maturity"), ("Coverage_gaps", "Coverage gaps"), ("Data", "Data"),
         ("About_and_sources", "About & sources"))
PLACES = ("Bradford", "NHS+West+Yorkshire+ICB", "Manchester", "North+West", "Cornwall", "Leeds",
          "NHS+Kent+and+Medway+ICB", "Birmingham")
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
PAGE_SWITCH_SHARE = 0.4  # of a user's actions, the rest being place changes
ACTION_TIMEOUT_MS = 60_000  # an action not drawn within a minute is an error: a user would have given up
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


async def _wait_idle(page) -> None:
    try:  # the rerun may start and end between two polls: waiting for it to start is best effort
        await page.wait_for_selector(RUNNING, state="attached", timeout=2_000)
    except Exception:
        pass
    await page.wait_for_selector(IDLE, state="attached", timeout=ACTION_TIMEOUT_MS)


async def _change_place(page, label: str) -> None:
    """Pick ``label`` in the sidebar's place box and wait until the rerun is drawn."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
    await box.click()
    await page.keyboard.type(label)
    await page.keyboard.press("Enter")
    await _wait_idle(page)


async def _open_page(page, title: str) -> None:
    """Click ``title`` in the sidebar's navigation (a page switch in the same session) and wait."""
    await page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).click()
    await page.wait_for_function(f"document.title.startsWith({title!r})", timeout=ACTION_TIMEOUT_MS)
    await _wait_idle(page)


async def _session(context, url: str, until: float, seed: int, timings: list, errors: list,
                   arrive_s: float = 0.0) -> None:
    """One user: open the app at a random page and place, then switch pages and places until ``until``."""
    rng = random.Random(seed)
    await asyncio.sleep(arrive_s)
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 500 else None)
    path, title = rng.choice(PAGES)
    started = time.perf_counter()
    try:
        await page.goto(f"{url}/{path}?place={rng.choice(PLACES)}", wait_until="domcontentloaded",
                        timeout=ACTION_TIMEOUT_MS)
        await page.wait_for_selector("h1", timeout=ACTION_TIMEOUT_MS)
        await page.wait_for_selector(IDLE, state="attached", timeout=ACTION_TIMEOUT_MS)
        timings.append(("load", time.perf_counter() - started))
    except Exception as error:  # a timeout is a figure here, not a crash of the benchmark
        errors.append(f"first load of {title}: {type(error).__name__}")
    try:
        while time.monotonic() < until:
            await asyncio.sleep(rng.uniform(*THINK_S))  # reading the page first
            if rng.random() < PAGE_SWITCH_SHARE:
                title = rng.choice([t for _, t in PAGES if t != title])
                kind, action = "switch", _open_page(page, title)
            else:
                kind, action = "rerun", _change_place(page, rng.choice(TYPED_PLACES))
            started = time.perf_counter()
            try:
                await action
            except Exception as error:
                errors.append(f"{kind} on {title}: {type(error).__name__}")
                continue
            timings.append((kind, time.perf_counter() - started))
            if await page.locator("[data-testid='stException']").count():
                errors.append(f"{title}: an exception box")
    finally:
        await page.close()


async def _protocol_session(url: str, until: float, seed: int, timings: list, errors: list,
                            arrive_s: float = 0.0) -> None:
    """One user whose tab is driven over the WebSocket (no drawing): the same actions and pauses."""
    from bench.protocol_session import ProtocolSession

    rng = random.Random(seed)
    await asyncio.sleep(arrive_s)
    path, title = rng.choice(PAGES)
    try:
        async with ProtocolSession(url, timeout_s=ACTION_TIMEOUT_MS / 1000) as session:
            outcome = await session.open(path, {"place": rng.choice(PLACES).replace("+", " ")})
            timings.append(("load", outcome.seconds))
            while time.monotonic() < until:
                await asyncio.sleep(rng.uniform(*THINK_S))
                if rng.random() < PAGE_SWITCH_SHARE:
                    path, title = rng.choice([page for page in PAGES if page[0] != path])
                    kind, action = "switch", session.switch_page(path)
                else:
                    kind, action = "rerun", session.choose_place(rng.choice(TYPED_PLACES))
                try:
                    timings.append((kind, (await action).seconds))
                except Exception as error:  # noqa: BLE001 (counted, and the user goes on)
                    errors.append(f"{kind} on {title}: {type(error).__name__}: {str(error)[:120]}")
    except Exception as error:  # noqa: BLE001 (a lost connection ends this user: an error)
        errors.append(f"session on {title}: {type(error).__name__}: {str(error)[:120]}")


async def _drive(url: str, *, browsers: int, protocol_users: int, seconds: float) -> dict[str, tuple[list, list]]:
    """Run ``browsers`` browser tabs and ``protocol_users`` WebSocket-driven users together for
    ``seconds`` after they arrive one by one over RAMP_S; return each kind's (timings, errors)."""
    from playwright.async_api import async_playwright

    found = {"browser": ([], []), "protocol": ([], [])}
    users = browsers + protocol_users
    ramp = RAMP_S if users > 1 else 0.0
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        # One browser profile: its tabs share the HTTP and compiled-code caches, as each real user's own
        # browser has them after a first visit; the server still sees one session per tab.
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        until = time.monotonic() + ramp + seconds
        # The browsers arrive among the others, spread over the ramp, so they meet the full load too.
        tasks = []
        for n in range(users):
            arrive = ramp * n / users
            if n % max(1, users // max(1, browsers)) == 0 and sum(kind == "browser" for kind, _ in tasks) < browsers:
                tasks.append(("browser", _session(context, url, until, n, *found["browser"], arrive_s=arrive)))
            else:
                tasks.append(("protocol", _protocol_session(url, until, n, *found["protocol"], arrive_s=arrive)))
        await asyncio.gather(*(task for _, task in tasks))
        await context.close()
        await browser.close()
    return found


def _server(register: str, rerun_log: Path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="bench-load-", suffix=".log")[1])
    env = {**os.environ, "ECOLOGY_DATABASE_URL": register, "PYTHONUNBUFFERED": "1"}
    with open(log, "w") as out:
        process = subprocess.Popen([venv_python(), "-m", "bench.timed_server", str(rerun_log), "run", "serve.py",
                                    "--server.headless", "true",
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
    values = sorted(seconds for what, seconds in timings if what == kind)
    if not values:
        return float("nan"), float("nan"), 0
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return statistics.median(values), p95, len(values)


def _cpu_seconds(pid: int) -> float:
    """Return the CPU seconds (user and system) a process and its children have used (Linux /proc)."""
    ticks = 0
    for task in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def _machine_cpu_seconds() -> float:
    """Return the CPU seconds the whole machine has been busy since boot (all cores, from /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in
                                                              Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class _Phase:
    """What one phase of the run cost: browser-observed timings, server script runs, CPU split."""

    def __init__(self, process, rerun_log: Path):
        self.process, self.rerun_log = process, rerun_log

    def __enter__(self):
        self.runs_before = len(self._runs())
        self.server_cpu, self.machine_cpu, self.wall = (_cpu_seconds(self.process.pid), _machine_cpu_seconds(),
                                                        time.monotonic())
        return self

    def __exit__(self, *_exc):
        self.wall = time.monotonic() - self.wall
        self.server_cpu = _cpu_seconds(self.process.pid) - self.server_cpu
        self.machine_cpu = _machine_cpu_seconds() - self.machine_cpu
        self.script_runs = [("server", wall) for wall, _cpu in self._runs()[self.runs_before:]]

    def _runs(self) -> list[tuple[float, float]]:
        try:
            return [tuple(float(v) for v in line.split()) for line in self.rerun_log.read_text().splitlines()]
        except OSError:
            return []


def _add_timings(result: Result, crowd: list, alone: list, who: str) -> None:
    for kind, words, plural in (("rerun", "place change", "place changes"), ("switch", "page switch", "page switches"),
                                ("load", "first page load", "first page loads")):
        alone_median, alone_p95, alone_n = _figures(alone, kind)
        median, p95, count = _figures(crowd, kind)
        label = f"{who} alone"
        result.add(f"{words}, {who}, median", median, "s", baseline=alone_median, baseline_label=label)
        result.add(f"{words}, {who}, 95th percentile", p95, "s", baseline=alone_p95, baseline_label=label)
        result.add(f"{plural} completed, {who}", count, baseline=alone_n, baseline_label=label)


def run(result: Result) -> None:
    from ecology.register import startup

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    url_db = f"sqlite:///{folder / 'register.sqlite3'}"
    startup.open_register(url_db).engine.dispose()  # seeded before the server starts
    rerun_log = folder / "script-runs.txt"
    process, url, log = _server(url_db, rerun_log)
    sampler = _Sampler(process.pid)
    sampler.start()
    browsers = min(BROWSERS, SESSIONS)
    try:
        asyncio.run(_drive(url, browsers=1, protocol_users=0, seconds=5))  # warm every cache once
        idle_kb = _rss_kb(process.pid)
        with _Phase(process, rerun_log) as alone_phase:
            alone = asyncio.run(_drive(url, browsers=1, protocol_users=0, seconds=BASELINE_S))["browser"]
            alone_protocol = asyncio.run(_drive(url, browsers=0, protocol_users=1, seconds=BASELINE_S))["protocol"]
        with _Phase(process, rerun_log) as crowd_phase:
            crowd = asyncio.run(_drive(url, browsers=browsers, protocol_users=SESSIONS - browsers,
                                       seconds=DURATION_S))
    finally:
        sampler.running = False
        process.terminate()
        process.wait(timeout=20)
    _add_timings(result, crowd["browser"][0], alone[0], "in a browser")
    _add_timings(result, crowd["protocol"][0], alone_protocol[0], "over the WebSocket")
    alone_median, alone_p95, alone_n = _figures(alone_phase.script_runs, "server")
    median, p95, count = _figures(crowd_phase.script_runs, "server")
    result.add("server script run (every rerun), median", median, "s", baseline=alone_median,
               baseline_label="users alone")
    result.add("server script run (every rerun), 95th percentile", p95, "s", baseline=alone_p95,
               baseline_label="users alone")
    result.add("server script runs", count, baseline=alone_n, baseline_label="users alone")
    for phase, label in ((alone_phase, "users alone (one at a time)"), (crowd_phase, f"{SESSIONS} users")):
        busy = phase.machine_cpu / phase.wall / (os.cpu_count() or 1)
        result.note(f"{label}: {phase.wall:.0f} s; the machine was {busy:.0%} busy; the server used "
                    f"{phase.server_cpu:.0f} CPU-s ({phase.server_cpu / phase.wall:.0%} of a core), everything "
                    f"else (the browser, mostly) {phase.machine_cpu - phase.server_cpu:.0f} CPU-s.")
    result.note(f"{SESSIONS} users together for {DURATION_S:.0f} s after arriving one by one over {RAMP_S:g} s: "
                f"{browsers} in tabs of one headless Chromium, {SESSIONS - browsers} driven over the WebSocket "
                "(the same protocol, the same actions, nothing drawn). Each opens a random page at a random "
                f"place, then, pausing {THINK_S[0]:g}-{THINK_S[1]:g} s between actions, switches page "
                f"({PAGE_SWITCH_SHARE:.0%} of actions) or picks a new place; each action is timed until it is done "
                f"(in a browser: until the app is idle and drawn), and one not done within "
                f"{ACTION_TIMEOUT_MS / 1000:.0f} s is an error. Baselines: one browser user alone for "
                f"{BASELINE_S:.0f} s, then one WebSocket user alone for {BASELINE_S:.0f} s. The server's own "
                "script runs are timed inside it.")
    all_errors = crowd["browser"][1] + crowd["protocol"][1]
    result.add("errors", len(all_errors), baseline=len(alone[1]) + len(alone_protocol[1]),
               baseline_label="users alone", note="; ".join(sorted(set(all_errors))[:5]))
    result.add("server memory, peak", sampler.peak * 1024, "B", baseline=idle_kb * 1024,
               baseline_label="after warming, idle")
    log.unlink(missing_ok=True)
