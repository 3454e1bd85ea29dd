"""The manifest of real data sources, and fetching their files safely.

A raw file is taken, in order, from the local mirror folder, from the download
cache, or downloaded (from ``ECOLOGY_DOWNLOAD_BASE`` when set, else from the
file's own address). Whatever its origin, its sha256 must match the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ecology import paths, settings

MANIFEST_PATH = paths.authored_data_dir() / "sources.json"
DOWNLOAD_TIMEOUT_S = 60


class SourceError(Exception):
    """A raw source could not be obtained or verified; the message says what to do."""


class ChecksumMismatch(SourceError):
    """A raw file's bytes differ from those the manifest names."""


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the mirror root, e.g. "imd/iod2025_lad24_summaries_long.csv"
    sha256: str
    url: str | None


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    publisher: str
    vintage: str
    licence: str
    attribution: str
    publisher_page: str
    notes: str
    files: tuple[SourceFile, ...]


def load_manifest(path: Path = MANIFEST_PATH) -> list[Dataset]:
    """Return every dataset of the manifest, in the order the file lists them."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    datasets = []
    for entry in raw["datasets"]:
        files = tuple(SourceFile(f["path"], f["sha256"], f.get("url")) for f in entry["files"])
        fields = {k: entry[k] for k in Dataset.__dataclass_fields__ if k != "files"}
        datasets.append(Dataset(**fields, files=files))
    return datasets


def dataset(dataset_id: str) -> Dataset:
    """Return one dataset of the manifest by id (KeyError if unknown)."""
    for item in load_manifest():
        if item.id == dataset_id:
            return item
    raise KeyError(dataset_id)


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_url(source: SourceFile) -> str | None:
    base = settings.current().download_base
    if base:
        return base.rstrip("/") + "/" + source.path
    return source.url


def _download(url: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
                shutil.copyfileobj(response, tmp)
        except BaseException:
            Path(tmp.name).unlink(missing_ok=True)
            raise
    os.replace(tmp.name, target)


def _verified(path: Path, source: SourceFile, origin: str) -> Path:
    actual = sha256_of(path)
    if actual != source.sha256:
        raise ChecksumMismatch(
            f"{source.path} from {origin} does not match the manifest: sha256 {actual}, "
            f"expected {source.sha256}. The file was refused; the previous build is kept."
        )
    return path


def locate(source: SourceFile) -> Path:
    """Return a local, checksum-verified path for one raw file.

    Raises ``ChecksumMismatch`` when a copy exists but differs, and
    ``SourceError`` when no copy can be found or downloaded.
    """
    mirror = paths.raw_dir()
    if mirror is not None and (mirror / source.path).is_file():
        return _verified(mirror / source.path, source, f"the mirror {mirror}")

    cached = paths.cache_dir() / "raw" / source.path
    if cached.is_file() and sha256_of(cached) == source.sha256:
        return cached

    url = _download_url(source)
    if url is None:
        raise SourceError(f"{source.path}: not in the mirror and it has no download address")
    try:
        _download(url, cached)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise SourceError(f"{source.path}: download from {url} failed ({error})") from error
    try:
        return _verified(cached, source, url)
    except ChecksumMismatch:
        cached.unlink(missing_ok=True)
        raise


def locate_all(datasets: list[Dataset]) -> dict[str, Path]:
    """Return {relative path: verified local path} for every file of the datasets.

    All files are tried before failing, so that one message names every file
    that is missing; a checksum mismatch is raised at once.
    """
    found: dict[str, Path] = {}
    missing: list[str] = []
    for item in datasets:
        for source in item.files:
            try:
                found[source.path] = locate(source)
            except ChecksumMismatch:
                raise
            except SourceError as error:
                missing.append(str(error))
    if missing:
        mirror = paths.raw_dir()
        raise SourceError(
            "Some raw data files could not be found or downloaded:\n  - "
            + "\n  - ".join(missing)
            + "\nTo supply them, either point ECOLOGY_RAW_DIR at a folder holding them "
            "(laid out as <dataset>/<file>, like ../shared/data/raw), put them under "
            f"{paths.cache_dir() / 'raw'}, or set ECOLOGY_DOWNLOAD_BASE to a web address "
            "serving that layout."
            + (f" (Mirror searched: {mirror}.)" if mirror else " (No mirror folder was found.)")
        )
    return found
