"""Computed tables kept on disk between server starts, each under a key made from everything it is
computed from.

A server that starts again reads what the last one computed (the register's assets, a theme's
tables, the clusters) in milliseconds instead of computing it again: the Overview of England takes
about a second of work from nothing. The key is a SHA-256 of what the caller names (the data
build's stamp, the register's fingerprint, the evidence files) together with this package's own
source, the versions of the libraries that computed the value, and the settings; so any change to
any of them makes a new key and a fresh computation, never a stale answer. The files are pickles,
read only from the app's own folder for them (``ECOLOGY_SNAPSHOTS_DIR``, in the cache folder by
default), which only the app may write (SECURITY.md).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import ecology
from ecology import settings

_LOG = logging.getLogger(__name__)
FORMAT_VERSION = 1  # bump to disown every snapshot written before
KEEP_PER_NAME = 3  # the newest few of each name are kept; older ones are deleted as new ones arrive
ABANDONED_AFTER_S = 3600  # a half-written snapshot this old was left by a server that stopped
LIBRARIES = ("pandas", "numpy", "pyarrow", "shapely", "scipy")
NAME_LIMIT = 100
T = TypeVar("T")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_WRITERS: set[threading.Thread] = set()
_WRITERS_LOCK = threading.Lock()


def folder() -> Path:
    """Return where snapshots are kept (``ECOLOGY_SNAPSHOTS_DIR``; ``snapshots/`` in the cache folder)."""
    return settings.current().snapshots_dir


def code_fingerprint() -> str:
    """Return a SHA-256 (hex) of this package's files as they are now (its Python source and its
    package data, such as the taxonomy), the Python version and the versions of the libraries the
    tables are computed with. Read again whenever a file's size or modification time changes (a
    development server reloads edited modules without restarting)."""
    return _code_fingerprint(tuple((path, *_stat_of(path)) for path in _package_files()))


def _package_files() -> list[Path]:
    root = Path(ecology.__file__).resolve().parent
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _stat_of(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (-1, -1)
    return stat.st_size, stat.st_mtime_ns


@functools.lru_cache(maxsize=4)
def _code_fingerprint(files: tuple[tuple[Path, int, int], ...]) -> str:
    digest = hashlib.sha256(sys.version.encode())
    digest.update(file_fingerprint(*(path for path, _size, _modified in files)).encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=absent".encode())
    return digest.hexdigest()


def file_fingerprint(*paths: Path) -> str:
    """Return a SHA-256 (hex) of the files' names and bytes (a missing file counts as missing)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"\0missing\0")
    return digest.hexdigest()


def bytes_key(*parts: object) -> str:
    """Return the key of a value that depends on ``parts`` alone, not on this code or the settings
    (a static file packed as gzip: the same bytes pack the same way under any version of the app)."""
    return hashlib.sha256(repr((FORMAT_VERSION, parts)).encode()).hexdigest()


def key_of(*parts: object) -> str:
    """Return the key of a value computed from ``parts`` (strings, numbers, None, tuples of them)
    by this code under these settings."""
    described = repr((FORMAT_VERSION, code_fingerprint(), repr(settings.current()), parts))
    return hashlib.sha256(described.encode()).hexdigest()


def name_for(*words: str) -> str:
    """Return a snapshot name made of ``words``: lower-case letters, digits and hyphens, at most
    ``NAME_LIMIT`` characters (file names have limits)."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")[:NAME_LIMIT].strip("-")


def kept(name: str, key: str | None, compute: Callable[[], T], *, where: Path | None = None) -> T:
    """Return the value kept under ``name`` (``name_for``'s alphabet) and ``key``, or ``compute()``
    it and keep it (written in the background, so the caller does not wait for the disk). An
    unreadable snapshot is deleted and computed again; with no key the value is only computed."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"a snapshot name is lower-case letters, digits and hyphens, not {name!r}")
    if key is None:
        return compute()
    place = where or folder()
    path = place / f"{name}.{key[:40]}.pickle"
    try:
        handle = path.open("rb")
    except OSError:  # none yet, or a folder that cannot be read: computed (and written if it can be)
        handle = None
    if handle is not None:
        with handle:
            try:
                return pickle.load(handle)
            except Exception as error:  # noqa: BLE001 (a torn or foreign file: computed afresh)
                _LOG.warning("snapshot %s could not be read (%s); computing it again", path.name, error)
        with contextlib.suppress(OSError):
            path.unlink()
    value = compute()
    # Pickled here, before any caller holds the value, so what is written is what was computed;
    # only the disk write is left to the background.
    try:
        packed = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001 (a value that cannot be pickled is only not kept)
        _LOG.warning("snapshot %s cannot be kept: %s", path.name, error)
        return value
    writer = threading.Thread(target=_write, args=(path, packed), name=f"snapshot-{name}", daemon=True)
    with _WRITERS_LOCK:
        _WRITERS.add(writer)
    writer.start()
    return value


def wait_for_writes(timeout_s: float | None = None) -> None:
    """Return once every snapshot being written has been (or ``timeout_s`` has passed for each)."""
    with _WRITERS_LOCK:
        pending = list(_WRITERS)
    for writer in pending:
        writer.join(timeout_s)


def _write(path: Path, packed: bytes) -> None:
    """Write ``packed`` to ``path`` whole or not at all, then delete the oldest snapshots of its name."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(packed)
        os.replace(temporary, path)
    except Exception as error:  # noqa: BLE001 (a read-only or full disk only costs the next start time)
        _LOG.warning("snapshot %s was not written: %s", path.name, error)
        if temporary:
            Path(temporary).unlink(missing_ok=True)
    else:
        prune(path.parent, path.name.split(".", 1)[0])
    finally:
        with _WRITERS_LOCK:
            _WRITERS.discard(threading.current_thread())


def prune(place: Path, name: str, keep: int = KEEP_PER_NAME) -> list[Path]:
    """Delete all but the ``keep`` newest snapshots of ``name`` in ``place``, and any write left half
    done over an hour ago (a server stopped while writing); return the snapshots deleted."""
    found = sorted(place.glob(f"{name}.*.pickle"), key=_modified, reverse=True)
    for old in found[keep:]:
        old.unlink(missing_ok=True)
    cutoff = time.time_ns() - ABANDONED_AFTER_S * 10**9
    for torn in place.glob(".writing-*.tmp"):
        if 0 < _modified(torn) < cutoff:
            torn.unlink(missing_ok=True)
    return found[keep:]


def _modified(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:  # deleted meanwhile by another server's pruning
        return 0
