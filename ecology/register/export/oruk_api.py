"""Open Referral UK in the nested shape its APIs publish: a paginated service list whose services
carry their organisation, locations (with addresses) and taxonomy terms inside them.

Made from ``export.to_oruk`` (the flat bundle linked by id), so both shapes hold the same
objects with the same stable ids. Each service validates against the UK profile 3.0 compiled
``service.json`` schema; ``tests/unit/test_oruk_schema.py`` checks it with ``jsonschema``.
"""

from __future__ import annotations

import pandas as pd

from ecology.register import export


def nested_services(bundle: dict) -> list[dict]:
    """Return the bundle's services, each with its ``organization``, ``service_at_locations``
    (each holding its ``location``) and attributes holding their ``taxonomy_term``."""
    organisations = {o["id"]: o for o in bundle["organizations"]}
    locations = {loc["id"]: loc for loc in bundle["locations"]}
    terms = {t["id"]: t for t in bundle["taxonomy_terms"]}
    links: dict[str, list[dict]] = {}
    for link in bundle["service_at_locations"]:
        links.setdefault(link["service_id"], []).append(link)
    services = []
    for service in bundle["services"]:
        nested = dict(service)
        nested["organization"] = organisations[service["organization_id"]]
        nested["service_at_locations"] = [{**link, "location": locations[link["location_id"]]}
                                          for link in links.get(service["id"], [])]
        if "attributes" in service:
            nested["attributes"] = [{**attribute, "taxonomy_term": _term(terms[attribute["taxonomy_term_id"]])}
                                    for attribute in service["attributes"]]
        services.append(nested)
    return services


def _term(term: dict) -> dict:
    """Return a taxonomy term as the schema nests it (no null parent)."""
    return {key: value for key, value in term.items() if value is not None}


def service_list(assets: pd.DataFrame) -> dict:
    """Return the assets as one page of an ORUK service list (``contents``: nested services),
    with the project's ``attribution`` and ``licence`` beside it."""
    bundle = export.to_oruk(assets)
    contents = nested_services(bundle)
    return {"total_items": len(contents), "total_pages": 1, "page_number": 1, "size": len(contents),
            "first_page": True, "last_page": True, "empty": not contents, "contents": contents,
            "oruk_version": bundle["oruk_version"], "attribution": bundle["attribution"],
            "licence": bundle["licence"]}
