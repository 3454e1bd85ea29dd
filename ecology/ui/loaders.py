"""Cached loaders of the built data, keyed on the build folder's stamp.

A rebuild rewrites ``build_stamp.json``, which changes the key, so a running
server picks up new data without a restart. What takes longest to compute (the
register's records, the clusters, the maturity tables and a theme's tables) is
also kept on disk (``ecology.snapshots``), keyed on the contents it comes from,
so a restarted server reads it back instead of computing it again.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from ecology import paths, snapshots
from ecology.places import geography
from ecology.register import startup, store


def build_key() -> str:
    """Return a key that changes whenever the data build changes."""
    stamp = paths.build_dir() / paths.STAMP_NAME
    if not stamp.is_file():
        raise geography.BuildMissing(f"{paths.build_dir()} has no build: run `make data` first")
    return f"{stamp}:{stamp.stat().st_mtime_ns}"


def _build_fingerprint() -> str:
    return snapshots.file_fingerprint(paths.build_dir() / paths.STAMP_NAME)


def _evidence_fingerprint() -> str:
    folder = paths.authored_data_dir()
    return snapshots.file_fingerprint(*(folder / name for name in EVIDENCE_FILES))


def _kept(name: str, compute, *parts):
    """Return ``compute()``, kept on disk under the register's fingerprint and ``parts`` (computed
    afresh, and not kept, for a register with no fingerprint: an in-memory database). Where a
    computation reads the data build, ``parts`` hold the build key it read as well as the build's
    content fingerprint, so one made while a rebuild lands is never served for the new build."""
    fingerprint = the_register().fingerprint()
    return snapshots.kept(name, None if fingerprint is None else snapshots.key_of(fingerprint, *parts), compute)


def build_info() -> dict:
    """Return the build stamp (per target: when built, how long, what it holds)."""
    return json.loads((paths.build_dir() / paths.STAMP_NAME).read_text())


@st.cache_data(show_spinner=False)
def _place_table(key: str) -> pd.DataFrame:
    return geography.place_table()


# A resource: every rerun of every page asks for the tree, several times; a copy each time (what
# cache_data gives) cost more than the lookups made in it. Nothing changes it.
@st.cache_resource(show_spinner=False)
def _place_tree(key: str) -> geography.PlaceTree:
    return geography.PlaceTree.from_table(_place_table(key))


def place_tree() -> geography.PlaceTree:
    """Return the place hierarchy (England, regions, ICBs, local authorities); read-only."""
    return _place_tree(build_key())


# A resource, not data: map builders only read it, and copying 400 KB of
# nested dicts on every rerun would cost more than the map itself.
@st.cache_resource(show_spinner=False)
def _web_layer(level: str, key: str) -> dict:
    return geography.load_web_layer(level)


def web_layer(level: str) -> dict:
    """Return the web boundaries of one level as a GeoJSON FeatureCollection (do not mutate)."""
    return _web_layer(level, build_key())


@st.cache_data(show_spinner=False)
def _indicators(key: str) -> pd.DataFrame:
    return geography.load_indicators()


def indicators() -> pd.DataFrame:
    return _indicators(build_key())


@st.cache_resource(show_spinner=False)
def _register(url: str) -> store.Store:
    return startup.open_register(url)


def the_register() -> store.Store:
    """Return the register (opened, migrated and seeded once per server and database)."""
    return _register(paths.database_url())


# A resource: filtering never mutates it, and copying 100,000 rows on every
# rerun (what cache_data does) would cost more than the filtering. Keyed on the
# register's revision, so an import or an edit shows at the next rerun.
@st.cache_resource(show_spinner=False, max_entries=4)
def _assets(revision: str, include_retired: bool) -> pd.DataFrame:
    return _kept("assets-all" if include_retired else "assets-active",
                 lambda: the_register().records("assets", include_retired=include_retired))


def assets(include_retired: bool = False) -> pd.DataFrame:
    """Return the register's assets (real venues, sample offers and imported records) with
    area codes and bookkeeping columns (version, verified_by, retired_at ...)."""
    return _assets(the_register().revision(), include_retired)


@st.cache_data(show_spinner=False)
def _gp_practices(key: str) -> pd.DataFrame:
    return pd.read_parquet(paths.build_dir() / "gp_practices.parquet")


def gp_practices() -> pd.DataFrame:
    """Return active GP practices (context layer) with area codes."""
    return _gp_practices(build_key())


@st.cache_resource(show_spinner=False)
def _postcodes(key: str) -> geography.PostcodeTable:
    return geography.PostcodeTable.from_build()


def postcodes() -> geography.PostcodeTable:
    """Return the postcode lookup (read-only, shared by every session)."""
    return _postcodes(build_key())


@st.cache_resource(show_spinner=False)
def _assigner(key: str) -> geography.PointAssigner:
    return geography.PointAssigner.from_build()


def assigner() -> geography.PointAssigner:
    """Return the point -> local authority / ICB / region assigner (loads boundaries once, ~1 s)."""
    return _assigner(build_key())


@st.cache_data(show_spinner=False)
def _maturity_baseline(key: str, stamp: int) -> pd.DataFrame:
    from ecology.analysis import maturity

    places = _place_table(key)
    return maturity.load_baseline(icb_codes=set(places.loc[places["level"] == "icb", "code"]))


def maturity_baseline() -> pd.DataFrame:
    """Return the seed-document maturity baseline (checked against the ICB codes of the build)."""
    path = paths.authored_data_dir() / "maturity_baseline.csv"
    return _maturity_baseline(build_key(), path.stat().st_mtime_ns)


@st.cache_data(show_spinner=False, max_entries=4)
def _self_assessments(revision: str) -> pd.DataFrame:
    return the_register().assessments()


def self_assessments() -> pd.DataFrame:
    """Return every ICS self-assessment in the register (append-only), oldest first."""
    return _self_assessments(the_register().revision())


@st.cache_resource(show_spinner=False)
def _gap_inputs(key: str):
    from ecology.analysis import gaps

    return gaps.load_inputs()


def gap_inputs():
    """Return what coverage gaps are computed from (indicators, LAD-ICB shares, names); read-only."""
    return _gap_inputs(build_key())


@st.cache_resource(show_spinner=False, max_entries=16)
def _provision(revision: str, theme: str | None, activity: tuple[str, ...], sample: bool, venues: bool) -> pd.DataFrame:
    from ecology.analysis import gaps

    return gaps.provision_assets(assets(), place_tree(), gaps.provision_filter(theme, activity, sample, venues))


def provision(theme: str | None, activity: tuple[str, ...], include_sample: bool, include_venues: bool) -> pd.DataFrame:
    """Return the area codes of the active assets counted as provision for these choices."""
    return _provision(the_register().revision(), theme, tuple(activity), include_sample, include_venues)


@st.cache_resource(show_spinner=False, max_entries=4)
def _practitioners(revision: str) -> pd.DataFrame:
    return _kept("practitioners", lambda: the_register().records("practitioners"))


def practitioners() -> pd.DataFrame:
    """Return the register's practitioners (pseudonymous; postcode district centroids only)."""
    return _practitioners(the_register().revision())


# A resource: the page only reads the table, and it is the same for every viewer with the same
# choices, so a place change (which only moves the highlight) recomputes nothing.
@st.cache_resource(show_spinner=False, max_entries=32)
def _gap_table(revision: str, build: str, level: str, theme: str | None, activity: tuple[str, ...], sample: bool,
               venues: bool, use_imd: bool) -> pd.DataFrame:
    from ecology.analysis import gaps

    counted = gaps.counted_practitioners(_practitioners(revision), include_sample=sample)
    return gaps.gap_table(_gap_inputs(build), _provision(revision, theme, activity, sample, venues), level, theme,
                          practitioners=counted, use_imd=use_imd)


def gap_table(level: str, theme: str | None, activity: tuple[str, ...], *, include_sample: bool,
              include_venues: bool, use_imd: bool) -> pd.DataFrame:
    """Return the ranked gap table for these choices (``gaps.gap_table``, practitioners counted as
    provision is: real only unless sample records are included); read-only."""
    return _gap_table(the_register().revision(), build_key(), level, theme, tuple(activity), include_sample,
                      include_venues, use_imd)


@st.cache_resource(show_spinner=False, max_entries=32)
def _what_if_table(revision: str, build: str, level: str, theme: str | None, activity: tuple[str, ...], sample: bool,
                   venues: bool, use_imd: bool, code: str, added: int) -> pd.DataFrame:
    from ecology.analysis import gaps

    # Rank, score and rate depend on need and assets only, so the practitioner counts are left out.
    return gaps.gap_table(_gap_inputs(build), _provision(revision, theme, activity, sample, venues), level, theme,
                          extra={code: added}, use_imd=use_imd)


def what_if_table(level: str, theme: str | None, activity: tuple[str, ...], *, include_sample: bool,
                  include_venues: bool, use_imd: bool, code: str, added: int) -> pd.DataFrame:
    """Return the gap table with ``added`` more assets in area ``code`` (Coverage gaps' "what if");
    read-only."""
    return _what_if_table(the_register().revision(), build_key(), level, theme, tuple(activity), include_sample,
                          include_venues, use_imd, code, added)


@st.cache_data(show_spinner=False, max_entries=32)
def _nothing_counts(revision: str, build: str, place_code: str, theme_label: str, include_sample: bool) -> str:
    from ecology.analysis import gaps, investment

    tree = _place_tree(build)
    organisations = investment.organisations_in(arts(), tree.lads_within(place_code))
    return gaps.nothing_counts(assets(), tree, place_code, theme_label, include_sample=include_sample,
                               organisations=organisations)


def nothing_counts(place_code: str, theme_label: str, *, include_sample: bool) -> str:
    """Return the note Coverage gaps shows when no asset counts as provision (``gaps.nothing_counts``)."""
    return _nothing_counts(the_register().revision(), build_key(), place_code, theme_label, include_sample)


@st.cache_resource(show_spinner=False, max_entries=32)
def _clustering(revision: str, radius_km: float, min_size: int):
    from ecology.analysis import clusters

    build = build_key()
    return _kept(snapshots.name_for("clusters", str(radius_km), str(min_size)),
                 lambda: clusters.publish(practitioners(), radius_km, min_size, _place_tree(build)),
                 build, _build_fingerprint(), radius_km, min_size)


def clustering(radius_km: float, min_size: int):
    """Return the published clusters (``clusters.ClusterView``) for these settings; repeated
    settings come from the cache."""
    return _clustering(*clustering_key(radius_km, min_size))


def clustering_key(radius_km: float, min_size: int) -> tuple[str, float, int]:
    """Return what the clusters at these settings are computed from: (register revision, radius, size)."""
    return the_register().revision(), float(radius_km), int(min_size)


@st.cache_resource(show_spinner=False)
def _arts(key: str):
    from ecology.analysis import investment

    return investment.load()


def arts():
    """Return the Arts Council England investment and project grant tables (read-only)."""
    return _arts(build_key())


@st.cache_resource(show_spinner=False, max_entries=4)
def _area_money(key: str, level: str) -> pd.DataFrame:
    from ecology.analysis import investment

    return investment.area_money(gap_inputs(), arts(), level)


def area_money(level: str) -> pd.DataFrame:
    """Return the Arts Council sums per area of ``level`` (``investment.area_money``): the same for
    every theme, so a theme change only re-ranks (read-only)."""
    return _area_money(build_key(), level)


@st.cache_data(show_spinner=False)
def _pcn_tables(key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ecology import paths

    return (pd.read_parquet(paths.build_dir() / "pcns.parquet").sort_values("pcn_name", ignore_index=True),
            pd.read_parquet(paths.build_dir() / "pcn_practices.parquet"))


def pcns() -> pd.DataFrame:
    """Return one row per Primary Care Network (code, name, ICB, practices), by name."""
    return _pcn_tables(build_key())[0]


def pcn_practices() -> pd.DataFrame:
    """Return every GP practice with its PCN and location."""
    return _pcn_tables(build_key())[1]


def place_inputs():
    """Return everything a place profile reads (``place_profile.PlaceInputs``), from the caches above."""
    return _place_inputs(build_key(), the_register().revision(), _evidence_stamp())


@st.cache_resource(show_spinner=False, max_entries=4)
def _place_inputs(key: str, revision: str, stamp: tuple[int, ...]):
    from ecology.analysis import place_profile

    evidence, assessments, current, summary = _maturity_parts(key, revision, stamp)
    return place_profile.PlaceInputs(place_tree(), gap_inputs(), assets(), practitioners(),
                                     clustering(_default_radius(), _default_min_size()), current, summary, evidence,
                                     assessments, arts())


EVIDENCE_FILES = ("maturity_baseline.csv", "maturity_evidence.csv", "maturity_framework.json")


def _evidence_stamp() -> tuple[int, ...]:
    folder = paths.authored_data_dir()
    return tuple((folder / name).stat().st_mtime_ns for name in EVIDENCE_FILES)


def _default_radius() -> float:
    from ecology.analysis import clusters

    return clusters.DEFAULT_RADIUS_KM


def _default_min_size() -> int:
    from ecology.analysis import clusters

    return clusters.DEFAULT_MIN_SIZE


@st.cache_resource(show_spinner=False, max_entries=4)
def _maturity_parts(key: str, revision: str, stamp: tuple[int, ...]):
    from ecology.analysis import place_profile

    return _kept("maturity", lambda: place_profile.maturity_parts(_place_table(key), self_assessments()),
                 key, _build_fingerprint(), _evidence_fingerprint())


@st.cache_resource(show_spinner=False, max_entries=64)
def _ics_detail(key: str, revision: str, stamp: tuple[int, ...], icb_code: str):
    from ecology.analysis import maturity

    evidence, assessments, current, _summary = _maturity_parts(key, revision, stamp)
    every = maturity.evidence_pieces(evidence, icb_code)
    return (maturity.evidence_pieces(evidence, icb_code, current), every[every["Status"].str.startswith("historic")],
            maturity.history(assessments, icb_code))


def ics_detail(icb_code: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return one ICS's (evidence pieces with its current self-assessments first, historic pieces,
    dated scores) from ``maturity.evidence_pieces`` and ``maturity.history``; read-only."""
    return _ics_detail(build_key(), the_register().revision(), _evidence_stamp(), icb_code)


def maturity_parts():
    """Return (evidence, assessments, current scores, summary of all 42) from
    ``place_profile.maturity_parts``, once per data build, evidence files and register revision;
    read-only."""
    return _maturity_parts(build_key(), the_register().revision(), _evidence_stamp())


# The place-independent tables of a theme: a place change on the Overview reuses them.
@st.cache_resource(show_spinner=False, max_entries=16)
def _theme_tables(key: str, revision: str, theme: str | None):
    from ecology.analysis import place_profile

    return _kept(snapshots.name_for("theme", theme or "all"), lambda: place_profile.theme_tables(place_inputs(), theme),
                 key, _build_fingerprint(), _evidence_fingerprint(), theme)


def theme_tables(theme: str | None):
    """Return ``place_profile.theme_tables`` for a theme (None: all themes), cached per register revision."""
    return _theme_tables(build_key(), the_register().revision(), theme)


def briefing_file(code: str, theme: str | None, link: str, fmt: str) -> bytes:
    """Return the briefing of a place as HTML or PDF bytes, made now (on the download click);
    ``link`` reopens the view it was made from."""
    from ecology.reports import briefing

    made = briefing.build(place_inputs(), code, theme, tables=theme_tables(theme), link=link,
                          images="png" if fmt == "pdf" else "svg")
    return briefing.to_pdf(made.html) if fmt == "pdf" else made.html.encode("utf-8")
