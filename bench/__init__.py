"""Benchmarks for the app: data build, map bytes, geocoding, point assignment,
server rerun time, first render in a browser, and the Assets page at up to
100,000 assets, the place briefing, many browser sessions at once (``load``), and every page at
three sizes beside naive twins and a one-line script (``pages``), and the server's memory on a
first start at 100,000 assets, with no snapshots kept (``first_start``).

Run them all with ``python -m bench`` (or ``make bench``); pass names to run a
subset (``python -m bench geocoding rerun``), ``--list`` to see the names.
Every benchmark measures a simple baseline in the same run and prints both;
speed and size targets live in the benchmark modules, not in the tests. The
figures are also written to ``bench/results/latest.json`` (git-ignored).

Nothing here uses the network except servers started on 127.0.0.1.
"""

BENCHMARKS = (
    "build_time",
    "boundary_bytes",
    "geocoding",
    "point_assignment",
    "rerun",
    "first_render",
    "assets",
    "import_rows",
    "gaps_recompute",
    "clusters_speed",
    "briefing",
    "load",
    "pages",
    "first_start",
)
