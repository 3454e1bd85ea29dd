"""Faults while the register is written: an import killed mid-write, a locked SQLite file, a full
disk. Each leaves the register as it was and is reported, never a traceback."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecology.register import startup

pytestmark = pytest.mark.usefixtures("built")
ROOT = Path(__file__).resolve().parents[2]
HEADER = "Organisation Name,Name,Post Code,Activities,Health focus\n"


def _directory(path: Path, rows: int) -> Path:
    lines = [f"Group {n} CIC,Fault test group {n},M1 1AE,Choir,Dementia\n" for n in range(rows)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _state(url: str) -> tuple[str, int, int]:
    store = startup.open_register(url)
    with store.engine.connect() as conn:
        changes = conn.execute(sa.text("SELECT count(*) FROM changes")).scalar()
    state = (store.revision(), len(store.records("assets")), int(changes))
    store.engine.dispose()
    return state


def _writing(url: str, since: int) -> bool:
    """True once the import has begun writing rows (uncommitted, so invisible to a reader)."""
    if url.startswith("sqlite"):
        wal = Path(sa.engine.make_url(url).database + "-wal")
        return wal.exists() and wal.stat().st_size > since + 512 * 1024
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        held = conn.execute(sa.text(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'assets' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")).scalar()
    engine.dispose()
    return bool(held)


def _import(url: str, path: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ecology", "import", str(path), "--kind", "assets",
                             "--database", url, "--who", "fault-test"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_an_import_killed_mid_write_leaves_the_register_as_it_was(database_url, tmp_path):
    before = _state(database_url)
    wal = Path(sa.engine.make_url(database_url).database + "-wal") if database_url.startswith("sqlite") else None
    since = wal.stat().st_size if wal is not None and wal.exists() else 0
    process = _import(database_url, _directory(tmp_path / "big.csv", 40_000))
    deadline = time.monotonic() + 180
    while not _writing(database_url, since):
        if process.poll() is not None:
            pytest.fail(f"the import ended (exit {process.returncode}) before it could be killed mid-write: "
                        f"{process.stderr.read()[-400:]}")
        assert time.monotonic() < deadline, "the import never began writing"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _state(database_url) == before
    # And the register still takes an import afterwards.
    done = _import(database_url, _directory(tmp_path / "small.csv", 3))
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err[-400:]
    assert _state(database_url)[1] == before[1] + 3


def test_a_locked_sqlite_register_is_waited_for_then_the_import_goes_through(tmp_path):
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    before = _state(url)
    blocker = sqlite3.connect(tmp_path / "register.sqlite3", isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock for 2 seconds
    threading.Timer(2.0, lambda: blocker.execute("COMMIT")).start()
    process = _import(url, _directory(tmp_path / "small.csv", 3))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-400:]
    assert _state(url)[1] == before[1] + 3
    blocker.close()


def test_a_register_locked_past_the_timeout_is_reported_and_nothing_is_written(tmp_path):
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    before = _state(url)
    blocker = sqlite3.connect(tmp_path / "register.sqlite3", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # held for the whole import
    try:
        process = _import(url, _directory(tmp_path / "small.csv", 3))
        out, err = process.communicate(timeout=180)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert process.returncode == 3
    assert "Traceback" not in err and "database is locked" in err and "nothing changed" in err
    assert _state(url) == before


@pytest.fixture
def nearly_full_disk(tmp_path):
    """A seeded register on a filesystem (tmpfs) with 3 MB to spare: needs root, as CI has."""
    import shutil

    seeded = tmp_path / "seeded.sqlite3"
    startup.open_register(f"sqlite:///{seeded}").engine.dispose()  # closing checkpoints the WAL
    folder = tmp_path / "tiny"
    folder.mkdir()
    size_kb = seeded.stat().st_size // 1024 + 3 * 1024
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
                          capture_output=True)
    if made.returncode != 0:
        message = f"cannot mount a small filesystem here: {made.stderr.decode().strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    shutil.copy(seeded, folder / "register.sqlite3")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_during_import_is_reported_and_loses_nothing(nearly_full_disk, tmp_path):
    url = f"sqlite:///{nearly_full_disk / 'register.sqlite3'}"
    before = _state(url)
    process = _import(url, _directory(tmp_path / "big.csv", 40_000))
    out, err = process.communicate(timeout=300)
    assert process.returncode == 3, (out[-300:], err[-400:])
    assert "Traceback" not in err and "full" in err and "nothing changed" in err
    assert _state(url) == before


# ------------------------------------------------------------------ import work bounded in time

def _oruk_services(n: int) -> bytes:
    import json

    return json.dumps({"total_items": n, "page_number": 1, "contents": [
        {"id": f"s{i}", "name": f"Service {i}", "status": "active"} for i in range(n)]}).encode()


def _geojson_points(n: int) -> bytes:
    import json

    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f"Point {i}"},
         "geometry": {"type": "Point", "coordinates": [-1.5, 53.8]}} for i in range(n)]}).encode()


@pytest.mark.parametrize(("name", "make"), [
    ("groups.csv", lambda n: (HEADER + "".join(f"G{i},Group {i},M1 1AE,Choir,Dementia\n" for i in range(n))).encode()),
    ("points.geojson", _geojson_points), ("services.json", _oruk_services)])
def test_reading_a_file_past_its_time_limit_stops_with_a_message_naming_the_limit(name, make):
    from ecology.register import readers

    data = make(3000)
    assert len(readers.read(name, data).frame) == 3000  # within the default limit it reads
    with pytest.raises(readers.ImportRefused) as refused:
        readers.read(name, data, time_limit_s=0)
    assert re.match(r"Reading the file took longer than 0 seconds, so it was stopped after (0|1,000) rows",
                    str(refused.value))
    assert "nothing was written" in str(refused.value)


def test_an_import_write_past_its_time_limit_is_rolled_back_whole(database_url, tmp_path):
    import pandas as pd

    from ecology import schema
    from ecology.register import store

    startup.open_register(database_url).engine.dispose()
    before = _state(database_url)
    records = schema.conform(pd.DataFrame({"asset_id": [f"late:{i}" for i in range(3000)],
                                           "name": [f"Late {i}" for i in range(3000)], "is_sample": False}))
    opened = startup.open_register(database_url)
    with pytest.raises(store.TookTooLong) as late:
        opened.import_records("assets", records, "fault-test", time_limit_s=0)
    assert "nothing was written" in str(late.value)
    opened.engine.dispose()
    assert _state(database_url) == before
    opened = startup.open_register(database_url)  # the same connection pool writes normally afterwards
    assert opened.import_records("assets", records.head(10), "fault-test").added == 10
    opened.engine.dispose()


def test_a_statement_still_running_at_the_write_limit_is_stopped_by_the_database(database_url):
    from ecology.register import store

    opened = startup.open_register(database_url)
    slow = ("SELECT pg_sleep(3)" if opened.backend == "postgresql" else
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n")
    started = time.monotonic()
    with pytest.raises((sa.exc.OperationalError, sqlite3.OperationalError)) as stopped:
        with opened._write() as conn, store._time_limited(conn, 0.3), conn.begin():
            conn.exec_driver_sql(slow)
    assert store._stopped_by_limit(stopped.value) and time.monotonic() - started < 2.5
    with opened.engine.connect() as conn:  # the limit was this write's alone
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    opened.engine.dispose()


# ------------------------------------------------------------------ a full disk during export

@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KB filesystem (tmpfs): needs root, as CI has."""
    folder = tmp_path / "tiny-out"
    folder.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True)
    if made.returncode != 0:
        message = f"cannot mount a small filesystem here: {made.stderr.decode().strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_during_an_export_is_reported_and_the_old_file_is_kept(tiny_disk):
    earlier = tiny_disk / "assets.csv"
    earlier.write_text("an earlier export\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ecology", "assets", "--format", "csv", "--out", str(earlier)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)  # all England: megabytes
    assert done.returncode == 3, done.stderr[-400:]
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == f"error: could not write {earlier}: No space left on device. The file was left as it was."
    assert earlier.read_text(encoding="utf-8") == "an earlier export\n"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["assets.csv"]  # no half-written temporary file
