"""Fixtures for the browser tests: a running streamlit server and Debian's Chromium.

Every page opened here aborts (and records) each request to a host other than
127.0.0.1, so a page that needs the internet fails its test instead of hanging.
Nothing here sleeps to wait: servers are polled on /_stcore/health and pages
are waited on through locators with timeouts.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:  # the tests import ecology.site for the page list
    sys.path.insert(0, str(PROJECT_ROOT))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOST = "127.0.0.1"
SERVER_START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 15_000  # expect()'s own default (5 s) was too short for a first map draw here

expect.set_options(timeout=EXPECT_TIMEOUT_MS)

# Selectors shared by the tests.
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAP_AREA = ".eco-map"  # the element Leaflet draws in (ecology/ui/leaflet_map.js), in the page itself
MAP_SHAPES = "path.leaflet-interactive"


def _venv_python() -> str:
    candidate = PROJECT_ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    process: subprocess.Popen
    log: Path  # the server's stderr (and stdout)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode(errors="replace").strip()
    except (urllib.error.URLError, OSError):
        return None


def _start_server(tiles: str | None, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start `streamlit run serve.py` (the app as `make run` serves it) on a free port; yield it once
    healthy; kill it after.

    ``extra_env`` (e.g. ECOLOGY_BUILD_DIR) is added to the server's environment.
    """
    port = _free_port()
    # Tiles and editor sign-in come only from the test that asks for them.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOLOGY_TILES", "ECOLOGY_EDITOR_"))}
    if tiles is not None:
        env["ECOLOGY_TILES"] = tiles
    env.update(extra_env or {})
    log = Path(tempfile.mkstemp(prefix=f"streamlit-{port}-", suffix=".log")[1])
    command = [_venv_python(), "-m", "streamlit", "run", "serve.py", "--server.headless", "true",
               "--server.address", LOCAL_HOST, "--server.port", str(port),
               # Edits to the code during a run must not put a "file changed" bar over the page.
               "--server.fileWatcherType", "none"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=sink, stderr=sink,
                                   stdin=subprocess.DEVNULL)
    server = Server(f"http://{LOCAL_HOST}:{port}", process, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with code {process.returncode} before answering "
                            f"/_stcore/health. Its output:\n{server.log_text()}", pytrace=False)
            if _health(server.url) == "ok":
                break
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer 'ok' on {server.url}/_stcore/health within "
                            f"{SERVER_START_TIMEOUT_S} s. Its output:\n{server.log_text()}", pytrace=False)
            _pause_between_polls(process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.unlink(missing_ok=True)


def _pause_between_polls(process: subprocess.Popen) -> None:
    """Wait a quarter second between health polls, returning early if the server exits."""
    try:
        process.wait(timeout=0.25)
    except subprocess.TimeoutExpired:
        pass


@pytest.fixture(scope="session")
def app_server() -> Iterator[Server]:
    """The app as a user runs it: ECOLOGY_TILES unset, so the map uses the local blank tile."""
    yield from _start_server(tiles=None)


@pytest.fixture(scope="module")
def osm_server() -> Iterator[Server]:
    """The app configured with OpenStreetMap tiles (ECOLOGY_TILES=osm)."""
    yield from _start_server(tiles="osm")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, driven by Playwright's sync API. Missing Chromium fails, never skips."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's chromium package "
                    "(sudo apt-get install chromium, or `make chromium`).", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# True when the topmost element at the middle of el's visible part is not el or inside it.
_COVERED_JS = """el => {
    const r = el.getBoundingClientRect();
    const x = (Math.max(r.left, 0) + Math.min(r.right, window.innerWidth)) / 2;
    const y = (Math.max(r.top, 0) + Math.min(r.bottom, window.innerHeight)) / 2;
    const hit = document.elementFromPoint(x, y);
    return !(hit && (hit === el || el.contains(hit)));
}"""


@dataclass
class Tab:
    """One page in its own browser context, with what it did recorded."""

    page: object  # playwright.sync_api.Page
    outside_requests: list[str] = field(default_factory=list)  # aborted: host was not 127.0.0.1
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, source url)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[tuple[int, str]] = field(default_factory=list)  # (status >= 400, url)

    def open(self, url: str) -> None:
        """Go to url and wait until Streamlit has finished running the script."""
        self.page.goto(url, wait_until="domcontentloaded")
        self.wait_idle()

    def wait_idle(self) -> None:
        """Wait until Streamlit reports the script is not running (after a load or rerun)."""
        self.page.locator(APP_IDLE).wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)

    def assert_clean(self) -> None:
        """Assert no failed response, console or page error, and no request to another host. A page
        opened at its own address makes no start-up probe either (preload.base_address_script)."""
        assert self.failed_responses == []
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.outside_requests == []

    def map_area(self):
        """The map's element, where Leaflet draws (the page's only map)."""
        return self.page.locator(MAP_AREA)

    def map_shapes(self):
        """Leaflet's vector shapes (one SVG path per polygon feature) in the map."""
        return self.map_area().locator(MAP_SHAPES)

    def heading(self):
        """The page's title (st.title renders the only h1)."""
        return self.page.locator("[data-testid='stMain'] h1")

    def sidebar(self):
        return self.page.get_by_test_id("stSidebar")

    def picker(self, label: str):
        """A sidebar selectbox's text input (a combobox whose value is the shown option)."""
        return self.sidebar().get_by_role("combobox", name=label, exact=True)

    def nav_links(self):
        """The sidebar's page links."""
        return self.sidebar().get_by_test_id("stPageLink-NavLink")

    def nav_labels(self):
        """The page links' labels (without the icon's ligature text)."""
        return self.nav_links().get_by_test_id("stMarkdownContainer")

    def wait_uncovered(self, locator) -> None:
        """Wait until nothing (e.g. an open sidebar) is drawn over the middle of locator's element."""
        self.page.wait_for_function(f"el => !({_COVERED_JS})(el)", arg=locator.element_handle(),
                                    timeout=PAGE_TIMEOUT_MS)

    def choose(self, label: str, typed: str) -> None:
        """Pick an option in a sidebar selectbox by typing it and pressing Enter."""
        box = self.picker(label)
        box.click()
        box.fill(typed)
        box.press("Enter")


# Any web or WebSocket address whose host is not 127.0.0.1 (look-alike hosts and userinfo included).
# A pattern, not a function: the browser side matches it, so the app's own requests are not each
# sent through this process first (which slowed every page load of every browser test).
OUTSIDE_URL = re.compile(r"^(?:https?|wss?)://(?!" + re.escape(LOCAL_HOST) + r"(?::\d+)?/)", re.IGNORECASE)


@pytest.fixture
def open_tab(chromium) -> Iterator[Callable[..., Tab]]:
    """Factory: a fresh browser context and page per call (closed after the test)."""
    contexts = []

    def make(viewport: dict | None = None) -> Tab:
        context = chromium.new_context(viewport=viewport or {"width": 1400, "height": 1000})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page)

        def refuse(route) -> None:
            tab.outside_requests.append(route.request.url)
            route.abort()

        context.route(OUTSIDE_URL, refuse)
        page.on("console", lambda msg: tab.console_errors.append((msg.text, msg.location.get("url", "")))
                if msg.type == "error" else None)
        page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
        page.on("response", lambda response: tab.failed_responses.append((response.status, response.url))
                if response.status >= 400 else None)
        return tab

    yield make
    for context in contexts:
        context.close()


# --- A data build with hostile text in it (for the Assets injection test) ---------------------

REAL_BUILD_DIR = PROJECT_ROOT / "data" / "build"
BRADFORD_CODE = "E08000032"


@dataclass(frozen=True)
class InjectedBuild:
    """A build folder: the real one plus two Bradford sample rows whose text is hostile."""

    path: Path
    names: tuple[str, ...]  # the injected rows' names, in table order
    organisations: tuple[str, ...]
    real_rows: int  # rows in the real table


INJECTED_NAMES = ("<img src=x onerror=alert(1)>", "${alert(2)}")
INJECTED_ORGANISATIONS = ("`backtick` \\ backslash", "</script><script>alert(3)</script>")


@pytest.fixture(scope="session")
def injected_build(tmp_path_factory) -> InjectedBuild:
    """A temporary ECOLOGY_BUILD_DIR: every real build file symlinked, except assets.parquet
    (real table + two rows copied from the two most distant real Bradford sample rows, with
    new ids, hostile names and organisations) and build_stamp.json (copied, so the loaders'
    cache key is this folder's own)."""
    import numpy as np
    import pandas as pd

    from ecology import schema

    if not (REAL_BUILD_DIR / "assets.parquet").is_file():
        pytest.fail(f"{REAL_BUILD_DIR} has no assets.parquet: run `make data` first", pytrace=False)
    folder = tmp_path_factory.mktemp("injected-build")
    for item in REAL_BUILD_DIR.iterdir():
        if item.name == "assets.parquet":
            continue
        if item.name == "build_stamp.json":
            (folder / item.name).write_bytes(item.read_bytes())
        else:
            (folder / item.name).symlink_to(item.resolve())
    real = schema.conform(pd.read_parquet(REAL_BUILD_DIR / "assets.parquet"))
    samples = real[(real["lad_code"] == BRADFORD_CODE) & real["is_sample"]
                   & real["latitude"].notna() & real["longitude"].notna()]
    if len(samples) < 2:
        pytest.fail(f"the real build has {len(samples)} located Bradford sample rows; need 2", pytrace=False)
    # The two rows furthest apart, so their markers are drawn as two singles, not one cluster.
    lat, lon = samples["latitude"].to_numpy(), samples["longitude"].to_numpy()
    spread = (lat[:, None] - lat[None, :]) ** 2 + ((lon[:, None] - lon[None, :]) * np.cos(np.radians(54))) ** 2
    first, second = np.unravel_index(spread.argmax(), spread.shape)
    extra = samples.iloc[[first, second]].copy()
    extra["asset_id"] = ["sample:injected-img", "sample:injected-template"]
    extra["name"] = list(INJECTED_NAMES)
    extra["organisation"] = list(INJECTED_ORGANISATIONS)
    table = schema.conform(pd.concat([real, extra], ignore_index=True))
    table.to_parquet(folder / "assets.parquet", index=False)
    return InjectedBuild(folder, INJECTED_NAMES, INJECTED_ORGANISATIONS, len(real))


@pytest.fixture(scope="module")
def injected_server(injected_build) -> Iterator[Server]:
    """The app reading the injected build (ECOLOGY_BUILD_DIR), ECOLOGY_TILES unset."""
    register = f"sqlite:///{injected_build.path / 'register.sqlite3'}"  # seeded from the injected build
    yield from _start_server(tiles=None, extra_env={"ECOLOGY_BUILD_DIR": str(injected_build.path),
                                                     "ECOLOGY_DATABASE_URL": register})


@pytest.fixture
def start_server() -> Iterator[Callable[[dict[str, str]], Server]]:
    """Factory: start another app server with extra environment (stopped after the test)."""
    started = []

    def start(extra_env: dict[str, str]) -> Server:
        runner = _start_server(None, extra_env)
        started.append(runner)
        return next(runner)

    yield start
    for runner in started:
        runner.close()


# --- A register with script and event-handler payloads in every text field ----------------------
# (tests/browser/test_injection_everywhere.py). The rows go straight into the register's table with
# SQL, past the import checks (and past schema.validate: the vocabulary fields hold unknown ids).

CALDERDALE_CODE = "E08000033"
WEST_YORKSHIRE_ICB = "E54000054"
PWNED = "window.__pwned=1"
# What each text field is made of: every piece would run (or, for {{7*7}}, evaluate) if the
# text were ever parsed as HTML, as a JavaScript template literal, as Markdown or as a template.
PAYLOADS = (
    f"<script>{PWNED}</script>",
    f'<img src=x onerror="{PWNED}">',
    f'"><svg onload={PWNED}>',
    "{{7*7}}",
    f"[click](javascript:{PWNED})",
    f"`${{{PWNED}}}`",
)
# Multi-valued vocabulary fields hold these as (unknown) term ids: no "|" inside any of them.
TERM_PAYLOADS = (f"<script>{PWNED}</script>", f"<img src=x onerror={PWNED}>", f'"><svg onload={PWNED}>')
WEBSITE_PAYLOADS = (f"javascript:{PWNED}", f'javascript:{PWNED}//"><svg onload={PWNED}>',
                    f"JaVaScRiPt:{PWNED}")
EMAIL_PAYLOADS = (f'"><img src=x onerror={PWNED}>@example.org', f"<script>{PWNED}</script>@example.org", None)
POISON_TEXT_FIELDS = ("name", "organisation", "address", "source", "licence", "attribution")


def poison(field_name: str, row: int) -> str:
    """Return the payload text of one field of poisoned row ``row`` (0, 1, 2 ...): every payload,
    starting at a different one per row and field (so each payload leads some field), then the
    field's name and the row's letter, which make every value unique. Names start with "<" or
    '"', so lists sorted by name put the poisoned rows first."""
    fields = ("name", *POISON_TEXT_FIELDS[1:], "verified_by")
    start = row % 3 if field_name == "name" else (row + fields.index(field_name)) % len(PAYLOADS)
    turned = PAYLOADS[start:] + PAYLOADS[:start]
    return " ".join(turned) + f" {field_name} {'ABCDEFGH'[row]}"


@dataclass(frozen=True)
class PoisonedRegister:
    """A register file: the real build's records (seeded as on first start) plus poisoned rows.

    ``rows`` are the poisoned records as inserted (dicts of the asset schema's fields plus
    ``verified_by``); ``bradford`` are the indexes of those in Bradford (kind and cost valid ids),
    ``calderdale`` of the one in Calderdale whose kind and cost are unknown ids too."""

    url: str
    rows: tuple[dict, ...]
    bradford: tuple[int, ...]
    calderdale: tuple[int, ...]

    def bradford_rows(self) -> list[dict]:
        return [self.rows[i] for i in self.bradford]


def _spread_rows(frame, count: int, within_km: float = 8.0):
    """Return ``count`` rows of ``frame`` far apart (greedy farthest point) but within ``within_km``
    of the rows' median point: their markers are drawn as singles, not merged into a cluster, and
    well inside the map's first view (a marker at the place's edge can fall just outside it)."""
    import numpy as np

    x = frame["longitude"].to_numpy() * np.cos(np.radians(54)) * 111.2
    y = frame["latitude"].to_numpy() * 111.2
    near = np.hypot(x - np.median(x), y - np.median(y)) <= within_km
    frame, x, y = frame[near], x[near], y[near]
    chosen = [int(np.argmax(x))]  # the most easterly, then each time the one furthest from all chosen
    while len(chosen) < count:
        distance = np.min([(x - x[i]) ** 2 + (y - y[i]) ** 2 for i in chosen], axis=0)
        chosen.append(int(np.argmax(distance)))
    return frame.iloc[chosen]


@pytest.fixture(scope="session")
def poisoned_register(tmp_path_factory) -> PoisonedRegister:
    """A temporary SQLite register: seeded from the real data build as the app seeds it, then
    three located, real-looking (is_sample False, active) Bradford rows and one Calderdale row
    inserted with plain SQL, every text field of each holding script and event-handler payloads.

    Left valid, so the rows are placed and counted: postcode, latitude, longitude, the derived
    area codes, status ("active"), is_sample (False) and, for the Bradford rows, kind and cost
    ("programme", "free"; an unknown kind or cost id stops the Assets map, see the Calderdale
    test). The multi-valued vocabulary fields hold unknown term ids made of payloads; the
    Calderdale row's kind and cost are payloads too. Row C has no email, so the map popup's
    Contact line shows its website."""
    import datetime as dt

    import pandas as pd
    import sqlalchemy as sa

    from ecology import schema
    from ecology.register import store

    if not (REAL_BUILD_DIR / "assets.parquet").is_file():
        pytest.fail(f"{REAL_BUILD_DIR} has no assets.parquet: run `make data` first", pytrace=False)
    real = schema.conform(pd.read_parquet(REAL_BUILD_DIR / "assets.parquet"))
    located = real[real["latitude"].notna() & real["longitude"].notna() & real["postcode"].notna()]
    bradford = located[located["lad_code"] == BRADFORD_CODE]
    calderdale = located[located["lad_code"] == CALDERDALE_CODE]
    if len(bradford) < 3 or calderdale.empty:
        pytest.fail(f"the real build has {len(bradford)} located Bradford rows (need 3) and {len(calderdale)} "
                    "located Calderdale rows (need 1)", pytrace=False)
    places = pd.concat([_spread_rows(bradford, 3), calderdale.head(1)], ignore_index=True)
    verified = (dt.date(2019, 5, 1), dt.date(2020, 2, 2), None, dt.date(2018, 8, 8))  # all stale: on the Data page
    rows = []
    for i, place in places.iterrows():
        row = {f: poison(f, i) for f in POISON_TEXT_FIELDS}
        row.update(
            asset_id=f"poisoned:<img src=x onerror={PWNED}>#{'ABCD'[i]}",
            kind="programme" if i < 3 else TERM_PAYLOADS[0],
            cost="free" if i < 3 else TERM_PAYLOADS[2],
            **{f: schema.join_terms([TERM_PAYLOADS[(i + k) % 3] for k in range(2)] + [f"{{{{7*7}}}}-{f}"])
               for f in schema.MULTI_VALUED},
            postcode=place["postcode"], latitude=float(place["latitude"]), longitude=float(place["longitude"]),
            website=WEBSITE_PAYLOADS[i % 3], contact_email=EMAIL_PAYLOADS[i % 3],
            status="active", last_verified=verified[i], is_sample=False,
            lad_code=place["lad_code"], icb_code=place["icb_code"], region_code=place["region_code"],
            verified_by=poison("verified_by", i),
        )
        assert row["icb_code"] == WEST_YORKSHIRE_ICB, row
        rows.append(row)
    assert set(rows[0]) - {"verified_by"} == set(schema.ASSET_COLUMNS), "a field of the asset schema is not set"

    url = f"sqlite:///{tmp_path_factory.mktemp('poisoned-register') / 'register.sqlite3'}"
    register = store.Store.open(url)  # migrated to the app's schema
    seed = {"assets": real}
    if (REAL_BUILD_DIR / "practitioners.parquet").is_file():
        seed["practitioners"] = pd.read_parquet(REAL_BUILD_DIR / "practitioners.parquet")
    register.seed(seed)
    table = sa.Table("assets", sa.MetaData(), autoload_with=register.engine)
    now = dt.datetime.now(dt.timezone.utc)
    with register.engine.begin() as conn:
        conn.execute(table.insert(), [{**row, "version": 1, "created_at": now, "updated_at": now} for row in rows])
    register.engine.dispose()
    return PoisonedRegister(url, tuple(rows), bradford=(0, 1, 2), calderdale=(3,))


@pytest.fixture(scope="module")
def poisoned_server(poisoned_register) -> Iterator[Server]:
    """The app reading the poisoned register (ECOLOGY_DATABASE_URL) and the real build, tiles unset."""
    yield from _start_server(tiles=None, extra_env={"ECOLOGY_BUILD_DIR": str(REAL_BUILD_DIR),
                                                     "ECOLOGY_DATABASE_URL": poisoned_register.url})


def _route_files_only(context) -> list[str]:
    """Let ``context`` load file:// URLs only; return the (live) list of every other URL it tried."""
    attempted: list[str] = []

    def only_files(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    return attempted


@pytest.fixture
def files_only() -> Callable:
    """The function that limits a browser context to file:// URLs (for files opened offline)."""
    return _route_files_only


def _close_popup(frame, popup) -> None:
    """Close the open Leaflet popup in ``frame``. On a loaded machine a click can land while
    Leaflet is still panning the popup into view and miss; it is then clicked again (at most
    three times), so the test waits on the popup, not on the machine."""
    for _ in range(2):
        frame.locator(".leaflet-popup-close-button").click()
        try:
            expect(popup).to_have_count(0, timeout=5_000)
            return
        except AssertionError:
            continue
    frame.locator(".leaflet-popup-close-button").click()
    expect(popup).to_have_count(0)


@pytest.fixture
def close_popup() -> Callable:
    """The function that closes a map popup, retrying a click that missed."""
    return _close_popup


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test's report carries the output of every app server it used, so an error
    the page shows only as Streamlit's redacted "This app has encountered an error" can be read
    (the server's log file is deleted when its fixture ends)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in item.fixturenames:
        server = item.funcargs.get(name)
        if isinstance(server, Server):
            report.sections.append((f"app server output ({name}, {server.url})", server.log_text()[-20_000:]))
