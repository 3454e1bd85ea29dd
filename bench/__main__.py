"""``python -m bench [name ...]``: run the benchmarks, print a table, write results JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from importlib import metadata

from bench import BENCHMARKS
from bench.common import PROJECT_ROOT, RESULTS_DIR, Result, table

if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _versions() -> dict[str, str]:
    found = {}
    for name in ("streamlit", "streamlit-folium", "folium", "geopandas", "shapely", "pandas", "numpy",
                 "pyarrow", "playwright"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name in BENCHMARKS:
            module = importlib.import_module(f"bench.{name}")
            print(f"{name}: {module.TITLE}")
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)

    meta = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty_files": len([l for l in _git("status", "--porcelain").splitlines() if l.strip()]),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": _versions(),
    }
    print(f"bench: {len(names)} benchmark(s) on {meta['cpus']} CPUs, load average "
          f"{meta['load_average_at_start']}, commit {meta['git_commit'][:10]}"
          + (f" (+{meta['git_dirty_files']} changed files)" if meta["git_dirty_files"] else ""), flush=True)

    results: list[Result] = []
    started = time.perf_counter()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n== {name}: {module.TITLE}", flush=True)
        result = Result(name, module.TITLE)
        begun = time.perf_counter()
        try:
            module.run(result)
        except Exception:  # one broken benchmark must not hide the others' figures
            result.error = traceback.format_exc()
            print(result.error, file=sys.stderr, flush=True)
        result.seconds = time.perf_counter() - begun
        print(f"   ({result.seconds:.1f} s)", flush=True)
        results.append(result)

    meta["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    meta["total_seconds"] = round(time.perf_counter() - started, 1)
    # The benchmarks load the machine themselves (Chromium, servers), so only the
    # load before they started says whether something else was competing.
    if meta["load_average_at_start"][0] >= 0.5 * (os.cpu_count() or 1):
        print(f"\nwarning: the machine was busy before the run (1-minute load average "
              f"{meta['load_average_at_start'][0]} on {os.cpu_count()} CPUs): timings may be pessimistic.")

    print("\n" + table(results))
    missed = [f"{r.name}: {f.measure}" for r in results for f in r.figures if f.ok is False]
    failed = [r.name for r in results if r.error]
    print(f"\n{meta['total_seconds']} s in all; targets missed: {', '.join(missed) or 'none'}"
          + (f"; benchmarks failed: {', '.join(failed)}" if failed else ""))

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "latest.json"
    out.write_text(json.dumps({"meta": meta, "results": [r.as_dict() for r in results]}, indent=2,
                              default=str) + "\n")
    print(f"figures written to {out.relative_to(PROJECT_ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
