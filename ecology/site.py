"""The app's pages: file, title, icon and what each is for (shared by navigation and tests)."""

from __future__ import annotations

from dataclasses import dataclass

APP_NAME = "Creative Health Ecologies"


@dataclass(frozen=True)
class PageInfo:
    file: str  # relative to the project root
    title: str
    icon: str
    url_path: str  # what follows the host in a deep link ("" for the home page)
    purpose: str


PAGES = (
    PageInfo("app.py", "Overview", ":material/map:", "",
             "The chosen place in numbers and on one map."),
    PageInfo("pages/1_Assets.py", "Assets", ":material/location_on:", "Assets",
             "Creative health assets on a map and in a list, filtered by place and theme, with exports."),
    PageInfo("pages/2_Practitioners.py", "Practitioners", ":material/groups:", "Practitioners",
             "Privacy-safe clusters of creative practitioners and small organisations, and where support is thin."),
    PageInfo("pages/3_ICS_maturity.py", "ICS maturity", ":material/insights:", "ICS_maturity",
             "How far each of the 42 Integrated Care Systems has embedded creative health, with the evidence."),
    PageInfo("pages/4_Coverage_gaps.py", "Coverage gaps", ":material/target:", "Coverage_gaps",
             "Need against provision for every local authority and ICB, by theme, ranked and downloadable."),
    PageInfo("pages/5_Data.py", "Data", ":material/database:", "Data",
             "The register behind the app: records to re-verify, and for editors import, editing and history."),
    PageInfo("pages/6_About_and_sources.py", "About & sources", ":material/info:", "About_and_sources",
             "What the app is for, every data source with its licence, and the methods."),
)
