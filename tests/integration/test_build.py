"""The data build: manifest, checksums, download path, idempotence, refusal keeps the old build."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ecology import paths
from ecology.sources import build, catalogue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def real_mirror() -> Path:
    mirror = paths.raw_dir()
    if mirror is None or not mirror.is_dir():
        pytest.fail("the raw data mirror (../shared/data/raw or ECOLOGY_RAW_DIR) is needed by the build tests")
    return mirror


def _needed_files() -> list[catalogue.SourceFile]:
    manifest = {d.id: d for d in catalogue.load_manifest()}
    ids = dict.fromkeys(i for target in build.TARGETS for i in target.dataset_ids)
    return [f for i in ids for f in manifest[i].files]


def _linked_mirror(real: Path, where: Path, corrupt: str | None = None) -> Path:
    """A mirror of symlinks to the real files, with one file optionally replaced by altered bytes."""
    for source in _needed_files():
        target = where / source.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.path == corrupt:
            target.write_bytes((real / source.path).read_bytes() + b"\n")
        else:
            target.symlink_to(real / source.path)
    return where


def test_manifest_describes_every_source():
    manifest = catalogue.load_manifest()
    assert len({d.id for d in manifest}) == len(manifest)
    for item in manifest:
        for field in ("title", "publisher", "vintage", "licence", "attribution"):
            assert getattr(item, field).strip(), f"{item.id} has no {field}"
        for source in item.files:
            assert len(source.sha256) == 64
            assert source.url is None or source.url.startswith("https://")
    postcodes = next(d for d in manifest if d.id == "postcodes")
    assert "Royal Mail" in postcodes.attribution


def test_mirror_files_match_the_manifest(real_mirror):
    for source in _needed_files():
        assert catalogue.sha256_of(real_mirror / source.path) == source.sha256, source.path


def test_second_build_rebuilds_nothing_and_says_so(built):
    messages: list[str] = []
    outcome = build.build(report=messages.append)
    assert set(outcome.values()) == {"up to date"}
    assert any("nothing rebuilt" in m for m in messages)


def test_checksum_mismatch_is_refused_and_previous_build_kept(real_mirror, built, tmp_path, monkeypatch):
    build_copy = tmp_path / "build"
    shutil.copytree(paths.build_dir(), build_copy)
    before = {p.name: p.read_bytes() for p in build_copy.iterdir() if p.is_file() and p.suffix != ".npz"}
    mirror = _linked_mirror(real_mirror, tmp_path / "raw", corrupt="imd/iod2025_lad24_summaries_long.csv")
    monkeypatch.setenv("ECOLOGY_RAW_DIR", str(mirror))
    monkeypatch.setenv("ECOLOGY_BUILD_DIR", str(build_copy))
    monkeypatch.setenv("ECOLOGY_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(catalogue.ChecksumMismatch, match="iod2025_lad24_summaries_long.csv"):
        build.build(report=lambda _m: None, force=True)
    after = {p.name: p.read_bytes() for p in build_copy.iterdir() if p.is_file() and p.suffix != ".npz"}
    assert after == before


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture()
def served_mirror(real_mirror, tmp_path):
    """Serve a copy of the mirror over HTTP on 127.0.0.1; yields (base URL, folder)."""
    folder = _linked_mirror(real_mirror, tmp_path / "served")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def test_download_path_fetches_verifies_and_builds(served_mirror, tmp_path, monkeypatch):
    base, _folder = served_mirror
    empty = tmp_path / "no-mirror"
    empty.mkdir()
    monkeypatch.setenv("ECOLOGY_RAW_DIR", str(empty))
    monkeypatch.setenv("ECOLOGY_DOWNLOAD_BASE", base)
    monkeypatch.setenv("ECOLOGY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ECOLOGY_BUILD_DIR", str(tmp_path / "build"))
    outcome = build.build(report=lambda _m: None)
    assert set(outcome.values()) == {"built"}
    for source in _needed_files():
        cached = tmp_path / "cache" / "raw" / source.path
        assert catalogue.sha256_of(cached) == source.sha256
    assert (tmp_path / "build" / "icbs.parquet").is_file()


def test_download_with_wrong_bytes_is_refused(served_mirror, tmp_path, monkeypatch):
    base, folder = served_mirror
    victim = folder / "lookups" / "lad23_cauth23_en.csv"
    text = victim.read_text()
    victim.unlink()
    victim.write_text(text.replace("Greater Manchester", "Greater Manchestr"))
    empty = tmp_path / "no-mirror"
    empty.mkdir()
    monkeypatch.setenv("ECOLOGY_RAW_DIR", str(empty))
    monkeypatch.setenv("ECOLOGY_DOWNLOAD_BASE", base)
    monkeypatch.setenv("ECOLOGY_CACHE_DIR", str(tmp_path / "cache"))
    source = next(f for f in _needed_files() if f.path == "lookups/lad23_cauth23_en.csv")
    with pytest.raises(catalogue.ChecksumMismatch):
        catalogue.locate(source)
    assert not (tmp_path / "cache" / "raw" / source.path).exists()


def test_no_mirror_and_no_network_gives_one_clear_message(tmp_path):
    closed = "http://127.0.0.1:9"  # discard port: nothing listens, the connection is refused
    env = {**os.environ, "ECOLOGY_RAW_DIR": str(tmp_path / "missing"), "ECOLOGY_DOWNLOAD_BASE": closed,
           "ECOLOGY_CACHE_DIR": str(tmp_path / "cache"), "ECOLOGY_BUILD_DIR": str(tmp_path / "build")}
    result = subprocess.run([sys.executable, "-m", "ecology", "data", "build"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "could not be found or downloaded" in result.stderr
    for source in _needed_files():
        assert source.path in result.stderr
    assert "ECOLOGY_RAW_DIR" in result.stderr
    assert not (tmp_path / "build" / "icbs.parquet").exists()
