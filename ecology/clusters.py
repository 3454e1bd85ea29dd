"""Clusters of creative practitioners, found by density on the sphere, and shown privately.

Practitioners are placed only at their postcode district's centroid, so the
clustering runs on distinct district points weighted by how many practitioners
each holds. It is DBSCAN with great-circle (haversine) distances: a point is a
core when at least ``min_size`` practitioners are within ``radius_km`` of it;
cores within the radius of each other join one cluster, and other points within
the radius of a core join it too. Everyone else is "outside any cluster".

Privacy (DESIGN.md 6): a cluster needs at least 5 practitioners; any count
under 5 is shown as "fewer than 5"; a share is shown only when at least 5 said
yes and at least 5 did not, and then in 10% steps; nobody is placed on the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology import filters, taxonomy
from ecology.geography import PlaceTree

SUPPRESS_BELOW = 5
FEWER = "fewer than 5"
ALL_BUT = "all but fewer than 5"
MIN_SIZE_FLOOR = SUPPRESS_BELOW  # a smaller "cluster" would place individuals on the map
SHARE_STEP = 10  # percent
PROFILE_FLAGS = {
    "trained_safeguarding": "Safeguarding training", "trained_edi": "Equality & diversity training",
    "trained_mhfa": "Mental health first aid", "has_supervision": "Supervision",
    "in_peer_network": "Peer network", "paid_fairly": "Paid fairly",
    "lived_experience_led": "Lived-experience leadership",
    "ethnically_diverse": "Ethnically diverse (self-identified)", "disabled": "Disabled (self-identified)",
}
TRAINING = ("trained_safeguarding", "trained_edi", "trained_mhfa")
KM_PER_DEGREE = 2 * math.pi * filters.EARTH_RADIUS_KM / 360


# ---------------------------------------------------------------- clustering

def _neighbours(lat: np.ndarray, lon: np.ndarray, radius_km: float) -> list[np.ndarray]:
    """Return, per point, the indices of points within ``radius_km`` (itself included).

    Candidates come from a grid of cells one radius wide, on an equirectangular
    projection scaled for the points' highest latitude (it understates east-west
    distances, so no true neighbour falls outside the 3x3 cells); the exact
    test is the haversine distance.
    """
    y = lat * KM_PER_DEGREE
    x = lon * KM_PER_DEGREE * math.cos(math.radians(min(float(np.max(np.abs(lat))), 89.0))) if len(lat) else lon
    cell_x, cell_y = np.floor(x / radius_km).astype(np.int64), np.floor(y / radius_km).astype(np.int64)
    cells: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(zip(cell_x.tolist(), cell_y.tolist())):
        cells.setdefault(key, []).append(i)
    out = []
    for i in range(len(lat)):
        candidates = np.array([j for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                               for j in cells.get((cell_x[i] + dx, cell_y[i] + dy), ())], dtype=np.int64)
        distance = filters.distance_km(lat[candidates], lon[candidates], lat[i], lon[i])
        out.append(np.sort(candidates[distance <= radius_km + 1e-9]))
    return out


def dbscan(lat: np.ndarray, lon: np.ndarray, weight: np.ndarray, radius_km: float, min_size: int) -> np.ndarray:
    """Return a cluster label per point (1 = the largest cluster; -1 = outside any cluster).

    ``weight`` is how many practitioners each point holds; WGS84 degrees in, km radius.
    The answer does not depend on the order of the points: cores are joined into
    connected groups, and a non-core point within reach of several clusters joins
    the one whose nearest core is closest.
    """
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    weight = np.asarray(weight, dtype=float)
    labels = np.full(len(lat), -1, dtype=np.int64)
    if not len(lat):
        return labels
    neighbours = _neighbours(lat, lon, radius_km)
    core = np.array([weight[n].sum() for n in neighbours]) >= min_size
    group = 0
    for start in np.flatnonzero(core):
        if labels[start] >= 0:
            continue
        labels[start] = group
        stack = [start]
        while stack:
            here = stack.pop()
            for other in neighbours[here]:
                if core[other] and labels[other] < 0:
                    labels[other] = group
                    stack.append(other)
        group += 1
    for point in np.flatnonzero(~core):
        cores = neighbours[point][core[neighbours[point]]]
        if len(cores):
            distance = filters.distance_km(lat[cores], lon[cores], lat[point], lon[point])
            # Ties go to the core further south-west, a rule that ignores input order.
            nearest = cores[np.lexsort((lon[cores], lat[cores], distance))[0]]
            labels[point] = labels[nearest]
    if group == 0:
        return labels
    # Number the clusters by size (largest first), ties by their south-west-most point.
    member = labels >= 0
    sizes = np.bincount(labels[member], weights=weight[member], minlength=group)
    south = np.full(group, np.inf)
    np.minimum.at(south, labels[member], lat[member] * 1000 + lon[member])
    order = np.lexsort((south, -sizes))
    renumber = np.empty(group, dtype=np.int64)
    renumber[order] = np.arange(1, group + 1)
    return np.where(member, renumber[np.maximum(labels, 0)], -1)


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray  # per practitioner, in the input's order: cluster id, or -1
    radius_km: float
    min_size: int

    @property
    def count(self) -> int:
        return int(self.labels.max()) if len(self.labels) and self.labels.max() > 0 else 0


def cluster(practitioners: pd.DataFrame, radius_km: float, min_size: int) -> Clustering:
    """Return each practitioner's cluster (by their district's centroid); ``min_size`` below 5 is
    raised to 5, so no cluster can point at fewer than 5 people."""
    min_size = max(int(min_size), MIN_SIZE_FLOOR)
    located = practitioners["latitude"].notna() & practitioners["longitude"].notna()
    points = practitioners.loc[located, ["latitude", "longitude"]].astype("float64")
    keys = points.groupby(["latitude", "longitude"], sort=True).ngroup().to_numpy()
    distinct = points.drop_duplicates().sort_values(["latitude", "longitude"])
    weight = np.bincount(keys)
    point_labels = dbscan(distinct["latitude"].to_numpy(), distinct["longitude"].to_numpy(), weight,
                          float(radius_km), min_size)
    labels = np.full(len(practitioners), -1, dtype=np.int64)
    labels[np.flatnonzero(located.to_numpy())] = point_labels[keys]
    return Clustering(labels, float(radius_km), min_size)


# ---------------------------------------------------------------- privacy

def count_text(n: int) -> str:
    """Return a count as shown anywhere: the number, or "fewer than 5"."""
    return FEWER if n < SUPPRESS_BELOW else f"{n:,}"


def share_text(yes: int, answered: int) -> str:
    """Return a share as shown: a 10% step when at least 5 said yes and 5 did not, else words."""
    if answered < SUPPRESS_BELOW:
        return FEWER + " answered"
    if yes < SUPPRESS_BELOW:
        return FEWER
    if answered - yes < SUPPRESS_BELOW:
        return ALL_BUT
    return f"about {int(round(100 * yes / answered / SHARE_STEP) * SHARE_STEP)}%"


def share_value(yes: int, answered: int) -> float:
    """Return the share shown as a number (0-1, 10% steps), NaN when it is suppressed."""
    if answered < SUPPRESS_BELOW or yes < SUPPRESS_BELOW or answered - yes < SUPPRESS_BELOW:
        return float("nan")
    return round(100 * yes / answered / SHARE_STEP) * SHARE_STEP / 100


# ---------------------------------------------------------------- profiles

def _names(codes: pd.Series, tree: PlaceTree) -> str:
    found = sorted({tree.label(c) for c in codes.dropna().unique() if c in tree})
    return ", ".join(found)


def profiles(practitioners: pd.DataFrame, result: Clustering, tree: PlaceTree) -> pd.DataFrame:
    """Return one row per cluster with counts (not yet suppressed): cluster, size, centre
    (lat, lon), local authorities, ICBs, discipline counts, and per profile flag its yes and
    answered counts (``<flag>_yes``, ``<flag>_answered``). Worked out with one group-by per field."""
    inside = result.labels > 0
    members = practitioners[inside].assign(cluster=result.labels[inside])
    if members.empty:
        return pd.DataFrame()
    grouped = members.groupby("cluster", sort=True)
    out = pd.DataFrame({"size": grouped.size()})
    out["centre_lat"] = grouped["latitude"].mean().round(4)
    out["centre_lon"] = grouped["longitude"].mean().round(4)
    out["local_authorities"] = grouped["lad_code"].agg(lambda codes: _names(codes, tree))
    out["icbs"] = grouped["icb_code"].agg(lambda codes: _names(codes, tree))
    out["districts"] = grouped["postcode_district"].nunique()
    terms = members["disciplines"].fillna("").str.strip("|").str.split("|").explode()
    terms = terms[terms != ""]
    by_cluster = terms.groupby(members.loc[terms.index, "cluster"].to_numpy()).value_counts()
    out["discipline_counts"] = [by_cluster.get(label, pd.Series(dtype=int)).to_dict() for label in out.index]
    for flag in PROFILE_FLAGS:
        answered = members[flag].notna()
        out[f"{flag}_yes"] = (members[flag].fillna(False).astype(bool)).groupby(members["cluster"]).sum().astype(int)
        out[f"{flag}_answered"] = answered.groupby(members["cluster"]).sum().astype(int)
    return out.reset_index()


def discipline_mix(counts: dict[str, int], size: int) -> str:
    """Return the disciplines held by at least 5 members, largest first, e.g. "Music 40%, Dance 30%"."""
    shown = [(t, n) for t, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n >= SUPPRESS_BELOW]
    return ", ".join(f"{taxonomy.label_of('activity', t)} {round(100 * n / size)}%" for t, n in shown[:5])


def profile_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Return the cluster profiles as shown and exported: every count and share suppressed."""
    if raw.empty:
        return pd.DataFrame(columns=["Cluster", "Practitioners", "Local authorities", "ICBs", "Disciplines",
                                     *PROFILE_FLAGS.values()])
    table = pd.DataFrame({
        "Cluster": raw["cluster"], "Practitioners": raw["size"].map(count_text),
        "Local authorities": raw["local_authorities"], "ICBs": raw["icbs"],
        "Disciplines": [discipline_mix(c, s) for c, s in zip(raw["discipline_counts"], raw["size"])],
    })
    for flag, label in PROFILE_FLAGS.items():
        table[label] = [share_text(y, a) for y, a in zip(raw[f"{flag}_yes"], raw[f"{flag}_answered"])]
    return table


def support_gaps(raw: pd.DataFrame) -> pd.DataFrame:
    """Return clusters by how thin their support is: the lowest shown share of training (any of
    the three) and of supervision, lowest first. Suppressed shares are left out, not guessed."""
    if raw.empty:
        return pd.DataFrame(columns=["Cluster", "Practitioners", "Local authorities", "Lowest training share",
                                     "Supervision"])
    training = pd.DataFrame({f: [share_value(y, a) for y, a in zip(raw[f"{f}_yes"], raw[f"{f}_answered"])]
                             for f in TRAINING})
    supervision = pd.Series([share_value(y, a) for y, a in zip(raw["has_supervision_yes"],
                                                                raw["has_supervision_answered"])])
    out = pd.DataFrame({"Cluster": raw["cluster"], "Practitioners": raw["size"].map(count_text),
                        "Local authorities": raw["local_authorities"],
                        "Lowest training share": training.min(axis=1), "Supervision": supervision})
    out["_order"] = out[["Lowest training share", "Supervision"]].min(axis=1)
    return out.dropna(subset=["_order"]).sort_values(["_order", "Cluster"]).drop(columns="_order").reset_index(
        drop=True)


def isolated_by_area(practitioners: pd.DataFrame, result: Clustering, tree: PlaceTree) -> pd.DataFrame:
    """Return per local authority: practitioners outside any cluster and in all (suppressed as text),
    most isolated first; ``isolated_n`` keeps the number for ordering (not for display)."""
    frame = pd.DataFrame({"lad_code": practitioners["lad_code"], "isolated": result.labels < 0})
    grouped = frame.groupby("lad_code").agg(isolated_n=("isolated", "sum"), total=("isolated", "size")).reset_index()
    grouped = grouped[grouped["isolated_n"] > 0].sort_values(["isolated_n", "lad_code"], ascending=[False, True])
    return pd.DataFrame({
        "Local authority": grouped["lad_code"].map(lambda c: tree.label(c) if c in tree else c),
        "ICB": grouped["lad_code"].map(lambda c: tree.label(tree.get(c)["icb_code"]) if c in tree else ""),
        "Outside any cluster": grouped["isolated_n"].map(count_text),
        "Practitioners": grouped["total"].map(count_text),
        "isolated_n": grouped["isolated_n"], "lad_code": grouped["lad_code"],
    }).reset_index(drop=True)


# ---------------------------------------------------------------- outlines and export

def outlines(practitioners: pd.DataFrame, result: Clustering) -> dict[int, dict]:
    """Return {cluster: GeoJSON polygon}: the hull of the cluster's district centroids, widened by
    half the radius (so one- and two-district clusters get an area too). WGS84 degrees."""
    import shapely

    shapes = {}
    for label in range(1, result.count + 1):
        members = practitioners[result.labels == label]
        lat0 = float(members["latitude"].mean())
        scale_x = KM_PER_DEGREE * math.cos(math.radians(lat0))
        xy = np.column_stack([members["longitude"] * scale_x, members["latitude"] * KM_PER_DEGREE])
        hull = shapely.convex_hull(shapely.multipoints(xy)).buffer(result.radius_km / 2, quad_segs=8)
        ring = np.asarray(hull.exterior.coords)
        coords = [[round(x / scale_x, 5), round(y / KM_PER_DEGREE, 5)] for x, y in ring]
        shapes[label] = {"type": "Polygon", "coordinates": [coords]}
    return shapes


def to_geojson(raw: pd.DataFrame, shapes: dict[int, dict]) -> dict:
    """Return the clusters as a FeatureCollection of outlines with their suppressed profiles."""
    table = profile_table(raw)
    features = []
    for (_, row), (_, shown) in zip(raw.iterrows(), table.iterrows()):
        properties = {key: value for key, value in shown.items()}
        properties.update(centre_lat=row["centre_lat"], centre_lon=row["centre_lon"])
        features.append({"type": "Feature", "geometry": shapes[int(row["cluster"])], "properties": properties})
    return {"type": "FeatureCollection", "features": features}
