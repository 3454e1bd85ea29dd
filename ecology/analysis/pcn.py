"""Primary Care Networks: finding one, and the assets near its practices.

Social prescribing link workers are employed through PCNs and refer people from
the PCN's GP practices, so "near this PCN" means near any of its practices.
``pcns`` and ``practices`` are the build's ``pcns.parquet`` and
``pcn_practices.parquet`` (or any frames with the same columns); distances are
great-circle kilometres between WGS84 points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecology.analysis.filters import within_km_of_any


def find_pcns(pcns: pd.DataFrame, text: str) -> pd.DataFrame:
    """Return the PCNs whose name or code contains every word of ``text`` (case-insensitive).

    Exact code matches come first, then names that start with the text, then the rest, each
    alphabetically. Blank text finds nothing.
    """
    words = text.lower().split()
    if not words:
        return pcns.iloc[0:0]
    code = pcns["pcn_code"].fillna("").str.lower()
    name = pcns["pcn_name"].fillna("").str.lower()
    hit = np.ones(len(pcns), dtype=bool)
    for word in words:
        hit &= (code.str.contains(word, regex=False) | name.str.contains(word, regex=False)).to_numpy(dtype=bool)
    query = " ".join(words)
    rank = np.where(code == query, 0, np.where(name.str.startswith(query), 1, 2))
    found = pcns.assign(_rank=rank, _name=name)[hit]
    return found.sort_values(["_rank", "_name"], kind="stable").drop(columns=["_rank", "_name"])


def _located(practices: pd.DataFrame) -> pd.DataFrame:
    lat = pd.to_numeric(practices["latitude"], errors="coerce")
    lon = pd.to_numeric(practices["longitude"], errors="coerce")
    return practices[(lat.notna() & lon.notna()).to_numpy()]


def _coordinates(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float),
            pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float))


def near_pcn(assets: pd.DataFrame, practices: pd.DataFrame, pcn_code: str, km: float) -> np.ndarray:
    """Return a boolean array over ``assets``: True where the asset is within ``km`` of any located
    practice of the PCN. KeyError if no practice belongs to that PCN; all False when none of its
    practices has a location; assets without a location are never near."""
    members = practices[(practices["pcn_code"] == pcn_code).fillna(False).to_numpy(dtype=bool)]
    if members.empty:
        raise KeyError(f"no practice belongs to PCN {pcn_code!r}")
    plat, plon = _coordinates(_located(members))
    return within_km_of_any(*_coordinates(assets), plat, plon, km)


def counts_by_pcn(assets: pd.DataFrame, practices: pd.DataFrame, km: float) -> pd.DataFrame:
    """Return one row per PCN of ``practices``: ``pcn_code``, ``located_practices`` and ``assets``,
    the number of ``assets`` within ``km`` of any of its practices (an asset near two PCNs counts
    for both). Pass the assets to count, e.g. real active ones only."""
    lat, lon = _coordinates(assets)
    located = _located(practices)
    groups = {code: members for code, members in located.groupby("pcn_code")}
    rows = []
    for code in sorted(practices["pcn_code"].dropna().unique()):
        members = groups.get(code, located.iloc[0:0])
        plat, plon = _coordinates(members)
        rows.append((code, len(members), int(within_km_of_any(lat, lon, plat, plon, km).sum())))
    return pd.DataFrame(rows, columns=["pcn_code", "located_practices", "assets"]).astype({"pcn_code": "string"})


def practice_points(practices: pd.DataFrame, pcn_code: str) -> tuple[tuple[float, float], ...]:
    """Return (latitude, longitude) of each located practice of a PCN, for ``AssetFilter.near_points``.
    KeyError if no practice belongs to that PCN."""
    members = practices[(practices["pcn_code"] == pcn_code).fillna(False).to_numpy(dtype=bool)]
    if members.empty:
        raise KeyError(f"no practice belongs to PCN {pcn_code!r}")
    lat, lon = _coordinates(_located(members))
    return tuple(zip(lat.tolist(), lon.tolist()))


def label(pcns: pd.DataFrame) -> dict[str, str]:
    """Return {PCN code: "name (code)"} for choosing one by name or code."""
    return {code: f"{name} ({code})" for code, name in zip(pcns["pcn_code"], pcns["pcn_name"])}


PER_PCN_KM = 2.0  # "near a PCN" in the per-PCN export: within 2 km of any of its practices


def per_pcn_table(assets: pd.DataFrame, pcns: pd.DataFrame, practices: pd.DataFrame, km: float) -> pd.DataFrame:
    """Return one row per PCN with how many of ``assets`` (real and sample apart) lie within ``km``
    of any of its practices, most first: the export a link worker plans referrals with."""
    real = assets[~assets["is_sample"].fillna(False).astype(bool).to_numpy()]
    counts = counts_by_pcn(real, practices, km).rename(columns={"assets": "real_assets"})
    sample = counts_by_pcn(assets[assets["is_sample"].fillna(False).astype(bool).to_numpy()], practices, km)
    table = pcns[["pcn_code", "pcn_name", "icb_code"]].merge(counts, on="pcn_code", how="left").merge(
        sample[["pcn_code", "assets"]].rename(columns={"assets": "sample_assets"}), on="pcn_code", how="left")
    table = table.sort_values(["real_assets", "pcn_name"], ascending=[False, True], ignore_index=True)
    return table.rename(columns={"pcn_code": "PCN code", "pcn_name": "PCN", "icb_code": "ICB code",
                                 "located_practices": "Practices with a location",
                                 "real_assets": f"Real assets within {km:g} km",
                                 "sample_assets": f"Sample records within {km:g} km"})
