"""Open Referral UK 3.0 out, as a bundle of flat lists linked by id."""

from __future__ import annotations


import pandas as pd

from ecology import schema, taxonomy
from ecology.register.export.common import (ORUK_VERSION, VOCABULARY_FIELDS, VOCABULARY_PREFIX, coordinate_or_none,
                                            date_text, distinct_texts, records_of, stable_id, text_or_none)


_COST_OPTIONS = {"free": ("Free", 0), "low_cost": ("Low cost", None), "paid": ("Paid", None)}


# -- Open Referral UK ---------------------------------------------------------------

def _organisation_key(name: str) -> str:
    # Spacing and case differences in a free-text name are not different organisations.
    return " ".join(name.split()).casefold()


def _service_description(record: dict[str, object]) -> str | None:
    parts = []
    for field, title in (("activities", "Activities"), ("health_focus", "Health focus"),
                         ("audiences", "Audiences"), ("settings", "Settings"),
                         ("referral_routes", "Referral routes")):
        labels = schema.term_labels(field, record[field])
        if labels:
            parts.append(f"{title}: {labels}.")
    if record["is_sample"]:
        # A feed consumer must not mistake an invented record for a real offer.
        parts.insert(0, "Generated sample record, not a real service.")
    return " ".join(parts) or None


def _vocabulary_terms(record: dict[str, object], field: str) -> list[str]:
    value = record[field]
    if field in schema.MULTI_VALUED:
        return schema.split_terms(value)
    text = text_or_none(value)
    return [text] if text else []


def to_oruk(assets: pd.DataFrame) -> dict:
    """Return the assets as Open Referral UK 3.0 JSON (flat lists linked by id).

    Top-level lists: ``organizations`` (one per distinct organisation name; an
    asset without one is its own organisation), ``services`` (one per asset,
    with nested ``cost_options`` and ``attributes`` linking it to taxonomy
    terms), ``locations`` (assets with a point, an address or a postcode; with
    nested ``addresses``), ``service_at_locations``, ``taxonomies`` (one per
    vocabulary used) and ``taxonomy_terms`` (one per vocabulary term used).
    Also ``attribution`` and ``licence`` (distinct texts in order of first
    appearance) and ``oruk_version``. Ids are UUID5s of the asset id,
    organisation name or term id, so they are the same in every export.
    Raises ValueError when an asset_id is missing or repeated (ids would clash).
    """
    records = records_of(assets)
    asset_ids = [text_or_none(r["asset_id"]) for r in records]
    for number, asset_id in enumerate(asset_ids, start=1):
        if not asset_id:
            raise ValueError(f"asset_id missing on row {number}")
    if len(set(asset_ids)) != len(asset_ids):
        raise ValueError("asset_id values repeat, so ORUK ids would clash")

    organisations: dict[str, dict[str, object]] = {}
    services, locations, links = [], [], []
    terms: dict[tuple[str, str], dict[str, object]] = {}
    taxonomies: dict[str, dict[str, object]] = {}

    for record, asset_id in zip(records, asset_ids):
        name = text_or_none(record["name"]) or asset_id
        organisation_name = text_or_none(record["organisation"])
        if organisation_name and organisation_name.strip():
            organisation_id = stable_id("organisation", _organisation_key(organisation_name))
        else:
            organisation_name, organisation_id = name, stable_id("asset-organisation", asset_id)
        organisation = organisations.setdefault(organisation_id, {
            "id": organisation_id, "name": organisation_name, "description": "", "_count": 0})
        organisation["_count"] += 1

        service_id = stable_id("service", asset_id)
        status = "inactive" if (text_or_none(record["status"]) or "").strip().lower() == "inactive" else "active"
        service: dict[str, object] = {"id": service_id, "organization_id": organisation_id, "name": name,
                                      "status": status}
        optional = {"description": _service_description(record), "url": text_or_none(record["website"]),
                    "email": text_or_none(record["contact_email"]), "assured_date": date_text(record["last_verified"])}
        service.update({k: v for k, v in optional.items() if v})

        cost = text_or_none(record["cost"])
        if cost:
            option, amount = _COST_OPTIONS.get(cost, (taxonomy.label_of("cost", cost), None))
            cost_option: dict[str, object] = {"id": stable_id("cost-option", asset_id), "service_id": service_id,
                                              "option": option}
            if amount is not None:
                cost_option["amount"] = amount
            service["cost_options"] = [cost_option]

        attributes = []
        for field, vocabulary in VOCABULARY_FIELDS.items():
            for term_id in _vocabulary_terms(record, field):
                if vocabulary not in taxonomies:
                    taxonomies[vocabulary] = {
                        "id": stable_id("taxonomy", vocabulary), "name": f"{VOCABULARY_PREFIX}:{vocabulary}",
                        "description": f"Creative Health Ecologies vocabulary: {vocabulary.replace('_', ' ')}"}
                term = terms.get((vocabulary, term_id))
                if term is None:
                    label = taxonomy.label_of(vocabulary, term_id)
                    term = terms[(vocabulary, term_id)] = {
                        "id": stable_id(f"term:{vocabulary}", term_id), "code": term_id, "name": label,
                        "description": f"{label} ({vocabulary.replace('_', ' ')} in the Creative Health Ecologies "
                                       "vocabulary)", "term": label,
                        "taxonomy": f"{VOCABULARY_PREFIX}:{vocabulary}",
                        "taxonomy_id": taxonomies[vocabulary]["id"], "parent_id": None}
                attributes.append({"id": stable_id(f"attribute:{field}:{term_id}", asset_id),
                                   "link_id": service_id, "link_entity": "service", "link_type": vocabulary,
                                   "taxonomy_term_id": term["id"]})
        if attributes:
            service["attributes"] = attributes
        services.append(service)

        lat = coordinate_or_none(record["latitude"], 90)
        lon = coordinate_or_none(record["longitude"], 180)
        address, postcode = text_or_none(record["address"]), text_or_none(record["postcode"])
        if (lat is None or lon is None) and not address and not postcode:
            continue
        location_id = stable_id("location", asset_id)
        # location_type is required by the UK profile; every asset here is a place people go to.
        location: dict[str, object] = {"id": location_id, "location_type": "physical", "name": name}
        if lat is not None and lon is not None:
            location.update(latitude=lat, longitude=lon)
        if address or postcode:
            location["addresses"] = [{
                "id": stable_id("address", asset_id), "location_id": location_id, "address_1": address or "",
                "city": "", "state_province": "", "postal_code": postcode or "", "country": "GB",
                "address_type": "physical"}]
        locations.append(location)
        links.append({"id": stable_id("service-at-location", asset_id), "service_id": service_id,
                      "location_id": location_id})

    for organisation in organisations.values():
        count = organisation.pop("_count")
        organisation["description"] = (
            f"Provides {count} creative health offer{'s' if count != 1 else ''} "
            "listed in the Creative Health Ecologies directory.")

    return {
        "oruk_version": ORUK_VERSION,
        "organizations": list(organisations.values()),
        "services": services,
        "locations": locations,
        "service_at_locations": links,
        "taxonomies": list(taxonomies.values()),
        "taxonomy_terms": list(terms.values()),
        "attribution": distinct_texts(r["attribution"] for r in records),
        "licence": distinct_texts(r["licence"] for r in records),
    }
