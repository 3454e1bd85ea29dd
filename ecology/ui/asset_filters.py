"""The Assets page's filter widgets, each bound to a URL parameter.

Parameter names: activity, audience, setting, route, cost, kind, verified,
sample, venues, q, near, km, colour, gp. Place and theme come from the shared
sidebar (the theme is the health-focus filter).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ecology import taxonomy
from ecology.analysis import pcn
from ecology.maps import asset_map
from ecology.analysis.filters import AssetFilter
from ecology.ui import loaders
from ecology.ui.shell import ALL_THEMES, PageContext

VERIFIED_CHOICES = ("any", "3", "6", "12", "24")
DISTANCE_CHOICES = ("1", "2", "5", "10", "25", "50")
MULTI = (("activity", "activity", "Activity"), ("audience", "audience", "Audience"),
         ("setting", "setting", "Setting"), ("route", "referral_route", "Referral route"),
         ("cost", "cost", "Cost"), ("kind", "kind", "Kind"))


@dataclass(frozen=True)
class AssetView:
    chosen: AssetFilter
    colour_field: str
    show_gp: bool
    near_postcode: str  # as typed, "" when none
    near_problem: str  # why the postcode could not be used, "" when fine


def hide_sample() -> None:
    """Callback for the notice's button: untick "Include sample records" (and so the URL)."""
    st.session_state["sample"] = False


def _multiselect(key: str, vocabulary: str, label: str) -> tuple[str, ...]:
    ids = [term.id for term in taxonomy.terms(vocabulary)]
    chosen = st.multiselect(label, ids, key=key, bind="query-params",
                            format_func=lambda t: taxonomy.label_of(vocabulary, t), placeholder="Any")
    return tuple(chosen)


def filter_widgets(context: PageContext) -> AssetView:
    """Draw the filters in the sidebar and return what they say."""
    with st.sidebar:
        st.subheader("Filter assets")
        picked = {field: _multiselect(key, field, label) for key, field, label in MULTI}
        verified = st.selectbox(
            "Verified in the last", VERIFIED_CHOICES, key="verified", bind="query-params",
            format_func=lambda v: "Any time" if v == "any" else f"{v} months")
        search = st.text_input("Name or organisation contains", key="q", bind="query-params", placeholder="e.g. choir")
        near = st.text_input("Near postcode", key="near", bind="query-params", placeholder="e.g. BD1 1HY")
        networks = pcn.label(loaders.pcns())
        near_pcn = st.selectbox("Near the practices of a PCN", ["", *networks], key="pcn", bind="query-params",
                                format_func=lambda code: networks.get(code, "Any (type a name or code)"),
                                help="Primary Care Network: social prescribing link workers refer from its GP "
                                     "practices. Keeps assets within the distance below of any of them.")
        # Plain numbers as options, so the URL reads km=2 rather than km=2+km.
        within = st.selectbox("Within (km)", DISTANCE_CHOICES, index=2, key="km", bind="query-params")
        include_sample = st.checkbox("Include sample records", value=False, key="sample", bind="query-params",
                                     help="Generated offers that show what a full directory looks like; not real, "
                                          "and left out of every count unless ticked.")
        include_venues = st.checkbox("Include venues (museums, libraries, cinemas)", value=True, key="venues",
                                     bind="query-params")
        st.subheader("Map")
        colour = st.selectbox("Colour by", list(asset_map.COLOUR_FIELDS), key="colour", bind="query-params",
                              format_func=asset_map.COLOUR_FIELDS.get)
        show_gp = st.checkbox("Show GP practices (context)", value=False, key="gp", bind="query-params",
                              help="Social prescribing link workers work from GP practices. Not counted as assets.")

    near_at, problem = None, ""
    if near.strip():
        found = loaders.postcodes().geocode([near]).iloc[0]
        if found["status"] == "ok":
            near_at = (float(found["lat"]), float(found["lon"]))
        else:
            problem = f"“{near.strip()}” {found['reason']}; the distance filter is off."
    chosen = AssetFilter(
        place=context.place_code,
        health_focus=() if context.theme == ALL_THEMES else (context.theme,),
        activity=picked["activity"], audience=picked["audience"], setting=picked["setting"],
        referral_route=picked["referral_route"], cost=picked["cost"], kind=picked["kind"],
        verified_within_months=None if verified == "any" else int(verified),
        include_sample=include_sample, include_venues=include_venues, search=search or "",
        near=near_at, within_km=float(within) if near_at or near_pcn else None,
        near_points=pcn.practice_points(loaders.pcn_practices(), near_pcn) if near_pcn else (),
        near_points_label=f"the practices of {networks[near_pcn]}" if near_pcn else "",
    )
    return AssetView(chosen, colour or "kind", bool(show_gp), near.strip(), problem)
