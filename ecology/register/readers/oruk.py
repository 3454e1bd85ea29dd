"""Open Referral UK: service lists, single services and bundles, nested locations and addresses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecology import schema
from ecology.schema import Issue
from ecology.register.readers.table import (ImportRefused, MAX_IMPORT_ROWS, RawTable, cell_text, check_time,
                                            too_many_rows)


# -- Open Referral UK ----------------------------------------------------------------------

# vocabulary name -> the asset field holding its terms (export writes "creative-health-ecologies:<vocabulary>")
_VOCABULARY_FIELD = {v: f for f, v in {**schema.MULTI_VALUED, **schema.SINGLE_VALUED}.items()}
_ORUK_PREFIX = "creative-health-ecologies:"


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def services_of(document: object) -> list[tuple[dict, dict | None]] | None:
    """Return (service, its nested organisation or None) pairs, or None if this is not ORUK."""
    if isinstance(document, list):
        services = _dicts(document)
        return [(s, None) for s in services] if services and len(services) == len(document) else None
    if not isinstance(document, dict):
        return None
    if _is_service(document):  # one full service object, as an API's /services/{id} returns it
        return [(document, None)]
    for key in ("services", "contents", "content"):
        if isinstance(document.get(key), list):
            return [(s, None) for s in _dicts(document[key])]
    organisations = _dicts(document.get("organizations"))
    if organisations and any(isinstance(o.get("services"), list) for o in organisations):
        return [(s, o) for o in organisations for s in _dicts(o.get("services"))]
    return None


def _is_service(document: dict) -> bool:
    """Return True for one ORUK service (a name and the links only a service has)."""
    return isinstance(document.get("name"), str) and any(
        key in document for key in ("service_at_locations", "organization", "organization_id", "status",
                                    "service_areas", "contacts", "schedules"))


@dataclass
class _OrukIndex:
    """The flat lists of an ORUK document, indexed by the ids that link them."""

    organisations: dict
    locations: dict
    service_locations: dict
    addresses: dict
    terms: dict
    taxonomies: dict
    attributes: dict
    cost_options: dict

    @classmethod
    def of(cls, document: object) -> "_OrukIndex":
        doc = document if isinstance(document, dict) else {}

        def by(key: str, link: str = "id") -> dict:
            index: dict = {}
            for item in _dicts(doc.get(key)):
                index.setdefault(item.get(link), []).append(item)
            return index

        return cls(by("organizations"), by("locations"), by("service_at_locations", "service_id"),
                   by("addresses", "location_id"), by("taxonomy_terms"), by("taxonomies"),
                   by("attributes", "link_id"), by("cost_options", "service_id"))


def read_oruk(document: object, services: list[tuple[dict, dict | None]]) -> RawTable:
    """Return a RawTable with one row per ORUK service (row label "service")."""
    if len(services) > MAX_IMPORT_ROWS:
        raise ImportRefused(too_many_rows("services"))
    if not services:
        raise ImportRefused("The Open Referral UK file lists no services: there is nothing to import.")
    index = _OrukIndex.of(document)
    rows, issues, several = [], [], 0
    for number, (service, organisation) in enumerate(services, start=1):
        check_time(number)
        locations = _oruk_locations(service, index) or [None]
        several += len(locations) > 1
        for location in locations:
            row = _oruk_row(service, organisation, index, location, several=len(locations) > 1)
            rows.append(row)
            issues.extend(_oruk_required(len(rows), row))
            if len(rows) > MAX_IMPORT_ROWS:
                raise ImportRefused(too_many_rows("service locations"))
    frame = pd.DataFrame.from_records(rows).astype(object)
    frame = frame.where(frame.notna() & (frame != ""), None)
    table = RawTable(frame, np.arange(1, len(rows) + 1, dtype=np.int64), "service", "oruk", issues=issues)
    version = document.get("oruk_version") if isinstance(document, dict) else None
    table.notes.append(f"Read as Open Referral UK JSON{f' (version {version})' if version else ''}: "
                       f"{len(services)} services" + (f"; {several} delivered at several locations give one row "
                                                     f"per location, {len(rows)} rows in all" if several else "")
                       + ".")
    return table


def _oruk_required(number: int, row: dict) -> list[Issue]:
    """Return issues for the ORUK required fields a service lacks (id, name, organisation name)."""
    issues = []
    if not row.get("name"):
        issues.append(Issue(number, "name", "", "error",
                            "This service has no name (required by Open Referral UK and by this directory)."))
    if not row.get("id"):
        issues.append(Issue(number, "id", "", "warning",
                            "This service has no id (required by Open Referral UK): an id was made from its "
                            "name and location."))
    if not row.get("organisation"):
        issues.append(Issue(number, "organisation", "", "warning",
                            "This service's organisation has no name (required by Open Referral UK): the "
                            "organisation was left empty."))
    return issues


def _oruk_row(service: dict, organisation: dict | None, index: _OrukIndex, location: dict | None, *,
              several: bool = False) -> dict:
    """Return one service at one location as text cells named after the asset fields; a service
    at several locations gets one row per location, its id and name telling them apart."""
    organisation = organisation or (service.get("organization") if isinstance(service.get("organization"), dict)
                                     else (index.organisations.get(service.get("organization_id")) or [None])[0])
    row = {"id": cell_text(service.get("id")), "name": cell_text(service.get("name")),
           "organisation": cell_text((organisation or {}).get("name")),
           "description": cell_text(service.get("description")), "status": cell_text(service.get("status")),
           "website": cell_text(service.get("url")), "contact_email": cell_text(service.get("email")),
           # assured_date is when someone checked the service; last_modified is only when its record
           # changed (a feed touches it on every sync), so it never stands for a verification.
           "last_verified": cell_text(service.get("assured_date"))}
    row.update(_oruk_location(location, index))
    if several:
        where = cell_text(location.get("name")) or cell_text(location.get("id")) or "location"
        row["id"] = f"{row['id']}@{cell_text(location.get('id')) or where}" if row.get("id") else None
        if where != row.get("name"):
            row["name"] = f"{row.get('name') or ''} ({where})".strip()
    row.update(_oruk_terms(service, index))
    if not row.get("cost"):
        row["cost"] = _oruk_cost(service, index)
    return row


def _oruk_locations(service: dict, index: _OrukIndex) -> list[dict]:
    found = []
    for link in _dicts(service.get("service_at_locations")) or index.service_locations.get(service.get("id"), []):
        location = link.get("location")
        if isinstance(location, dict):
            found.append(location)
        else:
            found.extend(index.locations.get(link.get("location_id"), []))
    return found + _dicts(service.get("locations"))


def _oruk_location(location: dict | None, index: _OrukIndex) -> dict:
    """Return address, postcode, latitude, longitude (text) of one location (its first physical
    address, else its first address)."""
    if not location:
        return {}
    addresses = (_dicts(location.get("addresses")) or _dicts(location.get("physical_addresses"))
                 or index.addresses.get(location.get("id"), []))
    physical = [a for a in addresses if str(a.get("address_type", "physical")).lower() == "physical"]
    address = (physical or addresses or [{}])[0]
    lines = [address.get(k) for k in ("address_1", "address_2", "city", "state_province")]
    return {"address": ", ".join(str(v).strip() for v in lines if isinstance(v, str) and v.strip()) or None,
            "postcode": cell_text(address.get("postal_code")),
            "latitude": cell_text(location.get("latitude")), "longitude": cell_text(location.get("longitude"))}


def _oruk_term(attribute: dict, index: _OrukIndex) -> tuple[str, str | None]:
    """Return (column, term text) for one attribute / service_taxonomy link."""
    term = attribute.get("taxonomy_term") or attribute.get("taxonomy")
    if not isinstance(term, dict):
        term = (index.terms.get(attribute.get("taxonomy_term_id")) or [{}])[0]
    vocabulary = term.get("taxonomy") or term.get("vocabulary") or ""
    if not vocabulary and term.get("taxonomy_id"):
        vocabulary = (index.taxonomies.get(term["taxonomy_id"]) or [{}])[0].get("name", "")
    vocabulary = str(vocabulary)
    if vocabulary.startswith(_ORUK_PREFIX) and vocabulary[len(_ORUK_PREFIX):] in _VOCABULARY_FIELD:
        column = _VOCABULARY_FIELD[vocabulary[len(_ORUK_PREFIX):]]
    else:
        column = "taxonomy_terms"
    text = term.get("code") if column != "taxonomy_terms" else None
    return column, cell_text(text or term.get("term") or term.get("name"))


def _oruk_terms(service: dict, index: _OrukIndex) -> dict:
    """Return {column: "term; term"} from a service's attributes (v3) or service_taxonomys (v1)."""
    links = (_dicts(service.get("attributes")) or _dicts(service.get("service_taxonomys"))
             or index.attributes.get(service.get("id"), []))
    columns: dict[str, list[str]] = {}
    for link in links:
        column, text = _oruk_term(link, index)
        if text and text not in columns.setdefault(column, []):
            columns[column].append(text)
    return {column: "; ".join(texts) for column, texts in columns.items() if texts}


def _oruk_cost(service: dict, index: _OrukIndex) -> str | None:
    """Return a cost word from a service's first cost option ("free" when the amount is 0)."""
    options = _dicts(service.get("cost_options")) or index.cost_options.get(service.get("id"), [])
    if not options:
        return None
    if options[0].get("amount") == 0:
        return "free"
    return cell_text(options[0].get("option"))
