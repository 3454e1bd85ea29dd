"""A raw table (``ecology.register.readers``) -> validated asset or practitioner records and a report.

``suggest_mapping`` (``columns``) guesses which file column holds which field; ``prepare`` checks
every row and returns a ``Prepared``: the records that can be imported (conformed to the schema, area
codes filled), one ``Issue`` per problem naming the row, column and field, and the rows that duplicate
the store or repeat in the file. Checks are vectorised over columns, so 100,000 rows take seconds.

One module per job: ``columns`` (mapping file columns to fields), ``report`` (collecting issues),
``fields`` (checking text, terms, yes/no, numbers, dates and links), ``location`` (coordinates,
postcodes and areas), ``identity`` (ids and duplicates) and ``prepare`` (the driver and its result).

Choices made here (documented for the import page):
- a missing, unreadable or future "last verified" date is left missing: the record counts as never
  verified (freshness lists it first), with a warning saying so; nothing is marked verified on the
  import day;
- defaults (the source name, ``IMPORT_LICENCE``, status "active", not a sample) fill in new records
  only: ``Prepared.given`` says which fields each row's file gave, and a merge into a stored record
  takes only those (see ``ecology.register.provenance``);
- a row holding HTML or script, or a value too long for its field, is not imported (an error),
  rather than imported with the value changed;
- practitioners without an id get ``import:<uuid5 of source, row, district>``, so importing the same
  file twice gives the same ids.
"""

from ecology.register.ingest.columns import KINDS, is_personal_column, mapping_targets, suggest_mapping
from ecology.register.ingest.identity import IMPORT_NAMESPACE, source_slug, uuid5
from ecology.register.ingest.location import district_centroids
from ecology.register.ingest.preparing import DUPLICATE_COLUMNS, IMPORT_LICENCE, Prepared, prepare
from ecology.register.ingest.report import SHOWN_VALUE_CHARS, shown
from ecology.schema import Issue

__all__ = ["DUPLICATE_COLUMNS", "IMPORT_LICENCE", "IMPORT_NAMESPACE", "KINDS", "SHOWN_VALUE_CHARS", "Issue", "Prepared",
           "district_centroids", "is_personal_column", "mapping_targets", "prepare", "shown", "source_slug",
           "suggest_mapping", "uuid5"]
