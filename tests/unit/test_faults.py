"""Faults while the register is written: an import killed mid-write, a locked SQLite file, a full
disk. Each leaves the register as it was and is reported, never a traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecology import register

pytestmark = pytest.mark.usefixtures("built")
ROOT = Path(__file__).resolve().parents[2]
HEADER = "Organisation Name,Name,Post Code,Activities,Health focus\n"


def _directory(path: Path, rows: int) -> Path:
    lines = [f"Group {n} CIC,Fault test group {n},M1 1AE,Choir,Dementia\n" for n in range(rows)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _state(url: str) -> tuple[str, int, int]:
    store = register.open_register(url)
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
    register.open_register(f"sqlite:///{seeded}").engine.dispose()  # closing checkpoints the WAL
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
