"""JSON uploads: refused when nested too deep, then read as GeoJSON or as Open Referral UK."""

from __future__ import annotations

import json

from ecology.register.readers.delimited import decode_text
from ecology.register.readers.geojson import read_geojson
from ecology.register.readers.oruk import read_oruk, services_of
from ecology.register.readers.table import ImportRefused, RawTable


# -- JSON: GeoJSON and Open Referral UK --------------------------------------------------
def read_json(data: bytes) -> RawTable:
    text, _, _ = decode_text(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
                            f"{error.msg}). Export it again, or check it with a JSON validator.") from None
    except RecursionError:  # the parser's own stack: thousands of nested brackets
        raise ImportRefused(_too_deep()) from None
    if _depth_over(document, MAX_JSON_DEPTH):
        raise ImportRefused(_too_deep())
    if isinstance(document, dict) and document.get("type") in ("FeatureCollection", "Feature"):
        return read_geojson(document)
    services = services_of(document)
    if services is None:
        found = ", ".join(sorted(map(str, document))[:8]) if isinstance(document, dict) else type(document).__name__
        raise ImportRefused(f"The JSON is neither GeoJSON (a FeatureCollection) nor Open Referral UK "
                            f"(a list of services); its top level holds: {found or 'nothing'}.")
    return read_oruk(document, services)


MAX_JSON_DEPTH = 64  # a GeoJSON feature or ORUK service needs a dozen levels; more is not data


def _too_deep() -> str:
    return (f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep, which no GeoJSON or Open Referral UK "
            "file needs: it was not read. Export it again from its source.")


def _depth_over(document: object, limit: int) -> bool:
    """Return True if lists and objects nest more than ``limit`` deep (walked without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


