"""The Assets list and one asset's details, as plain tables (shown as text, never HTML)."""

from __future__ import annotations

import pandas as pd

from ecology import schema, taxonomy
from ecology.register import freshness
from ecology.places.geography import PlaceTree

# Beyond this many rows the list shows the first ones only: 100,000 rows would
# send about 15 MB to the browser. The map and the downloads keep every row.
LIST_LIMIT = 2_000
LIST_COLUMNS = ("Name", "Organisation", "Kind", "Activities", "Health focus", "Cost", "Local authority",
                "Last verified", "Sample")
# Columns whose values repeat from row to row: categorical, so the grid's Arrow data holds each
# value once and the rows hold small integer codes (2,000 rows: Kind 29 KB as text, 3 KB as a
# category). The categories are sorted, so an order by code is the text's order. A column with an
# empty value stays text: the grid shows an empty category as "None", which for Cost would mislead.
REPEATING_COLUMNS = ("Organisation", "Kind", "Activities", "Health focus", "Cost", "Local authority",
                     "Last verified")


def display_table(assets: pd.DataFrame, tree: PlaceTree) -> pd.DataFrame:
    """Return one readable row per asset, in the same order as ``assets``.

    Columns: ``LIST_COLUMNS`` (plus "Distance (km)" first when the frame has
    ``distance_km``); "Last verified" is YYYY-MM-DD text, so the list still sorts by it, or
    "never verified". ``REPEATING_COLUMNS`` with no empty value are categorical, their categories in text order.
    """
    names = tree.places["name"]
    table = pd.DataFrame({
        "Name": assets["name"],
        "Organisation": assets["organisation"].fillna(""),
        "Kind": schema.labels_column("kind", assets["kind"]),
        "Activities": schema.labels_column("activities", assets["activities"]),
        "Health focus": schema.labels_column("health_focus", assets["health_focus"]),
        "Cost": schema.labels_column("cost", assets["cost"]),
        "Local authority": assets["lad_code"].map(names),
        "Last verified": freshness.verified_text(assets["last_verified"]),
        "Sample": assets["is_sample"],
    })
    for column in REPEATING_COLUMNS:
        if not table[column].eq("").any():
            table[column] = table[column].astype("category")
    if "distance_km" in assets:
        table.insert(0, "Distance (km)", assets["distance_km"])
    return table.reset_index(drop=True)


def details(asset: pd.Series, tree: PlaceTree) -> pd.DataFrame:
    """Return (Field, Value) rows describing one asset, for a details panel."""
    place = " › ".join(tree.label(code) for code in (asset["region_code"], asset["icb_code"], asset["lad_code"])
                       if isinstance(code, str) and code in tree)
    verified = asset["last_verified"]
    rows = [
        ("Name", asset["name"]),
        ("Organisation", asset["organisation"]),
        ("Kind", taxonomy.label_of("kind", asset["kind"]) if isinstance(asset["kind"], str) else None),
        ("Activities", schema.term_labels("activities", asset["activities"])),
        ("Health focus", schema.term_labels("health_focus", asset["health_focus"])),
        ("Audiences", schema.term_labels("audiences", asset["audiences"])),
        ("Settings", schema.term_labels("settings", asset["settings"])),
        ("Referral routes", schema.term_labels("referral_routes", asset["referral_routes"])),
        ("Cost", taxonomy.label_of("cost", asset["cost"]) if isinstance(asset["cost"], str) else None),
        ("Address", asset["address"]),
        ("Postcode", asset["postcode"]),
        ("Area", place),
        ("Website", asset["website"]),
        ("Email", asset["contact_email"]),
        ("Status", asset["status"]),
        ("Last verified", verified.strftime("%d %B %Y") if pd.notna(verified) else freshness.NEVER),
        ("Verified by", asset.get("verified_by") if pd.notna(asset.get("verified_by")) else None),
        ("Source", asset["source"]),
        ("Licence", asset["licence"]),
        ("Attribution", asset["attribution"]),
        ("Sample record", "yes: generated, not a real offer" if asset["is_sample"] else "no"),
    ]
    return pd.DataFrame([(k, v) for k, v in rows if isinstance(v, str) and v], columns=["Field", "Value"])


def file_stem(place_label: str, as_of: pd.Timestamp) -> str:
    """Return a download file name stem, e.g. "assets-bradford-2026-11-22"."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in place_label.lower())
    slug = "-".join(part for part in slug.split("-") if part)
    return f"assets-{slug}-{as_of:%Y-%m-%d}"
