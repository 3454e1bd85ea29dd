"""Which file column holds which field: synonyms, the suggested mapping, personal-data columns."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ecology.register.ingest.report import Report

if TYPE_CHECKING:
    from ecology.register.readers import RawTable


KINDS = ("assets", "practitioners")


# -- column mapping ------------------------------------------------------------------------

_SOURCE_ID = ("id", "source id", "ref", "reference", "record id", "uid", "identifier", "service id", "ref no")
_HEALTH_FOCUS = ("health focus", "health", "health area", "health condition", "condition", "health need",
                 "health outcome", "health focuses")
_PROVENANCE = {"source": ("source", "data source"), "licence": ("licence", "license")}
# field -> column names (reduced by ``_key``) that mean it, in the order the mapping page lists them
_ASSET_SYNONYMS = {
    "asset_id": ("asset id",),
    "source_id": _SOURCE_ID,
    "name": ("name", "asset name", "service name", "offer name", "activity name", "programme name",
             "project name", "title", "venue name", "group name"),
    "organisation": ("organisation", "organization", "organisation name", "organization name", "org", "org name",
                     "provider", "provider name", "delivered by", "company"),
    "kind": ("kind", "type", "asset type", "kind of asset", "record type"),
    "activities": ("activities", "activity", "art form", "artform", "art forms", "creative activity", "discipline"),
    "health_focus": _HEALTH_FOCUS,
    "audiences": ("audiences", "audience", "who for", "who is it for", "target audience", "participants",
                  "client group", "beneficiaries", "age group"),
    "settings": ("settings", "setting", "venue type", "delivery setting"),
    "referral_routes": ("referral routes", "referral route", "referral", "referrals", "how to refer",
                        "access route"),
    "cost": ("cost", "price", "fee", "charge", "cost type"),
    "address": ("address", "full address", "street address", "address 1", "address line 1", "location address"),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code", "pcd"),
    "latitude": ("latitude", "lat", "y lat", "wgs84 latitude"),
    "longitude": ("longitude", "lon", "long", "lng", "x lon", "wgs84 longitude"),
    "easting": ("easting", "eastings", "os easting", "grid easting", "x"),
    "northing": ("northing", "northings", "os northing", "grid northing", "y"),
    "website": ("website", "url", "web", "web address", "web site", "link", "homepage"),
    "contact_email": ("contact email", "email", "e mail", "email address", "contact e mail"),
    "status": ("status", "active"),
    "last_verified": ("last verified", "verified", "date verified", "last checked", "date checked",
                      "last updated", "updated", "assured date", "verified on"),
    **_PROVENANCE,
    "attribution": ("attribution",),
}
_PRACTITIONER_SYNONYMS = {
    "practitioner_id": ("practitioner id",),
    "source_id": _SOURCE_ID,
    "disciplines": ("disciplines", "discipline", "art form", "art forms", "artform", "activities", "activity",
                    "creative practice", "practice"),
    "practice_type": ("practice type", "type", "type of practice", "organisation type", "business type"),
    "postcode_district": ("postcode district", "district", "postal district", "outward code", "postcode",
                          "post code", "home postcode", "work postcode"),
    "trained_safeguarding": ("trained safeguarding", "safeguarding", "safeguarding training"),
    "trained_edi": ("trained edi", "edi", "edi training", "equality and diversity", "equality diversity",
                    "equality diversity and inclusion"),
    "trained_mhfa": ("trained mhfa", "mhfa", "mental health first aid"),
    "has_supervision": ("has supervision", "supervision"),
    "in_peer_network": ("in peer network", "peer network", "peer support"),
    "paid_fairly": ("paid fairly", "fair pay", "fairly paid"),
    "lived_experience_led": ("lived experience led", "lived experience", "lived experience leadership"),
    "ethnically_diverse": ("ethnically diverse", "ethnic diversity", "global majority"),
    "disabled": ("disabled", "disability"),
    "health_focus": _HEALTH_FOCUS,
    **_PROVENANCE,
}
_TARGETS = {"assets": _ASSET_SYNONYMS, "practitioners": _PRACTITIONER_SYNONYMS}
# Column names that hold personal data about a practitioner: never imported.
_PERSONAL = re.compile(r"\b(e ?mail|phone|telephone|mobile|tel|address|street|birth|dob|birthday|forename|"
                       r"surname|nhs number|ni number|national insurance)\b|"
                       r"^(full |first |last |given |family |your |contact |practitioner |person s )?name$")


def _key(name: object) -> str:
    """Return a column name reduced for matching: lower case, words only ("Post-Code" -> "post code")."""
    text = str(name).lower().replace("&", " and ").replace("(s)", "s")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _lookup(kind: str) -> dict[str, str]:
    """Return {reduced name or synonym: target} for a kind (the field's own name included)."""
    lookup: dict[str, str] = {}
    for target, synonyms in _TARGETS[kind].items():
        for name in (target, *synonyms):
            lookup.setdefault(_key(name), target)
    return lookup


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


def mapping_targets(kind: str) -> list[str]:
    """Return the fields a file column can be mapped to, in display order."""
    check_kind(kind)
    return list(_TARGETS[kind])


def is_personal_column(name: str) -> bool:
    """Return True when a column name says it holds personal data (name, email, phone, address, birth date)."""
    return bool(_PERSONAL.search(_key(name)))


def suggest_mapping(columns: list[str], kind: str) -> dict[str, str | None]:
    """Return {file column: target field or None}; each target is given to its first matching column."""
    check_kind(kind)
    lookup, used, mapping = _lookup(kind), set(), {}
    for column in columns:
        key = _key(column)
        target = lookup.get(key) or lookup.get(key.removesuffix("s"))
        if kind == "practitioners" and is_personal_column(column):
            target = None
        if target in used:
            target = None
        used.add(target)
        mapping[column] = target
    return mapping


def check_mapping(raw: "RawTable", kind: str, mapping: dict[str, str | None] | None) -> dict[str, str]:
    """Return {target: file column}; raise ValueError for unknown columns/targets or a target used twice."""
    mapping = suggest_mapping(list(raw.frame.columns), kind) if mapping is None else mapping
    targets, by_target = set(mapping_targets(kind)), {}
    for column, target in mapping.items():
        if target is None:
            continue
        if column not in raw.frame.columns:
            raise ValueError(f"the mapping names column {column!r}, which the file does not have")
        if target not in targets:
            raise ValueError(f"{target!r} is not a field {kind} can be mapped to")
        if target in by_target:
            raise ValueError(f"columns {by_target[target]!r} and {column!r} are both mapped to {target!r}")
        by_target[target] = column
    return by_target


def drop_personal(report: Report, raw: "RawTable", columns: dict[str, str]) -> dict[str, str]:
    """Return the mapping without personal-data columns; one file-level warning naming those in the file."""
    personal = [c for c in raw.frame.columns if is_personal_column(c)]
    if personal:
        report.file("warning", f"These columns hold personal data and were not imported: {', '.join(personal)}. "
                    "Practitioner records are pseudonymous: no names, contact details or addresses, and only "
                    "the postcode district.", ", ".join(personal))
    return {t: c for t, c in columns.items() if c not in personal}


