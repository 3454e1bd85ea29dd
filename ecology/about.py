"""Text and tables for the About & sources page (plain data, no streamlit)."""

from __future__ import annotations

import pandas as pd

from ecology.sources.catalogue import Dataset
from ecology.sources.vendor import PACKAGES

PURPOSE = """
**Creative Health Ecologies** maps England's local creative health ecologies: the arts, culture
and heritage assets that support health and wellbeing, the clusters of creative practitioners who
deliver it, and how far each of the 42 Integrated Care Systems has embedded creative health.

It is for **regional leads** (ICS and combined authority creative health leads) exploring maps and
comparisons, **coordinators** (creative health hubs, social prescribing leads) finding what is there
for a place and a theme, and **funders** looking for places with high need and little provision.

Every view is a link: the place and theme you choose are kept in the address bar, so a copied link
opens the same view for a colleague.
"""

METHODS = """
- **Place tree.** England › 7 NHS England regions › 42 integrated care boards › 296 local
  authorities. A local authority sits under the ICB that holds most of its 2021 LSOAs; 13 local
  authorities straddle two or three ICBs, and the share is kept. The statistical (ONS) region and the
  combined authority of each local authority are kept beside it.
- **Boundaries on the map** are simplified for the web as whole coverages (neighbours share every
  edge, so no gaps or slivers open); NHS region shapes are unions of their ICBs. Points are assigned
  to areas with the unsimplified boundaries; a coastal point within 2 km of a generalised
  boundary takes the nearest area.
- **Deprivation.** IMD 2025 average scores (higher = more deprived) on 2024 local authorities, and
  IMD 2019 for comparison: the official 2019 district summaries where the district existed in 2019,
  and a re-aggregation (not an official release) for the seven districts created since. Figures for
  regions and ICBs are averages of their local authorities weighted by Census 2021 residents.
- **Population** is Census 2021 usual residents (ONS), summed from LSOAs. The Census gives age bands
  0-15 and 65+: per-10,000 figures for dementia, falls and frailty and end of life are per 10,000
  residents aged 65+, those for children and young people's mental health per 10,000 aged 0-15, the
  rest per 10,000 residents of all ages.
- **ICBs and regions from local authorities.** One function builds every ICB and region figure on
  every page and in every command: a local authority split between ICBs is apportioned by the
  Census 2021 residents of its LSOAs in each (13 authorities are split), not by how many LSOAs each
  holds; counts are apportioned, scores weighted by residents, and a prevalence is the ratio of
  apportioned registers to apportioned list sizes.
- **Need by theme.** Dementia: modelled dementia prevalence; mental health: depression and serious
  mental illness prevalence; respiratory: COPD and asthma prevalence (all QOF 2019/20, modelled by
  the House of Commons Library on 2020 local authorities and summed exactly into 2023 ones, whose
  changes are whole-district merges); children and young people's mental health: IDACI; falls and
  frailty, end of life: IDAOPI with the share aged 65+; loneliness: the loneliness index by LSOA
  weighted by Census residents; long-term conditions and general wellbeing: the IoD 2025 health
  domain; every other theme: the IMD 2025. Two indicators are combined as the mean of their
  percentiles. The IMD can be chosen for any theme on the Coverage gaps page.
- **Assets.** Real venues are potential assets: museums open at the end of the Mapping Museums
  project (2021) and static public libraries open in 2023 (mobile, prison and archive sites left
  out). There is no open register of creative health offers, so the app adds **2,000 generated
  sample offers** (seeded and reproducible), spread across local authorities in proportion to their
  population, about half held at a real museum or library. Every sample record is marked as sample,
  uses example.org contact details, and can be hidden with one click. GP practices (NHS ODS, active)
  are a context layer only and never counted as assets.
- **Filters** combine as "any of" within one field and "all of" across fields. Distances are
  great-circle distances from the postcode's centre.
- **Asset map.** Up to 5,000 assets are drawn with full popups, up to 20,000 with names only; beyond
  that nearby assets are grouped into cells of about 5 km showing their count, so the map stays
  light whatever the number. The list beside the map always holds every matching row.
- **Practitioner clusters.** Density clustering (DBSCAN) on great-circle distances between
  postcode district centroids, with the radius and minimum size you set: a district is a core when
  at least the minimum size of practitioners are within the radius of it; cores within reach of
  each other form one cluster and other districts join their nearest core. A group left smaller
  than the minimum size (never below 5) is dissolved.
- **Practitioner privacy** (statistical disclosure control: suppression and rounding to base 5).
  A count of practitioners from 1 to 4 shows as "fewer than 5"; every other count is rounded to
  the nearest 5, and rates use the rounded count, so no figure can be subtracted from another
  (a total from its parts, a local authority from its ICB, one setting from another) to give
  1-4 people. Shares are shown in 10% steps, only where at least 5 said yes and 5 did not. A
  cluster names only the areas holding 5 or more of its members; its circle sits at the plain
  middle of its districts (not weighted by people), and nobody is placed on the map.
- **Arts Council investment.** The 2023-26 Investment Programme offers (annual funding of each
  National Portfolio and Investment Principles Support Organisation) and National Lottery Project
  Grants 2018-2020 are counted at each organisation's registered office: where the money lands, not
  always where the work happens. Local authority names are matched to 2023 codes (old districts
  through the lookups). A grant is "health-related" when its activity name contains one of a
  published list of words (health, wellbeing, dementia, hospital, care home, NHS, patient, ...);
  such grants are counted apart and listed for review, never added to provision. ACE's licence is
  not stated in the copies used.
- **Primary Care Networks** (NHS England, 2023-24): "near a PCN" means within the chosen distance of
  any of its located GP practices; 54 practices in no PCN are left out of PCN counts.
- **Postcodes** are matched exactly (ignoring case and spaces) against the May 2025 postcode
  directory. Its copy here does not flag terminated postcodes; those without a location are reported
  as such.
"""

VENDORED = "Maps are drawn in your browser with " + ", ".join(
    f"{p.name} {p.version}" for p in PACKAGES
) + " (BSD-2-Clause and MIT licences), served by this app itself: no map file is loaded from a " \
    "content delivery network. Basemap tiles are off unless the app is configured with a tile server."


def sources_table(manifest: list[Dataset]) -> pd.DataFrame:
    """Return one row per dataset: title, publisher, vintage, licence, attribution, page."""
    return pd.DataFrame([
        {"Dataset": d.title, "Publisher": d.publisher, "Vintage": d.vintage, "Licence": d.licence,
         "Attribution": d.attribution, "Publisher page": d.publisher_page}
        for d in manifest
    ])


def dataset_details(item: Dataset) -> str:
    """Return Markdown with a dataset's notes and each file's checksum and address."""
    lines = [item.notes, "", "| file | sha256 | download address |", "|---|---|---|"]
    for source in item.files:
        address = source.url or "none: converted or derived when the mirror was made; supply from a mirror"
        lines.append(f"| `{source.path}` | `{source.sha256[:16]}…` | {address} |")
    return "\n".join(lines)


def build_table(stamp: dict) -> pd.DataFrame:
    """Return one row per build target: when it was built, how long it took, what it holds."""
    return pd.DataFrame([
        {"Part": name, "Built at": info.get("built_at", ""), "Seconds": info.get("seconds"),
         "Contents": ", ".join(f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}"
                               for k, v in info.get("summary", {}).items())}
        for name, info in stamp.items()
    ])
