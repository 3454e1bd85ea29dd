"""Disclosure control for practitioners: the rules, adversarial layouts (hypothesis), and attacks.

The pure tests build their own tiny place tree; the last ones run against the
shipped sample (the data build).
"""

from __future__ import annotations

import io
import itertools
import json
import math
import re
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings, strategies as st

from ecology import schema
from ecology.analysis import clusters, privacy
from ecology.places import geography

KM_LAT = clusters.KM_PER_DEGREE
ORIGIN = (53.0, -1.5)
SHARE = re.compile(r"^about (\d+)%$")


# ---------------------------------------------------------------- the rules


@pytest.mark.parametrize("n, shown", [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (7, "5"),
                                      (8, "10"), (12, "10"), (13, "15"), (1234, "1,235")])
def test_counts_are_0_suppressed_under_5_or_rounded_to_the_nearest_5(n, shown):
    assert privacy.count_text(n) == shown


@given(st.lists(st.integers(0, 10_000), max_size=50))
def test_counts_rounded_together_equal_counts_rounded_one_at_a_time(counts):
    together = privacy.published_counts(pd.Series(counts, dtype="int64")).tolist()
    assert [None if pd.isna(v) else int(v) for v in together] == [privacy.published_count(n) for n in counts]


@given(st.integers(0, 100_000))
def test_a_published_count_is_within_2_of_the_truth_and_never_1_to_4(n):
    shown = privacy.published_count(n)
    if 1 <= n <= 4:
        assert shown is None
    else:
        assert shown % 5 == 0 and abs(shown - n) <= 2 and (shown >= 5 or n == 0)


def test_a_rate_gives_back_only_the_rounded_count():
    counts = pd.Series([3, 7, 12, 0])
    population = pd.Series([10_000, 20_000, 50_000, 1_000])
    rates = privacy.rates_per_10k(counts, population)
    assert math.isnan(rates[0])  # 3 people: suppressed with the count
    assert (rates[1:] * population[1:] / 10_000).round(6).tolist() == [5, 10, 0]


@pytest.mark.parametrize("yes, answered, shown", [
    (4, 20, "fewer than 5"), (5, 20, "about 20%"), (16, 20, "all but fewer than 5"), (15, 20, "about 80%"),
    (3, 4, "fewer than 5 answered"), (7, 12, "about 60%"), (7, 11, "all but fewer than 5"),
])
def test_shares_need_5_on_each_side_and_are_shown_in_10pc_steps(yes, answered, shown):
    assert privacy.share_text(yes, answered) == shown


def test_a_discipline_held_by_6_of_7_does_not_say_exactly_one_member_lacks_it():
    # In a cluster of 7, "Music 86%" would say that exactly one member does not do music.
    mix = privacy.term_mix({"music": 6, "dance": 2}, 7, str.capitalize)
    assert mix == "Music (all but fewer than 5)"
    assert "%" not in mix


def test_areas_are_named_only_where_5_members_are():
    names = {"A": "Leeds", "B": "Bradford", "C": "Wakefield", "D": "York"}.get
    assert privacy.named_areas({"A": 9, "B": 5, "C": 2, "D": 1}, names) == "Bradford, Leeds and 2 other areas"
    assert privacy.named_areas({"C": 4}, names) == "1 other area"
    assert privacy.named_areas({"A": 30}, names) == "Leeds"


# ---------------------------------------------------------------- a tiny world


def _tree() -> geography.PlaceTree:
    rows = [("E92000001", "England", "england", None, None, None),
            ("R1", "Region", "region", "E92000001", "R1", None),
            ("I1", "Test ICB", "icb", "R1", "R1", "I1"),
            ("LA_W", "Westshire", "lad", "I1", "R1", "I1"),
            ("LA_E", "Eastshire", "lad", "I1", "R1", "I1")]
    table = pd.DataFrame(rows, columns=["code", "name", "level", "parent_code", "region_code", "icb_code"])
    table["label"] = table["name"]
    return geography.PlaceTree.from_table(table)


TREE = _tree()


def _people(points: list[tuple[float, float, int]], flags: list[bool] | None = None) -> pd.DataFrame:
    """Return practitioners: ``weight`` people at each (x km east, y km north) of ORIGIN."""
    rows = []
    for position, (x, y, weight) in enumerate(points):
        lat = ORIGIN[0] + y / KM_LAT
        lon = ORIGIN[1] + x / (KM_LAT * math.cos(math.radians(ORIGIN[0])))
        for person in range(weight):
            flag = flags[(position + person) % len(flags)] if flags else bool(person % 2)
            rows.append({"practitioner_id": f"p{position}-{person}", "postcode_district": f"T{position}",
                         "latitude": round(lat, 6), "longitude": round(lon, 6),
                         "lad_code": "LA_W" if x < 30 else "LA_E", "icb_code": "I1", "region_code": "R1",
                         "disciplines": "|music|" if flag else "|music|dance|", "trained_safeguarding": flag,
                         "has_supervision": not flag, "disabled": flag if person % 3 else None})
    return schema.conform(pd.DataFrame(rows), schema.PRACTITIONER_COLUMNS)


def test_a_core_that_loses_its_border_district_to_another_cluster_is_dissolved():
    # Along a line (km, people): D(-9, 3) A(0, 1) B(6, 1) C(11, 1) E(20, 3); radius 10, minimum 5.
    # A is a core (D + A + B = 5) and so is C (B + C + E = 5); B is not, and joins its nearest
    # core, C. A is left holding D and itself: 4 people, which must not be shown as a cluster.
    people = _people([(-9, 0, 3), (0, 0, 1), (6, 0, 1), (11, 0, 1), (20, 0, 3)])
    view = clusters.publish(people, 10, 5, TREE)
    assert view.clustering.count == 1
    assert view.raw["size"].tolist() == [5]
    assert len(view.shapes) == len(view.circles) == len(view.geojson()["features"]) == 1
    assert view.summary()["outside"] == "fewer than 5"


# ---------------------------------------------------------------- adversarial layouts


@st.composite
def layouts(draw):
    """Districts (x km, y km, people) built to hurt: cores, chains of small districts running
    off them, points tied between two cores, and a dense coastline of 1-4s."""
    radius = draw(st.integers(1, 15))
    points: list[tuple[float, float, int]] = []
    for _ in range(draw(st.integers(1, 3))):  # cores
        points.append((draw(st.integers(0, 60)), draw(st.integers(0, 60)), draw(st.integers(5, 25))))
    for _ in range(draw(st.integers(0, 3))):  # chains of small districts near a core
        x, y, _ = draw(st.sampled_from(points))
        angle = draw(st.sampled_from([0, 90, 180, 270]))
        for step in range(1, draw(st.integers(1, 6)) + 1):
            gap = draw(st.integers(1, radius)) * step
            points.append((x + gap * math.cos(math.radians(angle)), y + gap * math.sin(math.radians(angle)),
                           draw(st.integers(1, 4))))
    if len(points) >= 2 and draw(st.booleans()):  # a district exactly between two others (a tie)
        (x1, y1, _), (x2, y2, _) = points[0], points[1]
        points.append(((x1 + x2) / 2, (y1 + y2) / 2, draw(st.integers(1, 4))))
    if draw(st.booleans()):  # a dense coastline
        y = draw(st.integers(0, 60))
        for x in range(0, draw(st.integers(2, 40)), draw(st.integers(1, 3))):
            points.append((x, y, draw(st.integers(1, 4))))
    flags = draw(st.lists(st.booleans(), min_size=1, max_size=7))
    return points, flags, radius, draw(st.integers(1, 30))


def published_numbers(view: clusters.ClusterView) -> list[int]:
    """Return every count of people the view shows, as numbers ("fewer than 5" left out)."""
    texts = list(view.summary().values())[1:]  # the first is how many clusters, not people
    texts += view.table["Practitioners"].tolist()
    texts += view.isolated["Outside any cluster"].tolist() + view.isolated["Practitioners"].tolist()
    texts += [count for _, _, count, _ in view.circles]
    texts += [f["properties"]["Practitioners"] for f in view.geojson()["features"]]
    return [int(t.replace(",", "")) for t in texts if t != privacy.FEWER]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_adversarial_layouts_show_no_small_cluster_and_no_two_counts_1_to_4_apart(layout):
    points, flags, radius, min_size = layout
    people = _people(points, flags)
    view = clusters.publish(people, radius, min_size, TREE)
    floor = max(min_size, 5)
    # Every cluster shown holds at least the minimum size, in every form it is shown.
    assert (view.raw["size"] >= floor).all() if len(view.raw) else True
    sizes = np.bincount(view.clustering.labels[view.clustering.labels > 0])[1:]
    assert (sizes >= floor).all()
    assert len(view.shapes) == len(view.circles) == len(view.table) == len(view.geojson()["features"]) \
        == view.clustering.count
    # No pair of published counts differs by 1-4 people.
    numbers = published_numbers(view)
    for a, b in itertools.combinations(numbers, 2):
        assert not 1 <= abs(a - b) <= 4, (a, b)
    # Shares: only in 10% steps, and only over 5+ yes and 5+ no.
    for (_, raw), (_, shown) in zip(view.raw.iterrows(), view.table.iterrows()):
        for flag, label in clusters.PROFILE_FLAGS.items():
            found = SHARE.match(shown[label])
            if found:
                yes, answered = raw[f"{flag}_yes"], raw[f"{flag}_answered"]
                assert yes >= 5 and answered - yes >= 5 and int(found.group(1)) % 10 == 0
        for part in filter(None, shown["Disciplines"].split(", ")):
            assert part.endswith("(all but fewer than 5)") or re.search(r" about \d+0%$", part), part


# ---------------------------------------------------------------- attacks on the shipped sample


@pytest.fixture(scope="module")
def sample(built) -> pd.DataFrame:
    return schema.conform(pd.read_parquet(geography.paths.build_dir() / "practitioners.parquet"),
                          schema.PRACTITIONER_COLUMNS)


@pytest.fixture(scope="module")
def tree(built) -> geography.PlaceTree:
    return geography.PlaceTree.from_table(geography.place_table())


SCILLY = {"practitioner_id": "target", "postcode_district": "TR21", "latitude": 49.9145, "longitude": -6.3164,
          "lad_code": "E06000053", "icb_code": "E54000036", "region_code": "E40000006", "disciplines": "|dance|",
          "disabled": True, "trained_safeguarding": False, "is_sample": True,
          "health_focus": "|dementia|mental_health|"}


def test_a_lone_practitioner_is_never_revealed_at_any_radius_minimum_size_or_place(sample, tree):
    """An attacker knows one practitioner is the only one (and Disabled) in a remote district and
    tries every radius (1-50 km), minimum size (5-100) and place holding them."""
    target = schema.conform(pd.DataFrame([SCILLY]), schema.PRACTITIONER_COLUMNS)
    people = pd.concat([sample, target], ignore_index=True)
    is_target = (people["practitioner_id"] == "target").to_numpy()
    sizes = range(5, 101)
    places = [tree.get("E06000053")["code"], "E54000036", "E40000006", "E92000001"]
    point = shapely.Point(SCILLY["longitude"], SCILLY["latitude"])
    for radius in range(1, 51):
        with_target = clusters.cluster_many(people, radius, sizes)
        without = clusters.cluster_many(sample, radius, sizes)
        for min_size, seen, unseen in zip(sizes, with_target, without):
            # They join no cluster, and nobody else's cluster changes because they exist: so no
            # outline, circle, profile, CSV or GeoJSON can differ with them in the register. And
            # every cluster at every setting holds at least the minimum size.
            assert seen.labels[is_target][0] == -1, (radius, min_size)
            assert (seen.labels[~is_target] == unseen.labels).all(), (radius, min_size)
            assert (np.bincount(seen.labels[seen.labels > 0])[1:] >= min_size).all()
        for min_size in (5, 20, 100):  # the shapes and tables themselves, as the page shows them
            view = clusters.publish(people, radius, min_size, tree)
            assert not any(shapely.geometry.shape(s).contains(point) for s in view.shapes.values())
            assert all(abs(lat - SCILLY["latitude"]) + abs(lon - SCILLY["longitude"]) > 0.2
                       for lat, lon, _, _ in view.circles)
            named = [f["properties"]["Local authorities"] for f in view.geojson()["features"]]
            assert not any("Isles of Scilly" in areas.split(", ") for areas in named)
            for place in places:  # every place the page can be set to that holds them
                shown = view.isolated[view.isolated["lad_code"].isin(tree.lads_within(place))]
                scilly = shown[shown["lad_code"] == "E06000053"]
                assert scilly[["Outside any cluster", "Practitioners"]].values.tolist() == [
                    [privacy.FEWER, privacy.FEWER]]


def test_the_cluster_command_lists_only_clusters_of_5_or_more(built):
    """The two settings a user found clusters of 4 at, through the command, as CSV and GeoJSON."""
    from ecology import __main__ as cli

    for radius, min_size in ((8, 5), (10, 8)):
        outputs = {}
        for form in ("csv", "geojson"):
            out = io.StringIO()
            with redirect_stdout(out):
                assert cli.main(["clusters", "--radius-km", str(radius), "--min-size", str(min_size),
                                 "--format", form]) == 0
            outputs[form] = out.getvalue()
        table = pd.read_csv(io.StringIO(outputs["csv"]), dtype=str)
        assert len(table) > 10
        assert privacy.FEWER not in table["Practitioners"].tolist()
        assert table["Practitioners"].str.replace(",", "").astype(int).ge(5).all()
        features = json.loads(outputs["geojson"])["features"]
        assert [f["properties"]["Practitioners"] for f in features] == table["Practitioners"].tolist()


def test_a_local_authority_cannot_be_subtracted_from_its_icb_to_find_1_to_4_practitioners(sample):
    from ecology.analysis import gaps

    target = schema.conform(pd.DataFrame([SCILLY]), schema.PRACTITIONER_COLUMNS)
    people = pd.concat([sample, target], ignore_index=True)
    inputs = gaps.load_inputs()
    no_assets = pd.DataFrame({"lad_code": pd.Series([], dtype=str), "icb_code": pd.Series([], dtype=str)})
    for theme in (None, "dementia", "mental_health"):
        lads = gaps.gap_table(inputs, no_assets, "lad", theme, practitioners=people)
        icbs = gaps.gap_table(inputs, no_assets, "icb", theme, practitioners=people)
        numbers = [int(n) for n in pd.concat([lads["practitioners"], icbs["practitioners"]]).dropna()]
        assert numbers and all(n % 5 == 0 for n in numbers)
        scilly = lads.loc[lads["area_code"] == "E06000053"].iloc[0]
        assert pd.isna(scilly["practitioners"]) and math.isnan(scilly["practitioners_per_10k"])
        # A rate times the population it is over gives back the rounded count (to the rate's
        # three decimals), not the exact one.
        shown = lads.dropna(subset=["practitioners"])
        back = shown["practitioners_per_10k"] * shown["pop21_total"] / 10_000
        slack = 0.0005 * shown["pop21_total"] / 10_000 + 1e-9
        assert ((back - shown["practitioners"].astype(float)).abs() <= slack).all()
        shown_scilly = gaps.display(lads).loc[(lads["area_code"] == "E06000053").to_numpy(), "Practitioners"]
        assert shown_scilly.iloc[0] == privacy.FEWER
