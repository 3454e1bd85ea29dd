"""Clusters of creative practitioners, found by density on the sphere, and shown privately.

Practitioners are placed only at their postcode district's centroid, so the
clustering runs on distinct district points weighted by how many practitioners
each holds. It is DBSCAN with great-circle (haversine) distances: a point is a
core when at least ``min_size`` practitioners are within ``radius_km`` of it;
cores within the radius of each other join one cluster, and other points within
the radius of a core join it too. A group left with fewer than ``min_size``
people (a border district joins its nearest core, so a core can lose its
neighbours to another cluster) is dissolved. Everyone else is "outside any cluster".

Everything shown about practitioners goes through ``publish``, which applies
the rules of ``ecology.analysis.privacy`` (suppression under 5, rounding to base 5,
banded shares, areas named only where 5 are).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology import taxonomy
from ecology.analysis import filters, privacy
from ecology.places.geography import PlaceTree

MIN_SIZE_FLOOR = privacy.MIN_CLUSTER_SIZE  # a smaller "cluster" would place individuals on the map
# The Practitioners page opens at these; the Overview and the briefing count clusters at them.
DEFAULT_RADIUS_KM = 10.0
DEFAULT_MIN_SIZE = 10
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


@dataclass(frozen=True)
class NeighbourGraph:
    """Every pair of points within the radius of each other (both ways, each point with itself),
    with its great-circle distance in km: built once per radius, labelled for any minimum size."""

    lat: np.ndarray
    lon: np.ndarray
    source: np.ndarray
    target: np.ndarray
    distance_km: np.ndarray

    @classmethod
    def build(cls, lat, lon, radius_km: float) -> "NeighbourGraph":
        lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        neighbours = _neighbours(lat, lon, radius_km) if len(lat) else []
        source = np.repeat(np.arange(len(lat)), [len(n) for n in neighbours]).astype(np.int64)
        target = np.concatenate(neighbours).astype(np.int64) if neighbours else np.zeros(0, dtype=np.int64)
        distance = filters.distance_km(lat[target], lon[target], lat[source], lon[source])
        return cls(lat, lon, source, target, np.asarray(distance, dtype=float))

    def labels(self, weight, min_size: int) -> np.ndarray:
        """Return a cluster label per point (1 = the largest cluster; -1 = outside any cluster).

        A point is a core when the points within reach hold at least ``min_size``; cores
        within reach of each other are one cluster (connected components, found by
        hooking each core to its lowest-numbered neighbour and jumping pointers); a
        non-core point joins the cluster of its nearest core, ties to the core further
        south-west. None of this depends on the order of the points.
        """
        n = len(self.lat)
        weight = np.asarray(weight, dtype=float)
        labels = np.full(n, -1, dtype=np.int64)
        if not n:
            return labels
        core = np.bincount(self.source, weights=weight[self.target], minlength=n) >= min_size
        if not core.any():
            return labels
        both = core[self.source] & core[self.target]
        a, b = self.source[both], self.target[both]
        component = np.arange(n)
        while True:
            hooked = component.copy()
            np.minimum.at(hooked, a, component[b])
            hooked = hooked[hooked]
            if np.array_equal(hooked, component):
                break
            component = hooked
        labels[core] = component[core]
        border = ~core[self.source] & core[self.target]
        if border.any():
            s, t = self.source[border], self.target[border]
            order = np.lexsort((self.lon[t], self.lat[t], self.distance_km[border], s))
            first = np.unique(s[order], return_index=True)[1]
            labels[s[order][first]] = component[t[order][first]]
        # Number the clusters by size (largest first), ties by their south-west-most point.
        member = labels >= 0
        groups, index = np.unique(labels[member], return_inverse=True)
        sizes = np.bincount(index, weights=weight[member])
        south = np.full(len(groups), np.inf)
        np.minimum.at(south, index, self.lat[member] * 1000 + self.lon[member])
        renumber = np.empty(len(groups), dtype=np.int64)
        renumber[np.lexsort((south, -sizes))] = np.arange(1, len(groups) + 1)
        labels[member] = renumber[index]
        return labels


def dbscan(lat: np.ndarray, lon: np.ndarray, weight: np.ndarray, radius_km: float, min_size: int) -> np.ndarray:
    """Return a cluster label per point (1 = the largest cluster; -1 = outside any cluster).

    ``weight`` is how many practitioners each point holds; WGS84 degrees in, km radius.
    See ``NeighbourGraph.labels`` for the rule.
    """
    return NeighbourGraph.build(lat, lon, radius_km).labels(weight, min_size)


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray  # per practitioner, in the input's order: cluster id, or -1
    radius_km: float
    min_size: int

    @property
    def count(self) -> int:
        return int(self.labels.max()) if len(self.labels) and self.labels.max() > 0 else 0


def cluster_many(practitioners: pd.DataFrame, radius_km: float, min_sizes) -> list[Clustering]:
    """Return the clustering at one radius for each of ``min_sizes`` (the neighbour graph is
    built once). Each is as ``cluster`` gives it."""
    located = practitioners["latitude"].notna() & practitioners["longitude"].notna()
    points = practitioners.loc[located, ["latitude", "longitude"]].astype("float64")
    keys = points.groupby(["latitude", "longitude"], sort=True).ngroup().to_numpy()
    distinct = points.drop_duplicates().sort_values(["latitude", "longitude"])
    weight = np.bincount(keys, minlength=len(distinct))
    lat, lon = distinct["latitude"].to_numpy(), distinct["longitude"].to_numpy()
    graph = NeighbourGraph.build(lat, lon, float(radius_km))
    out = []
    for asked in min_sizes:
        min_size = max(int(asked), MIN_SIZE_FLOOR)
        point_labels = privacy.dissolve_small(graph.labels(weight, min_size), weight, min_size,
                                              order_key=lat * 1000 + lon)
        labels = np.full(len(practitioners), -1, dtype=np.int64)
        labels[np.flatnonzero(located.to_numpy())] = point_labels[keys]
        out.append(Clustering(labels, float(radius_km), min_size))
    return out


def cluster(practitioners: pd.DataFrame, radius_km: float, min_size: int) -> Clustering:
    """Return each practitioner's cluster (by their district's centroid).

    ``min_size`` below 5 is raised to 5. After DBSCAN labels the districts, a group
    holding fewer than ``min_size`` people is dissolved (``privacy.dissolve_small``),
    so every cluster holds at least ``min_size`` practitioners.
    """
    return cluster_many(practitioners, radius_km, [min_size])[0]


# ---------------------------------------------------------------- profiles

def _area_counts(members: pd.DataFrame, column: str) -> dict[int, dict[str, int]]:
    """Return {cluster: {area code: members}} for one area column."""
    counts: dict[int, dict[str, int]] = {}
    for (label, code), n in members.dropna(subset=[column]).groupby(["cluster", column]).size().items():
        counts.setdefault(int(label), {})[code] = int(n)
    return counts


def profiles(practitioners: pd.DataFrame, result: Clustering, tree: PlaceTree) -> pd.DataFrame:
    """Return one row per cluster with exact counts (for ``publish`` only, never shown as is):
    cluster, size, centre (lat, lon: the plain mean of its districts' centroids), the areas it
    names (``privacy.named_areas``), discipline counts, and per profile flag its yes and
    answered counts (``<flag>_yes``, ``<flag>_answered``). One group-by per field."""
    inside = result.labels > 0
    members = practitioners[inside].assign(cluster=result.labels[inside])
    if members.empty:
        return pd.DataFrame()
    grouped = members.groupby("cluster", sort=True)
    out = pd.DataFrame({"size": grouped.size()})
    districts = members.drop_duplicates(["cluster", "latitude", "longitude"]).groupby("cluster")
    out["centre_lat"] = districts["latitude"].mean().round(4)
    out["centre_lon"] = districts["longitude"].mean().round(4)

    labels = tree.places["label"].to_dict()

    def name(code: str) -> str:
        return labels.get(code, code)

    for column, shown in (("lad_code", "local_authorities"), ("icb_code", "icbs")):
        counts = _area_counts(members, column)
        out[shown] = [privacy.named_areas(counts.get(label, {}), name) for label in out.index]
    terms = members["disciplines"].fillna("").str.strip("|").str.split("|").explode()
    terms = terms[terms != ""]
    by_cluster: dict[int, dict[str, int]] = {}
    for (label, term), n in terms.groupby(members.loc[terms.index, "cluster"].to_numpy()).value_counts().items():
        by_cluster.setdefault(int(label), {})[term] = int(n)
    out["discipline_counts"] = [by_cluster.get(int(label), {}) for label in out.index]
    for flag in PROFILE_FLAGS:
        answered = members[flag].notna()
        out[f"{flag}_yes"] = (members[flag].fillna(False).astype(bool)).groupby(members["cluster"]).sum().astype(int)
        out[f"{flag}_answered"] = answered.groupby(members["cluster"]).sum().astype(int)
    return out.reset_index()


def discipline_mix(counts: dict[str, int], size: int) -> str:
    """Return the disciplines at least 5 members hold, in banded shares, e.g. "Music about 40%"."""
    return privacy.term_mix(counts, size, lambda term: taxonomy.label_of("activity", term))


PROFILE_COLUMNS = ["Cluster", "Practitioners", "Local authorities", "ICBs", "Disciplines", *PROFILE_FLAGS.values()]


def profile_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Return the cluster profiles as shown and exported: every count and share suppressed."""
    if raw.empty:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    table = pd.DataFrame({
        "Cluster": raw["cluster"], "Practitioners": raw["size"].map(privacy.count_text),
        "Local authorities": raw["local_authorities"], "ICBs": raw["icbs"],
        "Disciplines": [discipline_mix(c, s) for c, s in zip(raw["discipline_counts"], raw["size"])],
    })
    for flag, label in PROFILE_FLAGS.items():
        table[label] = [privacy.share_text(y, a) for y, a in zip(raw[f"{flag}_yes"], raw[f"{flag}_answered"])]
    return table


def support_gaps(raw: pd.DataFrame) -> pd.DataFrame:
    """Return clusters by how thin their support is: the lowest shown share of training (any of
    the three) and of supervision, lowest first. Suppressed shares are left out, not guessed."""
    if raw.empty:
        return pd.DataFrame(columns=["Cluster", "Practitioners", "Local authorities", "Lowest training share",
                                     "Supervision"])
    training = pd.DataFrame({f: [privacy.share_value(y, a) for y, a in zip(raw[f"{f}_yes"], raw[f"{f}_answered"])]
                             for f in TRAINING})
    supervision = pd.Series([privacy.share_value(y, a) for y, a in zip(raw["has_supervision_yes"],
                                                                        raw["has_supervision_answered"])])
    out = pd.DataFrame({"Cluster": raw["cluster"], "Practitioners": raw["size"].map(privacy.count_text),
                        "Local authorities": raw["local_authorities"],
                        "Lowest training share": training.min(axis=1), "Supervision": supervision})
    out["_order"] = out[["Lowest training share", "Supervision"]].min(axis=1)
    return out.dropna(subset=["_order"]).sort_values(["_order", "Cluster"]).drop(columns="_order").reset_index(
        drop=True)


def isolated_by_area(practitioners: pd.DataFrame, result: Clustering, tree: PlaceTree) -> pd.DataFrame:
    """Return per local authority with anyone outside a cluster: that count and all practitioners,
    both as published (suppressed, rounded), most isolated first by the published count;
    ``lad_code`` is kept for filtering by place."""
    frame = pd.DataFrame({"lad_code": practitioners["lad_code"], "isolated": result.labels < 0})
    grouped = frame.groupby("lad_code").agg(isolated_n=("isolated", "sum"), total=("isolated", "size")).reset_index()
    grouped = grouped[grouped["isolated_n"] > 0]
    # Order by what is shown (suppressed counts last), so the order gives away no exact count.
    grouped["shown"] = privacy.published_counts(grouped["isolated_n"]).fillna(0).astype(int)
    labels = tree.places["label"]
    grouped["name"] = grouped["lad_code"].map(labels).fillna(grouped["lad_code"])
    grouped = grouped.sort_values(["shown", "name"], ascending=[False, True])
    icb = grouped["lad_code"].map(tree.places["icb_code"]).map(labels).fillna("")
    return pd.DataFrame({
        "Local authority": grouped["name"], "ICB": icb,
        "Outside any cluster": grouped["isolated_n"].map(privacy.count_text),
        "Practitioners": grouped["total"].map(privacy.count_text),
        "lad_code": grouped["lad_code"],
    }).reset_index(drop=True)


# ---------------------------------------------------------------- outlines and export

def outlines(practitioners: pd.DataFrame, result: Clustering) -> dict[int, dict]:
    """Return {cluster: GeoJSON polygon}: the hull of the cluster's district centroids, widened by
    half the radius (so one- and two-district clusters get an area too). WGS84 degrees.

    All clusters at once (one shapely call per step): each on a local equirectangular
    plane in km, scaled at the mean latitude of its districts."""
    import shapely

    if result.count == 0:
        return {}
    inside = result.labels > 0
    points = pd.DataFrame({"cluster": result.labels[inside], "lat": practitioners["latitude"].to_numpy()[inside],
                           "lon": practitioners["longitude"].to_numpy()[inside]}).drop_duplicates()
    points = points.sort_values(["cluster", "lat", "lon"])
    labels = points["cluster"].to_numpy()
    scale = KM_PER_DEGREE * np.cos(np.radians(points.groupby("cluster")["lat"].transform("mean").to_numpy()))
    xy = np.column_stack([points["lon"].to_numpy() * scale, points["lat"].to_numpy() * KM_PER_DEGREE])
    _, index = np.unique(labels, return_inverse=True)
    hulls = shapely.buffer(shapely.convex_hull(shapely.multipoints(xy, indices=index)), result.radius_km / 2,
                           quad_segs=8)
    cluster_scale = pd.Series(scale, index=labels).groupby(level=0).first()
    coords, owner = shapely.get_coordinates(shapely.get_exterior_ring(hulls), return_index=True)
    shapes = {}
    for position, label in enumerate(np.unique(labels)):
        ring = coords[owner == position] / [cluster_scale[label], KM_PER_DEGREE]
        shapes[int(label)] = {"type": "Polygon", "coordinates": [np.round(ring, 5).tolist()]}
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


# ---------------------------------------------------------------- what is published

@dataclass(frozen=True)
class ClusterView:
    """Everything the page, its downloads and the command show about practitioners at one setting.

    Only ``clustering`` and ``raw`` hold exact figures; they are for building the rest and
    for tests, never for display.
    """

    clustering: Clustering
    raw: pd.DataFrame
    table: pd.DataFrame  # cluster profiles as shown and exported (CSV)
    shapes: dict[int, dict]  # cluster -> outline polygon
    isolated: pd.DataFrame  # per local authority, published counts
    total: int  # exact, for building the summary only

    @property
    def circles(self) -> list[tuple[float, float, str, str]]:
        """Return (lat, lon, count text, hover label) per cluster, for the map."""
        return [(row.centre_lat, row.centre_lon, privacy.count_text(row.size),
                 f"Cluster {row.cluster}: {privacy.count_text(row.size)} practitioners ({row.local_authorities})")
                for row in self.raw.itertuples()]

    def summary(self) -> dict[str, str]:
        """Return the summary figures as shown: clusters, inside, outside, total."""
        inside = int((self.clustering.labels > 0).sum())
        return {"clusters": f"{self.clustering.count:,}", "inside": privacy.count_text(inside),
                "outside": privacy.count_text(self.total - inside), "total": privacy.count_text(self.total)}

    def geojson(self) -> dict:
        return to_geojson(self.raw, self.shapes)


def publish(practitioners: pd.DataFrame, radius_km: float, min_size: int, tree: PlaceTree) -> ClusterView:
    """Return the clusters at one setting with everything shown about them made private."""
    result = cluster(practitioners, radius_km, min_size)
    raw = profiles(practitioners, result, tree)
    return ClusterView(result, raw, profile_table(raw), outlines(practitioners, result),
                       isolated_by_area(practitioners, result, tree), len(practitioners))
