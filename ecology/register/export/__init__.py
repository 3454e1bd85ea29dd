"""Asset tables out of the app (and CSV back in): CSV, GeoJSON and Open Referral UK JSON.

Pure functions on a ``schema.ASSET_COLUMNS`` table; nothing here draws a page.

CSV
    Written so a spreadsheet cannot run it: a text cell that a spreadsheet would
    read as a formula gets a leading apostrophe, which ``read_csv`` takes off
    again. Missing values are empty unquoted cells and empty strings are ``""``,
    so the two survive a round trip.

GeoJSON
    RFC 7946 FeatureCollection of Points ([longitude, latitude], WGS84).

Open Referral UK
    Follows ORUK version 3.0, the UK profile of the Human Services Data
    Specification (HSDS) 3.0, as published in the OpenReferralUK/uk-profile
    repository (``schema/*.json`` and ``profile/*.json``) and the compliance
    criteria at https://openreferraluk.org/developers/compliance. Required
    fields used here:

    - organization: id, name, description
    - service: id, name, status (and organization_id, required for flat data)
    - location: id
    - address: id, address_1, city, state_province, postal_code, country,
      address_type (HSDS 3.0 "addresses" with address_type "physical"; ORUK 1
      called these physical_addresses)
    - service_at_location: id (and service_id, location_id for flat data)
    - taxonomy: id, name, description
    - taxonomy_term: id, taxonomy (the ORUK profile replaces HSDS "name" with
      "term"; "code" is kept from HSDS 3.0 to carry our term id)
    - attribute (v3's replacement for service_taxonomy): id (and link_id,
      taxonomy_term_id, link_entity for flat data)
    - cost_option: id (and service_id)

    The record has no town or county, so the required address city and
    state_province are written as empty strings. Optional fields with no value
    are left out, as the compliance criteria ask, except taxonomy_term
    parent_id, which is written as null to say "top level" explicitly.

One module per format (``spreadsheet`` for CSV, ``geojson``, ``oruk`` for the flat bundle and
``oruk_api`` for the nested service list), over ``common`` (ids, vocabularies, shared helpers).
"""

from ecology.register.export.common import ID_NAMESPACE, ORUK_VERSION, TERM_SEPARATOR, VOCABULARY_PREFIX
from ecology.register.export.geojson import to_geojson
from ecology.register.export.oruk import to_oruk
from ecology.register.export.spreadsheet import FORMULA_TRIGGERS, neutralise, read_csv, restore, table_to_csv, to_csv

__all__ = ["FORMULA_TRIGGERS", "ID_NAMESPACE", "ORUK_VERSION", "TERM_SEPARATOR", "VOCABULARY_PREFIX", "neutralise",
           "read_csv", "restore", "table_to_csv", "to_csv", "to_geojson", "to_oruk"]
