"""Disclosure control for practitioner figures: the one place the rules live.

Practitioners are people, so every count, rate, share and shape the app
publishes about them (pages, CSV, GeoJSON, commands) is made here, by these
rules (statistical disclosure control by suppression plus rounding to base 5):

1. **Clusters hold at least 5.** After labelling, a group smaller than the
   minimum size (never below 5) is dissolved: its members count as outside any
   cluster. So no outline, circle or row stands for fewer than 5 people.
2. **Counts: suppressed under 5, then rounded to base 5.** 0 is shown as 0;
   1-4 as "fewer than 5"; 5 or more rounded to the nearest multiple of 5
   (5-7 -> 5, 8-12 -> 10, ...). Every published count is therefore 0, a
   multiple of 5 or "fewer than 5", so subtracting one published count from
   another (a total from its parts, a local authority from its ICB, one
   setting from another) gives a multiple of 5, never an exact 1-4.
3. **Rates come from the published count**, and are suppressed with it: a
   rate times a published population gives back only the rounded count.
4. **Shares only in bands, with 5 on each side.** A share (training,
   supervision, a discipline) is shown in 10% steps and only when at least 5
   said yes and at least 5 did not; otherwise "fewer than 5", "all but fewer
   than 5" or "fewer than 5 answered".
5. **Places named only where 5 are.** A cluster names the local authorities
   and ICBs holding at least 5 of its members; the rest are "N other areas".
6. **Shapes from districts, not people.** A cluster's centre is the plain
   average of its districts' centroids (a weighted one would give away how
   many people each district holds), its outline their hull widened by half
   the radius; orderings use published values, never exact ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

SUPPRESS_BELOW = 5
ROUND_BASE = 5
SHARE_STEP = 10  # percent
FEWER = "fewer than 5"
ALL_BUT = "all but fewer than 5"
FEWER_ANSWERED = "fewer than 5 answered"
MIN_CLUSTER_SIZE = SUPPRESS_BELOW

METHOD = (
    "Privacy: counts of practitioners under 5 show as \u201cfewer than 5\u201d and every other count is rounded "
    "to the nearest 5 (rates use the rounded count), so no two figures can be subtracted to reveal 1-4 people. "
    "A cluster holds at least 5 practitioners (smaller groups are dissolved); shares are shown in 10% steps only "
    "where at least 5 said yes and 5 did not; a cluster names only the areas holding 5 or more of its members."
)


# ---------------------------------------------------------------- counts

def published_count(n: int | float) -> int | None:
    """Return a count as published: 0, None (suppressed: 1-4), or rounded to the nearest 5."""
    n = int(n)
    if n <= 0:
        return 0
    if n < SUPPRESS_BELOW:
        return None
    return int(ROUND_BASE * math.floor(n / ROUND_BASE + 0.5))


def published_counts(counts: Iterable[int] | pd.Series) -> pd.Series:
    """Return many counts as published (nullable Int64; <NA> where suppressed), index kept."""
    series = counts if isinstance(counts, pd.Series) else pd.Series(list(counts), dtype="int64")
    values = series.fillna(0).astype("int64").to_numpy()
    rounded = (ROUND_BASE * np.floor(values / ROUND_BASE + 0.5)).astype("int64")
    out = pd.Series(pd.array(np.where(values <= 0, 0, rounded), dtype="Int64"), index=series.index)
    out[(values > 0) & (values < SUPPRESS_BELOW)] = pd.NA
    return out


def count_text(n: int | float) -> str:
    """Return a count as shown anywhere: "0", "fewer than 5", or rounded to 5 ("1,235")."""
    value = published_count(n)
    return FEWER if value is None else f"{value:,}"


def rates_per_10k(counts: pd.Series, population: pd.Series) -> pd.Series:
    """Return practitioners per 10,000 people from the *published* counts (NaN where suppressed)."""
    published = published_counts(counts).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    people = population.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(people > 0, published / people * 10_000, np.nan)
    return pd.Series(rate, index=counts.index).round(3)


# ---------------------------------------------------------------- shares

def _shown(yes: int, answered: int) -> bool:
    return answered >= SUPPRESS_BELOW and yes >= SUPPRESS_BELOW and answered - yes >= SUPPRESS_BELOW


def share_value(yes: int, answered: int) -> float:
    """Return the share shown as a number (0-1, 10% steps), NaN when it is suppressed."""
    if not _shown(yes, answered):
        return float("nan")
    return round(100 * yes / answered / SHARE_STEP) * SHARE_STEP / 100


def share_text(yes: int, answered: int) -> str:
    """Return a share as shown: "about 40%" when at least 5 said yes and 5 did not, else words."""
    if answered < SUPPRESS_BELOW:
        return FEWER_ANSWERED
    if yes < SUPPRESS_BELOW:
        return FEWER
    if answered - yes < SUPPRESS_BELOW:
        return ALL_BUT
    return f"about {round(100 * share_value(yes, answered))}%"


def term_mix(counts: Mapping[str, int], size: int, label, *, top: int = 5) -> str:
    """Return the terms at least 5 members hold, by shown share then name, e.g. "Music about 40%,
    Dance about 30%"; a term all but fewer than 5 hold reads "Music (all but fewer than 5)".
    ``label`` turns a term id into its display name."""
    shown = []
    for term, n in counts.items():
        if n < SUPPRESS_BELOW:
            continue
        value = share_value(n, size)
        shown.append((-(value if not math.isnan(value) else 1.0), label(term),
                      f"{label(term)} ({ALL_BUT})" if size - n < SUPPRESS_BELOW else
                      f"{label(term)} {share_text(n, size)}"))
    return ", ".join(text for _, _, text in sorted(shown)[:top])


# ---------------------------------------------------------------- clusters and places

def dissolve_small(labels: np.ndarray, weight: np.ndarray, min_size: int, order_key: np.ndarray) -> np.ndarray:
    """Return cluster labels with every group holding fewer than ``min_size`` (never below 5) people
    dissolved to -1, and the rest numbered 1.. by published size (largest first), ties by
    ``order_key`` (smallest first). ``weight`` is the people per point."""
    labels = np.asarray(labels)
    out = np.full(len(labels), -1, dtype=np.int64)
    member = labels >= 0
    if not member.any():
        return out
    groups, inverse = np.unique(labels[member], return_inverse=True)
    sizes = np.bincount(inverse, weights=np.asarray(weight, dtype=float)[member])
    keys = np.full(len(groups), np.inf)
    np.minimum.at(keys, inverse, np.asarray(order_key, dtype=float)[member])
    kept = sizes >= max(int(min_size), MIN_CLUSTER_SIZE)
    shown_size = np.array([published_count(s) or 0 for s in sizes])
    order = [g for g in np.lexsort((keys, -shown_size)) if kept[g]]
    number = np.full(len(groups), -1, dtype=np.int64)
    number[order] = np.arange(1, len(order) + 1)
    out[member] = number[inverse]
    return out


def named_areas(counts: Mapping[str, int], name) -> str:
    """Return the areas holding at least 5 of a group, by name, then "N other area(s)" for the
    rest, e.g. "Leeds, Bradford and 2 other areas". ``name`` turns a code into its name."""
    named = sorted(name(code) for code, n in counts.items() if n >= SUPPRESS_BELOW)
    others = sum(1 for n in counts.values() if 0 < n < SUPPRESS_BELOW)
    if not others:
        return ", ".join(named)
    tail = f"{others} other area{'s' if others > 1 else ''}"
    return f"{', '.join(named)} and {tail}" if named else tail
