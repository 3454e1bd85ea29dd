"""Data build: a cold build into an empty folder, then a no-op second run.

Baseline: the time just to sha256 every input file of the manifest (the least
any build must do, since it verifies every checksum before writing anything).
The raw files are read from the mirror, so the OS file cache is warm: "cold"
means an empty build folder, not an empty page cache.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
from pathlib import Path

from bench.common import Result, environment, median_time, timed

TITLE = "data build: cold build and no-op rerun vs sha256 of the inputs"


def _hash_inputs(files: list[Path]) -> int:
    from ecology.sources import catalogue

    total = 0
    for path in files:
        catalogue.sha256_of(path)
        total += path.stat().st_size
    return total


def run(result: Result) -> None:
    from ecology import paths
    from ecology.sources import build, catalogue

    raw = paths.raw_dir()
    if raw is None:
        raise RuntimeError("no raw mirror: set ECOLOGY_RAW_DIR or provide ../shared/data/raw")
    needed = {i for target in build.TARGETS for i in target.dataset_ids}
    files = [raw / f.path for d in catalogue.load_manifest() if d.id in needed for f in d.files]

    # Baseline first: it also brings the inputs into the page cache for the build.
    hash_times = []
    for _ in range(3):
        seconds, total_bytes = timed(lambda: _hash_inputs(files))
        hash_times.append(seconds)
    baseline = statistics.median(hash_times)

    folder = Path(tempfile.mkdtemp(prefix="bench-build-"))
    messages: list[str] = []
    try:
        with environment(ECOLOGY_BUILD_DIR=str(folder)):
            cold_s, cold = timed(lambda: build.build(report=messages.append))
            noop_s, noop_all, noop = median_time(lambda: build.build(report=messages.append), 3)
            stamp = json.loads((folder / build.STAMP_FILE).read_text())
            output_bytes = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    result.add("inputs", len(files), "files", note=f"{total_bytes:,} bytes")
    result.add("input bytes", total_bytes, "B")
    result.add("cold build", cold_s, "s", baseline=baseline, baseline_label="sha256 of all inputs")
    for name, entry in stamp.items():
        result.add(f"  target {name}", entry["seconds"], "s", note=json.dumps(entry["summary"]))
    result.add("no-op rerun", noop_s, "s", baseline=baseline, baseline_label="sha256 of all inputs",
               note=f"median of 3: {[round(t, 4) for t in noop_all]}")
    result.add("output bytes", output_bytes, "B")
    if set(cold.values()) != {"built"}:
        result.note(f"cold build did not build every target: {cold}")
    if set(noop.values()) != {"up to date"}:
        result.note(f"PROBLEM: the second run was not a no-op: {noop}")
    result.add("no-op detected", "yes" if set(noop.values()) == {"up to date"} else f"no: {noop}")
