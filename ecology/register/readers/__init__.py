"""Uploaded files -> a raw table of text cells, before any validation.

``read(filename, data)`` understands CSV (comma or semicolon; UTF-8, UTF-8 with BOM, UTF-16 or
Windows-1252, even mixed line by line), Excel ``.xlsx``, GeoJSON FeatureCollections of points (WGS84 or
British National Grid) and Open Referral UK JSON. Every cell comes back as ``str`` or ``None``; numbers
and dates are left for ``ecology.register.ingest`` to interpret. A file that cannot be used at all
raises ``ImportRefused`` whose text is the message for the user; problems with single rows become
``Issue``s on the table.

One module per format (``delimited``, ``excel``, ``geojson``, ``oruk``, with ``json_document`` telling
the JSON ones apart), over ``table`` (the raw table, the limits, shared helpers) and ``reading`` (which
reader a file needs).
"""

from ecology.register.readers.excel import MAX_UNZIPPED_BYTES
from ecology.register.readers.geojson import MAX_VERTICES
from ecology.register.readers.json_document import MAX_JSON_DEPTH
from ecology.register.readers.reading import read
from ecology.register.readers.table import (ImportRefused, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_READ_SECONDS,
                                            RawTable, WHOLE_ROW)
from ecology.schema import Issue

__all__ = ["MAX_IMPORT_BYTES", "MAX_IMPORT_ROWS", "MAX_JSON_DEPTH", "MAX_READ_SECONDS", "MAX_UNZIPPED_BYTES", "MAX_VERTICES",
           "WHOLE_ROW", "ImportRefused", "Issue", "RawTable", "read"]
