"""The place briefing: one self-contained HTML file (and a PDF of it) a regional lead takes to a board.

Everything in it comes from ``place_profile.profile``, the same figures the
Overview shows. The file makes no outside request: styles are inline and the map
and charts are SVG drawn by ``briefing_figures``. The PDF is the same HTML
printed by WeasyPrint (Pango, no browser).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology import links
from ecology.analysis import gaps, maturity, privacy
from ecology.sources import catalogue
from ecology.analysis.filters import within_place
from ecology.analysis.place_profile import PEER_METHOD, PlaceInputs, PlaceProfile, profile, theme_tables
from ecology.site import APP_NAME

VENUE_KIND = {"museum": "museum", "library": "library", "cinema": "cinema"}  # from the asset id's prefix
ASSET_ROWS = 60  # the asset list prints this many, real first, and says how many more there are
DATASETS = ("census2021", "imd2025", "qof_prevalence", "loneliness", "lad_boundaries", "icb_boundaries",
            "nhs_regions", "lsoa_icb_lookup", "museums", "libraries", "cinemas", "ace_investment",
            "ace_project_grants", "postcodes")
CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1b1b1b;margin:24px auto;max-width:980px;padding:0 16px;
font-size:13px;line-height:1.45}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:2px solid #0072b2;
padding-bottom:3px}h3{font-size:14px;margin:14px 0 6px}
.meta{color:#444;margin:0 0 14px}.figures{font-size:0}
.figure{display:inline-block;vertical-align:top;box-sizing:border-box;width:calc(33.3% - 8px);margin:0 8px 8px 0;
border:1px solid #ccc;border-radius:6px;padding:8px 10px;break-inside:avoid;font-size:13px}
.scroll{overflow-x:auto}
.figure .label{font-size:11px;color:#444}.figure .value{font-size:19px;font-weight:bold}
.figure .note,.figure .vintage{font-size:11px;color:#444}
.badge{display:inline-block;font-size:10px;font-weight:bold;padding:1px 6px;border-radius:8px;margin-left:4px}
.real{background:#d7ecdf;color:#14532d}.sample{background:#fde2c4;color:#7c2d12}
table{border-collapse:collapse;width:100%;font-size:11.5px;margin:6px 0}th,td{border-bottom:1px solid #ddd;
padding:3px 5px;text-align:left;vertical-align:top}th{background:#f3f3f3}
tr{break-inside:avoid}.chart svg,.map svg,.chart img,.map img{max-width:100%;height:auto}
.map{break-inside:avoid}.key{break-inside:avoid}.key .swatch{display:inline-block;width:130px;vertical-align:top}
.key .swatch svg,.key .swatch img{max-width:100%;height:auto}
.key p{display:inline-block;width:calc(100% - 150px);margin:0 0 0 12px;vertical-align:top}.notes li{margin-bottom:4px}blockquote{margin:2px 0;color:#333;font-style:italic}
.small{font-size:11px;color:#444}.section{break-inside:auto}
@media (max-width:640px){body{margin:10px auto}.figure{width:calc(50% - 8px)}.key p{width:100%;margin:6px 0 0}}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;margin:0;padding:0 2mm;font-size:11px}h2{break-after:avoid}.pagebreak{break-before:page}}
"""


@dataclass(frozen=True)
class Briefing:
    profile: PlaceProfile
    made: dt.datetime
    link: str
    html: str


def _e(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _table(frame: pd.DataFrame, *, formats: dict[str, str] | None = None) -> str:
    """Return an HTML table of ``frame`` (every cell escaped)."""
    formats = formats or {}
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(
        f"<td>{_e(format(v, formats[c]) if c in formats and pd.notna(v) else v)}</td>" for c, v in row.items())
        + "</tr>" for _, row in frame.iterrows())
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _badge(origin: str) -> str:
    return f"<span class='badge {origin}'>{'REAL' if origin == 'real' else 'SAMPLE'}</span>"


def _figures(place: PlaceProfile) -> str:
    cards = "".join(
        f"<div class='figure'><div class='label'>{_badge(f.origin)} {_e(f.label)}</div>"
        f"<div class='value'>{_e(f.text)}</div><div class='note'>{_e(f.note)}</div>"
        f"<div class='vintage'>{_e(f.vintage)}</div></div>" for f in place.figures)
    return f"<div class='figures'>{cards}</div>"


def map_areas(inputs: PlaceInputs, place: PlaceProfile, tables):
    """Return (areas drawn as a GeoDataFrame with ``code``, their fills, the place's outline or None,
    the level drawn) for the briefing map: local authorities around a place, ICBs for England."""
    import geopandas as gpd

    from ecology.places import geography

    tree = inputs.tree
    level = "icb" if place.level == "england" else "lad"
    layer = geography.load_web_layer(level)
    frame = gpd.GeoDataFrame.from_features(layer["features"], crs=4326)
    frame["code"] = frame[f"{level}_code"]
    parts = inputs.gap_inputs.parts

    def shape(layer_level: str, code: str):
        features = [f for f in geography.load_web_layer(layer_level)["features"]
                    if f["properties"][f"{layer_level}_code"] == code]
        return gpd.GeoDataFrame.from_features(features, crs=4326)

    if place.level in ("lad", "icb", "region"):
        # Every local authority with residents in the place's ICB (or region), cut to its boundary:
        # a split authority shows only its part (North Yorkshire's Craven in West Yorkshire ICB),
        # so no venue of the place sits off the map and no neighbour fills it.
        key, around = ("region_code", place.code) if place.level == "region" else (
            "icb_code", place.code if place.level == "icb" else tree.get(place.code)["icb_code"])
        frame = frame[frame["code"].isin(set(parts.loc[parts[key] == around, "lad_code"]) | {place.code})]
        if isinstance(around, str):
            frame = frame.clip(shape("region" if key == "region_code" else "icb", around))
    ranked = tables.ranked[level]
    if not ranked["assets_per_10k"].fillna(0).any():  # no provision anywhere: colour by need alone
        ranked = ranked.assign(provision_tercile=1)
    fills = {code: colour for code, (colour, _) in gaps.bivariate_fills(ranked).items()}
    outline = None
    if place.level in ("lad", "icb"):
        outline = shape(place.level, place.code)
    return frame, fills, outline, level


def asset_list(inputs: PlaceInputs, code: str) -> pd.DataFrame:
    """Return the active assets in a place, real first then by name: Name, Kind, Local authority,
    Postcode, Source, Record (real / generated sample)."""
    inside = within_place(inputs.assets, inputs.tree, code)
    inside = inside[(inside["status"] == "active").fillna(False)]
    sample = inside["is_sample"].fillna(False).astype(bool)
    table = pd.DataFrame({
        "Name": inside["name"], "Kind": np.where(inside["kind"] == "venue",
                                                 inside["asset_id"].str.split(":").str[0].map(VENUE_KIND).fillna("venue"),
                                                 inside["kind"]),
        "Local authority": inside["lad_code"].map(inputs.gap_inputs.names),
        "Postcode": inside["postcode"], "Source": inside["source"],
        "Record": sample.map({True: "generated sample", False: "real"})})
    return table.assign(_s=sample.to_numpy()).sort_values(["_s", "Name"], kind="stable").drop(columns="_s")


def _points(inputs: PlaceInputs, place: PlaceProfile) -> pd.DataFrame:
    from ecology.analysis.place_profile import VENUE_KINDS

    if place.level == "england":
        return pd.DataFrame(columns=["latitude", "longitude", "Kind"])
    inside = within_place(inputs.assets, inputs.tree, place.code)
    venues = inside[(inside["kind"] == "venue") & ~inside["is_sample"].fillna(False).astype(bool)]
    return pd.DataFrame({"latitude": venues["latitude"], "longitude": venues["longitude"],
                         "Kind": venues["asset_id"].str.split(":").str[0].map(VENUE_KINDS)}).dropna()


def _maturity_section(inputs: PlaceInputs, place: PlaceProfile, images: str) -> str:
    from ecology.reports import briefing_figures as drawn

    icb = place.maturity_icb
    if icb is None:
        summary = inputs.maturity_summary[["ICB", "NHS region", "Overall", "Assessed", "Evidence"]]
        if place.level == "region":
            summary = summary[summary["NHS region"] == place.short_name]
        return ("<p>Maturity is scored per Integrated Care System. The ICSs here:</p>" + _table(summary))
    names = dict(zip(inputs.maturity_summary["icb_code"], inputs.maturity_summary["ICB"]))
    shown = maturity.profile(inputs.maturity_current, [icb], names)
    pieces = maturity.evidence_pieces(inputs.maturity_evidence, icb, inputs.maturity_current)
    current = pieces[~pieces["Status"].str.startswith("historic")]
    quotes = "".join(
        f"<tr><td>{_e(r['Criterion'])}</td><td>{_e(r['Stage'])}</td><td><blockquote>“{_e(r['Evidence'])}”"
        f"</blockquote><span class='small'>{_e(r['Source'])}, {_e(r['Publisher'])}, {_e(r['Dated'])}"
        f" · {_e(r['Status'])}</span></td></tr>" for _, r in current.iterrows())
    row = inputs.maturity_summary.set_index("icb_code").loc[icb]
    text = (f"<p><b>{_e(row['ICB'])}: {_e(row['Overall'])}</b>, {row['Assessed']} of 10 criteria assessed, "
            f"{int(row['Evidence'])} piece(s) of evidence. {_e(maturity.OVERALL_RULE)}</p>")
    chart = drawn.maturity_bars(shown, [names[icb], maturity.MEDIAN_SERIES], fmt=images)
    missing = maturity.not_assessed(inputs.maturity_current, icb)
    gap = f"<p class='small'>Not assessed (no current evidence known): {_e(', '.join(missing))}.</p>" if missing else ""
    evidence = ("<h3>Evidence</h3><table><thead><tr><th>Criterion</th><th>Stage</th><th>Evidence</th></tr></thead>"
                f"<tbody>{quotes}</tbody></table>") if quotes else "<p>No current public evidence is known.</p>"
    return text + f"<div class='chart'>{chart}</div>" + gap + evidence


def _method_notes(place: PlaceProfile) -> str:
    items = [f"Need: {place.measure.name}. {place.measure.formula} Source: {place.measure.source}.",
             gaps.GAP_DEFINITION, gaps.FLAG_DEFINITION,
             "Provision counts active real records only (museums, libraries, cinemas and imported offers); generated "
             "sample records are shown apart, marked SAMPLE, and counted in no figure.",
             "Areas above a local authority are built from local authorities; a split authority is apportioned by "
             "the Census 2021 residents of its LSOAs in each ICB.", PEER_METHOD, privacy.METHOD,
             maturity.MEDIAN_RULE]
    return "<ul class='notes'>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _attributions() -> str:
    manifest = {item.id: item for item in catalogue.load_manifest()}
    rows = [manifest[i] for i in DATASETS if i in manifest]
    return "<ul class='notes small'>" + "".join(
        f"<li><b>{_e(d.title)}</b> ({_e(d.publisher)}, {_e(d.vintage)}). Licence: {_e(d.licence)}. "
        f"{_e(d.attribution)}</li>" for d in rows) + "</ul>"


def build(inputs: PlaceInputs, code: str, theme: str | None = None, *, tables=None, link: str | None = None,
          base_url: str | None = None, made: dt.datetime | None = None, images: str = "svg") -> Briefing:
    """Return the briefing of a place for a theme: its figures and the HTML document (map and
    charts as inline SVG, or with ``images="png"`` as embedded PNG, which prints to PDF faster)."""
    tables = tables if tables is not None and tables.theme == theme else theme_tables(inputs, theme)
    from ecology.reports import briefing_figures as drawn  # matplotlib: only when a document is drawn

    place = profile(inputs, code, theme, tables)
    made = made or dt.datetime.now().replace(microsecond=0)
    link = link or links.view_url(base_url or links.public_base(), "",
                                  links.view_params(inputs.tree.label(code), place.theme_label))
    areas, fills, outline, level = map_areas(inputs, place, tables)
    points = _points(inputs, place)
    kind_word = "ICBs" if level == "icb" else "local authorities"
    no_provision = not tables.ranked[level]["assets_per_10k"].fillna(0).any()
    map_words = (f"{kind_word.capitalize()} coloured by need ({place.measure.name})"
                 + (f": no real record counts as provision for {place.theme_label.lower()} anywhere, so provision is "
                    "low everywhere" if no_provision else " against real provision")
                 + f", in thirds among all {kind_word} of England. Dark purple: high need, low provision. "
                 + ("The place is outlined in black. " if outline is not None else "")
                 + ("Real venues are dots by kind." if len(points) else "Venues are not drawn at this scale."))
    map_svg = drawn.place_map(areas, fills, points, outline=outline, fmt=images)
    comparison = place.comparison
    need_label = f"Need: {place.measure.name}"
    compare_table = comparison.drop(columns=["area_code"]).rename(columns={"Need": need_label, "role": "Compared as"})
    shown = [(v, t, u) for v, t, u in (("Need", need_label, ""), ("Assets per 10,000", "Provision per 10,000 (real)", ""),
                                       ("£ per head", "Arts Council Investment Programme £ per head a year", "£"))
             if comparison[v].fillna(0).any()]
    charts = "".join(
        f"<div class='chart'>{drawn.comparison_bars(comparison, value=v, label='Place', title=t, marked=place.short_name, unit=u, fmt=images)}</div>"
        for v, t, u in shown)
    if no_provision:
        charts += (f"<p class='small'>No real record counts as provision for {_e(place.theme_label.lower())} in any "
                   "of these places, so provision is not charted.</p>")
        scatter = (f"<p>No real record counts as provision for {_e(place.theme_label.lower())} anywhere in England: "
                   "every area would sit at 0, and the gap ranking shows need alone.</p>")
    else:
        scatter = "<div class='chart'>" + drawn.need_provision(
            place.gap_table, code if place.level in ("lad", "icb") else "", need_label=need_label,
            provision_label="Provision per 10,000 (real records)", fmt=images) + "</div>"
    assets = asset_list(inputs, code)
    top = place.top_gaps[["gap_rank", "area", "gap_score", "need", "assets_per_10k", "high_need_low_provision"]]
    top = top.rename(columns={"gap_rank": "Gap rank", "area": "Area", "gap_score": "Gap score", "need": need_label,
                              "assets_per_10k": "Provision per 10,000", "high_need_low_provision": "Flagged"})
    top["Flagged"] = top["Flagged"].map({True: "high need, low provision", False: ""})
    notes = "".join(f"<li>{_e(n)}</li>" for n in place.notes)
    body = f"""
<h1>{_e(place.label)}</h1>
<p class='meta'>Creative health briefing · theme: <b>{_e(place.theme_label)}</b> · made {made:%d %B %Y %H:%M} ·
{_e(APP_NAME)} · reopen this view: <a href='{_e(link)}'>{_e(link)}</a></p>
<h2>Headline figures</h2>{_figures(place)}
<ul class='notes small'>{notes}</ul>
<h2>Map</h2>
<div class='map'>{map_svg}</div>
<div class='key'><div class='swatch'>{drawn.bivariate_key(fmt=images)}</div><p class='small'>{_e(map_words)}</p></div>
<h2 class='pagebreak'>How it compares</h2>
<p class='small'>{_e(PEER_METHOD)}</p>
{_table(compare_table, formats={"Aged 65+": ".1%", need_label: ".2f", "Assets per 10,000": ".2f", "£ per head": ",.2f",
                                "Residents": ",d"})}
{charts}
<h3>Need against provision</h3>{scatter}
<h2 class='pagebreak'>ICS maturity</h2>{_maturity_section(inputs, place, images)}
<h2>Largest gaps nearby ({_e(place.theme_label)})</h2>
{_table(top, formats={"Gap score": "+.1f", need_label: ".2f", "Provision per 10,000": ".2f"}) if len(top)
     else "<p>No gap ranking applies here.</p>"}
<h2>Assets ({len(assets):,}: {int((assets['Record'] == 'real').sum()):,} real)</h2>
{_table(assets.head(ASSET_ROWS)) if len(assets) else "<p>No asset is in the register for this place.</p>"}
{f"<p class='small'>The first {ASSET_ROWS} are listed; {len(assets) - ASSET_ROWS:,} more are on the Assets page.</p>"
     if len(assets) > ASSET_ROWS else ""}
<h2>Method</h2>{_method_notes(place)}
<h2>Sources, licences and vintages</h2>{_attributions()}
<p class='small'>Made {made:%Y-%m-%d %H:%M} by {_e(APP_NAME)}. Reopen: {_e(link)}</p>
"""
    document = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
                f"<title>{_e(place.label)}: creative health briefing</title><style>{CSS}</style></head>"
                f"<body>{body}</body></html>")
    return Briefing(place, made, link, document)


def to_pdf(document: str) -> bytes:
    """Return the briefing HTML printed to PDF (A4) by WeasyPrint."""
    import weasyprint

    return weasyprint.HTML(string=document).write_pdf()


def unavailable_html(place_label: str, link: str) -> str:
    """Return the one-page document given instead of a briefing when the register cannot be reached."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Briefing not made</title>"
            f"<style>{CSS}</style></head><body><h1>{_e(place_label)}: briefing not made</h1>"
            "<p>The register's database could not be reached when this briefing was asked for, so nothing was "
            "made from it. Nothing was changed or lost. Try again in a moment from the app"
            + (f": <a href='{_e(link)}'>{_e(link)}</a>" if link else "") + ".</p></body></html>")


def figures_json(place: PlaceProfile, *, made: dt.datetime | None = None, link: str | None = None) -> dict:
    """Return a place's figures and comparison as plain data (what ``--format json`` prints)."""
    return {"place": place.code, "label": place.label, "theme": place.theme,
            "made": (made or dt.datetime.now().replace(microsecond=0)).isoformat(),
            "link": link or links.view_url(links.public_base(), "", links.view_params(place.label, place.theme_label)),
            "figures": [{"key": f.key, "label": f.label, "text": f.text, "number": f.number, "vintage": f.vintage,
                         "origin": f.origin, "note": f.note} for f in place.figures],
            "comparison": place.comparison.to_dict(orient="records"), "notes": list(place.notes)}
