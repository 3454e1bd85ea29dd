"""Practitioner clusters: clustering 50,000 practitioners, and the page rerun after a control change.

Practitioners: 50,000 drawn with the sample generator's district weights (so as
dense as the real sample, scaled up). Ours clusters distinct district points
weighted by head count, with a grid for neighbours. Baseline, in the same run:
plain DBSCAN on every practitioner with a full pairwise haversine scan per
point (what a first version would do), on 5,000 practitioners (50,000 would
take minutes), scaled to 50,000 by its quadratic cost.
The page rerun is timed with AppTest: a new radius (not cached) and a radius
seen before (cached). Targets: clustering 50k < 2 s; rerun < 500 ms.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from bench.common import PROJECT_ROOT, Result, environment, median_time

TITLE = "practitioner clusters: 50k practitioners, and the Practitioners page rerun"
SIZE = 50_000
NAIVE_SIZE = 5_000
RADIUS_KM, MIN_SIZE = 10.0, 10


def _people(size: int) -> pd.DataFrame:
    from ecology import paths

    sample = pd.read_parquet(paths.build_dir() / "practitioners.parquet")
    rng = np.random.default_rng(7)
    return sample.iloc[rng.integers(0, len(sample), size)].reset_index(drop=True)


def naive_dbscan(lat: np.ndarray, lon: np.ndarray, radius_km: float, min_size: int) -> np.ndarray:
    from ecology.analysis import filters

    neighbours = [np.flatnonzero(filters.distance_km(lat, lon, lat[i], lon[i]) <= radius_km) for i in range(len(lat))]
    core = np.array([len(n) >= min_size for n in neighbours])
    labels = np.full(len(lat), -1)
    label = 0
    for i in range(len(lat)):
        if not core[i] or labels[i] >= 0:
            continue
        labels[i] = label
        stack = [i]
        while stack:
            for j in neighbours[stack.pop()]:
                if labels[j] < 0:
                    labels[j] = label
                    if core[j]:
                        stack.append(j)
        label += 1
    return labels


def run(result: Result) -> None:
    from ecology.analysis import clusters

    people = _people(SIZE)
    ours_s = median_time(lambda: clusters.cluster(people, RADIUS_KM, MIN_SIZE), 5)[0]
    small = _people(NAIVE_SIZE)
    started = time.perf_counter()
    naive = naive_dbscan(small["latitude"].to_numpy(), small["longitude"].to_numpy(), RADIUS_KM, MIN_SIZE)
    naive_small_s = time.perf_counter() - started
    ours_small = clusters.cluster(small, RADIUS_KM, MIN_SIZE)
    result.note(f"5k check: naive found {naive.max() + 1} clusters, ours {ours_small.count} "
                f"(the same DBSCAN up to who gets border points)")
    result.add(f"cluster {SIZE:,} practitioners ({RADIUS_KM:g} km, min {MIN_SIZE})", ours_s, "s",
               baseline=naive_small_s * (SIZE / NAIVE_SIZE) ** 2,
               baseline_label=f"naive pairwise DBSCAN, {NAIVE_SIZE:,} timed, scaled x{(SIZE // NAIVE_SIZE) ** 2}",
               target=2.0)
    result.add(f"naive pairwise DBSCAN on {NAIVE_SIZE:,} (measured)", naive_small_s, "s")
    result.add(f"ours on {NAIVE_SIZE:,}", median_time(lambda: clusters.cluster(small, RADIUS_KM, MIN_SIZE), 5)[0], "s")

    from streamlit.testing.v1 import AppTest

    with environment(ECOLOGY_DATABASE_URL=None):
        import tempfile

        folder = tempfile.mkdtemp(prefix="bench-clusters-")
        with environment(ECOLOGY_DATABASE_URL=f"sqlite:///{folder}/register.sqlite3"):
            at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
            at.switch_page("pages/2_Practitioners.py").run()
            fresh, cached = [], []
            for radius in (6, 8, 12, 14, 16):
                at.slider(key="radius").set_value(radius)
                started = time.perf_counter()
                at.run()
                fresh.append(time.perf_counter() - started)
            for radius in (6, 8, 12, 14, 16):
                at.slider(key="radius").set_value(radius)
                started = time.perf_counter()
                at.run()
                cached.append(time.perf_counter() - started)
            if at.exception:
                raise RuntimeError(at.exception[0].message)
    result.add("page rerun, a radius seen before (cached)", float(np.median(cached)), "s",
               baseline=float(np.median(fresh)), baseline_label="a new radius (clustered on the rerun)", target=0.5)
    result.add("page rerun, a new radius", float(np.median(fresh)), "s", target=0.5)
