"""Writing an import into the register: one transaction, merges that take only the fields a file
gave, version checks against what the user saw, and a time limit."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import sqlalchemy as sa

from ecology.register import provenance
from ecology.register.database import (WRITE_TIME_LIMIT_S, Conflict, StoreError, TookTooLong, _PastLimit,
                                     _stopped_by_limit, _time_limited)
from ecology.register.tables import _comparable, _frame_rows, _now, _to_json

if TYPE_CHECKING:
    from ecology.register.store import Store


@dataclass(frozen=True)
class ImportResult:
    batch: str
    added: int
    merged: int  # records a merge changed
    skipped: int
    unchanged: int = 0  # merges that found every field the file gave already as stored


def import_records(store: "Store", kind: str, records: pd.DataFrame, who: str, *, merge_into: dict[int, str] | None = None,
                   given: pd.DataFrame | None = None, versions: Mapping[str, int] | None = None,
                   skip: Iterable[int] = (), batch: str | None = None, note: str = "",
                   time_limit_s: float | None = None) -> ImportResult:
    """Write an import in one transaction: all of it or none of it.

    ``records`` are schema-conformed; positions in ``skip`` are left out; ``merge_into``
    maps a record's position to the id of an existing record it updates. A merge writes
    only the fields ``given`` (a boolean frame aligned with ``records``:
    ``Prepared.given``) marks as coming from the file, so the defaults an import fills
    in never replace a record's own (``provenance.merge_values``). ``versions`` ({id: version}
    read when the file was checked) makes a merge into a record changed since raise
    Conflict, writing nothing; without it a merge is checked against the version read in
    this transaction, so a concurrent edit is never overwritten unseen either way.
    Every record written gets a change row in the batch. Past ``time_limit_s`` (default
    ``WRITE_TIME_LIMIT_S``) the transaction is stopped and rolled back: TookTooLong.
    """
    limit = WRITE_TIME_LIMIT_S if time_limit_s is None else time_limit_s
    try:
        with store._write() as conn, _time_limited(conn, limit) as late, conn.begin():
            return _import_rows(store, conn, late, kind, records, who, merge_into=merge_into, given=given,
                                versions=versions, skip=skip, batch=batch, note=note)
    except (sa.exc.OperationalError, sqlite3.OperationalError, _PastLimit) as error:
        if isinstance(error, _PastLimit) or _stopped_by_limit(error):
            raise TookTooLong(
                f"Writing the import took longer than {limit:g} seconds, so it was stopped and rolled back: "
                "nothing was written. Import the file in smaller parts, or try again when the register is "
                "less busy.") from None
        raise

def _import_rows(store: "Store", conn, late, kind: str, records: pd.DataFrame, who: str, *, merge_into, given, versions,
                 skip, batch, note) -> ImportResult:
    info, table = store._table(kind)
    merge_into = dict(merge_into or {})
    names = list(info.columns)
    if merge_into:
        if given is None or len(given) != len(records):
            raise ValueError("a merge needs `given` (which fields the file gave), one row per record")
        given_cells = given.reindex(columns=names, fill_value=False).to_numpy(dtype=bool)
        if versions is not None and set(merge_into.values()) - set(versions):
            raise ValueError("`versions` must hold the version read of every record merged into")
    skip = set(skip)
    batch = batch or f"import-{_now().strftime('%Y%m%dT%H%M%S')}-{who}"
    rows = _frame_rows(info, records)
    now = _now()
    added = merged = unchanged = 0
    key = table.c[info.id_column]
    new_rows, logs, moved = [], [], []
    for position, row in enumerate(rows):
        late(position)
        if position in skip:
            continue
        if position in merge_into:
            target = merge_into[position]
            current = conn.execute(sa.select(table).where(key == target)).mappings().first()
            if current is None:
                raise StoreError(f"record {target} to merge into is not in the register")
            current = dict(current)
            if versions is not None and current["version"] != int(versions[target]):
                moved.append(target)
                continue
            wanted = [name for name, g in zip(names, given_cells[position]) if g]
            fields = provenance.merge_values(row, wanted, current, id_column=info.id_column)
            if not fields:
                unchanged += 1
                continue
            fields.update(version=current["version"] + 1, updated_at=now)
            result = conn.execute(table.update().where(key == target).where(
                table.c.version == current["version"]).values(**fields))
            if result.rowcount != 1:  # another writer got in between (PostgreSQL read committed)
                raise Conflict(f"{target} was changed by someone else while importing; nothing was imported.")
            stored = {**current, **fields}
            logs.append(dict(record_type=kind, record_id=target, action="merge", who=who, at=now,
                             before=_to_json(_comparable(info, current)),
                             after=_to_json(_comparable(info, stored)), note=note or None, batch=batch))
            merged += 1
        else:
            # The history holds what _comparable would give, without a second pass over every cell.
            after = _to_json({**row, "version": 1, "retired_at": None, "verified_by": None})
            row.update(version=1, created_at=now, updated_at=now)
            new_rows.append(row)
            logs.append(dict(record_type=kind, record_id=row[info.id_column], action="import", who=who,
                             at=now, before=None, after=after, note=note or None, batch=batch))
            added += 1
    if moved:  # raising inside the transaction rolls back every row already written
        shown = ", ".join(moved[:5]) + (f" and {len(moved) - 5:,} more" if len(moved) > 5 else "")
        raise Conflict(f"{len(moved):,} record(s) this file merges into changed since the file was checked "
                       f"({shown}): nothing was imported. Check the file again, then write it.")
    if new_rows:
        conn.execute(table.insert(), new_rows)
    if logs:
        conn.execute(store._tables["changes"].insert(), logs)
    return ImportResult(batch, added, merged, len(skip & set(range(len(rows)))), unchanged)
