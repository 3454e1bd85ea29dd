"""The register: assets and practitioners in a database, with an audit history.

SQLite (a file, WAL mode) by default; PostgreSQL when ``ECOLOGY_DATABASE_URL``
points at one. Everything goes through SQLAlchemy Core, so the same code and
the same tests run on both.

Every change to a record is one row in ``changes`` (who, when, the record
before and after), and can be undone. Records carry a ``version`` that each
change increments: a writer says which version it read, and a write against
any other version raises ``Conflict`` instead of overwriting someone else's
change. Records are retired, never deleted.

The tables and row values are ``register_tables``; the engine, the schema
revision, migrating and the errors are ``register_engine`` (named here too); an
import's write is ``register_import``. The schema is made and upgraded by the
frozen Alembic revisions in ``ecology/migrations`` (its docstring says how a
developer adds one): ``migrate`` runs them when a register is opened, check and upgrade in one transaction under
a lock, and refuses a database it does not know (``UnknownSchema``) without
changing anything in it. A register made by the first release has no
``alembic_version`` but a ``schema_migrations`` table (versions 1-3); it is
stamped at the matching revision, then upgraded. ``schema_migrations`` is left
as it was and never read again once ``alembic_version`` exists: while the schema
is one that release knows it can still open the register (a revision that
changes that should drop the table).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from ecology import schema
from ecology.register import identity, writing
from ecology.register.writing import ImportResult  # noqa: F401 (named here too)
from ecology.register.database import (HEAD, REVISIONS, WRITE_TIME_LIMIT_S, Conflict, NewerSchema,  # noqa: F401
                                     NotARegister, StoreError, TookTooLong, UnknownSchema, _LEGACY_REVISIONS,
                                     _stopped_by_limit, _time_limited, _use_wal, default_url, make_engine,
                                     migrate, schema_revision, unavailable)
from ecology.register.tables import (_METADATA, ACTIONS, BOOKKEEPING, KINDS, SEED_KEY, TABLES,  # noqa: F401
                                     Kind, _comparable, _frame_rows, _from_json, _now, _plain, _row_values,
                                     _to_json)


# ------------------------------------------------------------------ store

@dataclass(frozen=True)
class VerifyResult:
    verified: tuple[str, ...]
    refused: dict[str, str]  # record id -> why it was not marked (changed since it was read, or gone)


@dataclass
class Store:
    """A register on one database. ``locate(lon, lat)`` returns area codes for points
    (a DataFrame with lad_code, icb_code, region_code); when given, edits that move a
    record recompute its codes."""

    engine: sa.Engine
    locate: Callable[[Iterable[float], Iterable[float]], pd.DataFrame] | None = None
    _tables: dict[str, sa.Table] = field(default_factory=lambda: TABLES)

    # -- opening
    @classmethod
    def open(cls, url: str | None = None, locate=None) -> "Store":
        """Return the store at ``url`` (default: ``default_url()``), migrated to the latest schema."""
        engine = make_engine(url or default_url())
        try:
            migrate(engine)
        except BaseException:
            engine.dispose()  # a refused register is closed now, not whenever it is collected
            raise
        return cls(engine, locate)

    @property
    def backend(self) -> str:
        """Return "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def describe(self) -> str:
        """Return where the data lives, without any password."""
        return self.engine.url.render_as_string(hide_password=True)

    def _write(self):
        return self.engine.connect().execution_options(write=True)

    def _table(self, kind: str) -> tuple[Kind, sa.Table]:
        return KINDS[kind], self._tables[KINDS[kind].table]

    # -- seeding
    def is_seeded(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(self._tables["meta"].c.value).where(
                self._tables["meta"].c.key == SEED_KEY)).first() is not None

    def seed(self, records: dict[str, pd.DataFrame], who: str = "first start") -> bool:
        """Fill an empty register with ``records`` ({kind: table}) once; return False if
        it had already been seeded (by this or another process)."""
        meta = self._tables["meta"]
        with self._write() as conn, conn.begin():
            if conn.execute(sa.select(meta.c.value).where(meta.c.key == SEED_KEY)).first():
                return False
            now = _now()
            counts = {}
            for kind, frame in records.items():
                info, table = self._table(kind)
                rows = _frame_rows(info, frame)
                for row in rows:
                    row.update(version=1, created_at=now, updated_at=now)
                if rows:
                    conn.execute(table.insert(), rows)
                counts[kind] = len(rows)
            conn.execute(meta.insert().values(key=SEED_KEY, value=json.dumps(
                {"at": now.isoformat(), "counts": counts})))
            conn.execute(self._tables["changes"].insert().values(
                record_type="register", record_id="*", action="seed", who=who, at=now,
                after=json.dumps(counts), note="first start: real venues and generated sample records"))
        return True

    def _never_held(self, conn, kind: str) -> bool:
        table = self._tables[KINDS[kind].table]
        changes = self._tables["changes"]
        has_rows = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        has_history = conn.execute(sa.select(sa.func.count()).select_from(changes).where(
            changes.c.record_type == kind)).scalar()
        return not has_rows and not has_history

    def never_held(self, kind: str) -> bool:
        """Return True if the register has never held a record of this kind (no rows, no history)."""
        with self.engine.connect() as conn:
            return self._never_held(conn, kind)

    def seed_new_kinds(self, records: dict[str, pd.DataFrame], who: str = "upgrade") -> list[str]:
        """Fill kinds of record that an already-seeded register has never held (e.g. practitioners,
        added after the register was first seeded); return which kinds were filled. A kind that
        has rows, or any history, is left alone: a user may have emptied it on purpose."""
        changes = self._tables["changes"]
        filled = []
        for kind, frame in records.items():
            info, table = self._table(kind)
            with self._write() as conn, conn.begin():
                if not self._never_held(conn, kind) or frame.empty:
                    continue
                now = _now()
                rows = _frame_rows(info, frame)
                for row in rows:
                    row.update(version=1, created_at=now, updated_at=now)
                conn.execute(table.insert(), rows)
                conn.execute(changes.insert().values(
                    record_type=kind, record_id="*", action="seed", who=who, at=now,
                    after=json.dumps({kind: len(rows)}), note=f"{kind} added to an existing register"))
            filled.append(kind)
        return filled

    def _held_ids(self, conn, ids: list[str]) -> set[str]:
        """Return which of these asset ids the register holds a row or any history for."""
        table, changes = self._tables["assets"], self._tables["changes"]
        held: set[str] = set()
        for start in range(0, len(ids), 500):  # bounded IN lists, for SQLite's parameter limit
            chunk = ids[start:start + 500]
            held.update(conn.execute(sa.select(table.c.asset_id).where(table.c.asset_id.in_(chunk))).scalars())
            held.update(conn.execute(sa.select(changes.c.record_id).where(
                changes.c.record_type == "assets", changes.c.record_id.in_(chunk))).scalars())
        return held

    def unheld_venue_ids(self, assets: pd.DataFrame) -> set[str]:
        """Return the ids of the real venues in ``assets`` (which needs only its id, ``kind`` and
        ``is_sample`` columns) that this register has never held: no row, no history."""
        ids = _real_venue_ids(assets, self._table("assets")[0].id_column)
        with self.engine.connect() as conn:  # the usual case, nothing new, needs no write lock
            return set(ids) - self._held_ids(conn, ids)

    def seed_new_venues(self, assets: pd.DataFrame, who: str = "upgrade") -> int:
        """Add the real venues of ``assets`` whose ids this register has never held (no row, no
        history), e.g. cinemas added to the build after the register was seeded; return how many.
        One "seed" change logs them. A venue a user retired keeps its row, so it is never re-added."""
        info, table = self._table("assets")
        if not self.unheld_venue_ids(assets):
            return 0
        venues = assets[_real_venue(assets)].dropna(subset=[info.id_column]).drop_duplicates(info.id_column)
        ids = venues[info.id_column].tolist()
        with self._write() as conn, conn.begin():
            new = venues[~venues[info.id_column].isin(self._held_ids(conn, ids))]
            if new.empty:  # another process added them meanwhile
                return 0
            now = _now()
            rows = _frame_rows(info, new)
            for row in rows:
                row.update(version=1, created_at=now, updated_at=now)
            conn.execute(table.insert(), rows)
            conn.execute(self._tables["changes"].insert().values(
                record_type="assets", record_id="*", action="seed", who=who, at=now,
                after=json.dumps({"assets": len(rows)}), note="real venues added to an existing register"))
        return len(rows)

    # -- reading
    def revision(self) -> str:
        """Return a short string that changes whenever any record changes (a cache key)."""
        changes = self._tables["changes"]
        with self.engine.connect() as conn:
            last, count = conn.execute(sa.select(sa.func.max(changes.c.change_id),
                                                 sa.func.count())).one()
        return f"{self.describe()}#{last or 0}.{count}"

    def fingerprint(self) -> str | None:
        """Return a key for the register's contents that holds across processes (``identity.fingerprint``)."""
        return identity.fingerprint(self)

    def records(self, kind: str = "assets", include_retired: bool = False) -> pd.DataFrame:
        """Return the records of one kind: the schema's columns (conformed) plus bookkeeping."""
        info, table = self._table(kind)
        query = sa.select(table)
        if not include_retired:
            query = query.where(table.c.retired_at.is_(None))
        query = query.order_by(table.c[info.id_column])
        with self.engine.connect() as conn:
            result = conn.execute(query)
            frame = _frame(result.fetchall(), list(result.keys()))
        out = schema.conform(frame, info.columns)
        out["version"] = pd.array(frame["version"], dtype="Int64") if len(frame) else pd.array([], dtype="Int64")
        for name in ("created_at", "updated_at", "retired_at"):
            out[name] = pd.to_datetime(frame[name], utc=True) if len(frame) else pd.Series(
                [], dtype="datetime64[ns, UTC]")
        out["verified_by"] = frame["verified_by"].astype("string") if len(frame) else pd.Series([], dtype="string")
        return out

    def get(self, kind: str, record_id: str) -> dict | None:
        """Return one record (retired ones too) as a dict, or None."""
        info, table = self._table(kind)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c[info.id_column] == record_id)).mappings().first()
        return None if row is None else dict(row)

    def keys(self, kind: str = "assets") -> pd.DataFrame:
        """Return id, name and postcode of every record (retired too): what duplicates are found against."""
        info, table = self._table(kind)
        wanted = [table.c[info.id_column]] + [table.c[c] for c in ("name", "postcode") if c in table.c]
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(*wanted))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def history(self, kind: str | None = None, record_id: str | None = None, limit: int = 500) -> pd.DataFrame:
        """Return changes, newest first: change_id, record_type, record_id, action, who, at,
        before, after (dicts), note, batch, undoes, undone_by."""
        changes = self._tables["changes"]
        query = sa.select(changes).order_by(changes.c.change_id.desc()).limit(limit)
        if kind is not None:
            query = query.where(changes.c.record_type == kind)
        if record_id is not None:
            query = query.where(changes.c.record_id == record_id)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        for row in rows:
            row["before"], row["after"] = _from_json(row["before"]), _from_json(row["after"])
        columns = [c.name for c in changes.columns]
        return pd.DataFrame(rows, columns=columns)

    # -- writing one record
    def _log(self, conn, kind: str, record_id: str, action: str, who: str, before: dict | None,
             after: dict | None, note: str = "", batch: str | None = None, undoes: int | None = None) -> int:
        result = conn.execute(self._tables["changes"].insert().values(
            record_type=kind, record_id=record_id, action=action, who=who, at=_now(),
            before=_to_json(before), after=_to_json(after), note=note or None, batch=batch, undoes=undoes))
        return int(result.inserted_primary_key[0])

    def _codes(self, kind: Kind, values: dict) -> dict:
        """Return ``values`` with area codes worked out from its point (when a locator is set)."""
        if self.locate is None or "latitude" not in values or "longitude" not in values:
            return values
        lat, lon = values.get("latitude"), values.get("longitude")
        if lat is None or lon is None:
            return {**values, "lad_code": None, "icb_code": None, "region_code": None}
        codes = self.locate([lon], [lat]).iloc[0]
        return {**values, **{c: _plain(codes[c]) for c in schema.DERIVED}}

    def add(self, kind: str, record: dict, who: str, note: str = "") -> dict:
        """Add a new record; return it as stored. StoreError if the id is taken."""
        info, table = self._table(kind)
        values = self._codes(info, _row_values(info, record))
        values["verified_by"] = _plain(record.get("verified_by")) or None
        record_id = values.get(info.id_column)
        if not record_id:
            raise StoreError(f"a new record needs its {info.id_column}")
        now = _now()
        with self._write() as conn, conn.begin():
            if conn.execute(sa.select(table.c.version).where(table.c[info.id_column] == record_id)).first():
                raise StoreError(f"{record_id} already exists")
            conn.execute(table.insert().values(**values, version=1, created_at=now, updated_at=now))
            stored = dict(conn.execute(sa.select(table).where(table.c[info.id_column] == record_id)).mappings().one())
            self._log(conn, kind, record_id, "add", who, None, _comparable(info, stored), note)
        return stored

    def _change(self, kind: str, record_id: str, expected_version: int | None, who: str, action: str,
                make: Callable[[dict], dict], note: str = "", undoes: int | None = None, *,
                make_checks_version: bool = False) -> dict:
        """Apply ``make(current) -> new values`` to one record under the version check.

        ``expected_version`` is the version the writer read; only a ``make`` that checks the
        record itself (undo compares it with the change it undoes) may go without one."""
        if expected_version is None and not make_checks_version:
            raise TypeError(f"a {action} needs the version of the record its writer read")
        info, table = self._table(kind)
        key = table.c[info.id_column]
        with self._write() as conn, conn.begin():
            current = conn.execute(sa.select(table).where(key == record_id)).mappings().first()
            if current is None:
                raise Conflict(f"{record_id} does not exist (any more)")
            current = dict(current)
            if expected_version is not None and current["version"] != expected_version:
                raise Conflict(
                    f"{record_id} was changed by someone else since you opened it (your copy is version "
                    f"{expected_version}, the register holds version {current['version']}). Nothing was "
                    f"saved: look at the current record and make your change again.", current)
            values = make(current)
            values.update(version=current["version"] + 1, updated_at=_now())
            result = conn.execute(table.update().where(key == record_id).where(
                table.c.version == current["version"]).values(**values))
            if result.rowcount != 1:  # another writer got in between (PostgreSQL read committed)
                raise Conflict(f"{record_id} was changed by someone else while saving; nothing was saved.")
            stored = dict(conn.execute(sa.select(table).where(key == record_id)).mappings().one())
            change_id = self._log(conn, kind, record_id, action, who, _comparable(info, current),
                                  _comparable(info, stored), note, undoes=undoes)
            if undoes is not None:
                changes = self._tables["changes"]
                conn.execute(changes.update().where(changes.c.change_id == undoes).values(undone_by=change_id))
        return stored

    def update(self, kind: str, record_id: str, changes: dict, expected_version: int, who: str,
               note: str = "") -> dict:
        """Change some fields of a record read at ``expected_version``; return it as stored.

        Raises Conflict if the record has changed since (nothing is written)."""
        info, _ = self._table(kind)
        fields = {k: v for k, v in _row_values(info, {**changes}).items() if k in changes}
        fields.pop(info.id_column, None)
        if "verified_by" in changes:  # bookkeeping, but an editor ticking "I checked this" sets it
            fields["verified_by"] = _plain(changes["verified_by"]) or None

        def make(current: dict) -> dict:
            merged = {**current, **fields}
            moved = any(c in fields for c in ("latitude", "longitude"))
            return self._codes(info, {**fields, "latitude": merged.get("latitude"),
                                      "longitude": merged.get("longitude")}) if moved else fields

        return self._change(kind, record_id, expected_version, who, "edit", make, note)

    def retire(self, kind: str, record_id: str, expected_version: int, who: str, reason: str = "") -> dict:
        """Retire a record (kept, hidden from the app); return it as stored."""
        def make(current: dict) -> dict:
            if current["retired_at"] is not None:
                raise StoreError(f"{record_id} is already retired")
            return {"retired_at": _now()}

        return self._change(kind, record_id, expected_version, who, "retire", make, reason)

    def verify(self, kind: str, versions: Mapping[str, int], who: str, *, on: dt.date | None = None) -> VerifyResult:
        """Mark records verified on ``on`` (default today) by ``who``, each at the version the
        user saw (``{record id: version}``). A record changed since (or gone) is refused and left
        as it is: the user vouched for what they saw, not for what someone wrote after. The
        others are verified, each in its own transaction."""
        if not isinstance(versions, Mapping):
            raise TypeError("verify needs {record id: version read}, so a record changed since is not marked")
        on = on or dt.date.today()
        verified, refused = [], {}
        for record_id, version in versions.items():
            try:
                self._change(kind, record_id, int(version), who, "verify",
                             lambda current: {"last_verified": on, "verified_by": who})
            except Conflict as conflict:
                refused[record_id] = str(conflict)
            else:
                verified.append(record_id)
        return VerifyResult(tuple(verified), refused)

    def undo(self, change_id: int, who: str) -> dict:
        """Undo one change (the record goes back to how it was before it); return the record.

        Only the latest change to a record can be undone; Conflict otherwise."""
        changes = self._tables["changes"]
        with self.engine.connect() as conn:
            change = conn.execute(sa.select(changes).where(changes.c.change_id == change_id)).mappings().first()
        if change is None:
            raise StoreError(f"there is no change {change_id}")
        if change["record_type"] not in KINDS:
            raise StoreError(f"change {change_id} ({change['action']}) cannot be undone")
        if change["undone_by"] is not None:
            raise Conflict(f"change {change_id} was already undone (by change {change['undone_by']})")
        info = KINDS[change["record_type"]]
        before, after = _from_json(change["before"]), _from_json(change["after"])

        def make(current: dict) -> dict:
            # Undoing the later changes first brings the record back to how this change
            # left it (at a higher version): that counts as unchanged.
            now_fields = _from_json(_to_json(_comparable(info, current)))
            same = {k: v for k, v in now_fields.items() if k != "version"} == {
                k: v for k, v in after.items() if k != "version"}
            if current["version"] != after["version"] and not same:
                raise Conflict(f"{change['record_id']} has changed since change {change_id}: undo the "
                               f"later changes first (it is now at version {current['version']})", current)
            if before is None:  # undoing an addition retires the record: nothing is deleted
                return {"retired_at": _now()}
            restored = _row_values(info, before)
            restored.pop(info.id_column, None)
            restored["retired_at"] = (dt.datetime.fromisoformat(before["retired_at"])
                                      if before.get("retired_at") else None)
            restored["verified_by"] = before.get("verified_by")
            return restored

        return self._change(info.name, change["record_id"], None, who, "undo", make,
                            f"undo of change {change_id} ({change['action']})", undoes=change_id,
                            make_checks_version=True)

    # -- maturity self-assessments (append-only)
    def add_assessment(self, icb_code: str, criterion: str, stage: int | None, confidence: str | None,
                       evidence: str, who: str, note: str = "") -> int:
        """Record one self-assessment of one criterion; return its id. Earlier ones are kept.

        ``stage`` is 1-4 or None ("not assessed"); "evidenced" needs the evidence text.
        """
        if stage is not None and stage not in (1, 2, 3, 4):
            raise StoreError(f"stage must be 1-4 or not assessed, not {stage!r}")
        if stage is not None and confidence not in ("evidenced", "asserted"):
            raise StoreError("confidence must be evidenced or asserted")
        if confidence == "evidenced" and not (evidence or "").strip():
            raise StoreError("an evidenced score needs its evidence: a document, a quote or a link")
        table = self._tables["maturity"]
        values = dict(icb_code=icb_code, criterion=criterion, stage=stage,
                      confidence=confidence if stage is not None else None,
                      evidence=(evidence or "").strip() or None, note=note or None, assessed_on=_now(),
                      assessed_by=who)
        with self._write() as conn, conn.begin():
            assessment_id = int(conn.execute(table.insert().values(**values)).inserted_primary_key[0])
            self._log(conn, "maturity", f"{icb_code}:{criterion}", "assess", who, None,
                      {**values, "assessment_id": assessment_id}, note)
        return assessment_id

    def assessments(self, icb_code: str | None = None) -> pd.DataFrame:
        """Return every self-assessment (oldest first): assessment_id, icb_code, criterion, stage,
        confidence, evidence, note, assessed_on (UTC), assessed_by."""
        table = self._tables["maturity"]
        query = sa.select(table).order_by(table.c.assessment_id)
        if icb_code is not None:
            query = query.where(table.c.icb_code == icb_code)
        with self.engine.connect() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        frame["stage"] = pd.array(frame["stage"], dtype="Int64")
        frame["assessed_on"] = pd.to_datetime(frame["assessed_on"], utc=True)
        return frame

    # -- importing many
    def versions(self, kind: str, record_ids: Iterable[str]) -> dict[str, int]:
        """Return {id: version} of the named records (unknown ids left out): what an import
        records as read when its file is checked, for ``import_records(versions=...)``."""
        info, table = self._table(kind)
        wanted = set(record_ids)
        if not wanted:
            return {}
        # One pass over two columns: an IN list of 100,000 ids would pass SQLite's variable limit.
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(table.c[info.id_column], table.c.version)).all()
        return {record_id: int(version) for record_id, version in rows if record_id in wanted}

    def import_records(self, kind: str, records: pd.DataFrame, who: str, *, merge_into: dict[int, str] | None = None,
                       given: pd.DataFrame | None = None, versions: Mapping[str, int] | None = None,
                       skip: Iterable[int] = (), batch: str | None = None, note: str = "",
                       time_limit_s: float | None = None) -> ImportResult:
        """Write an import in one transaction, all of it or none: ``writing.import_records``."""
        return writing.import_records(self, kind, records, who, merge_into=merge_into, given=given,
                                              versions=versions, skip=skip, batch=batch, note=note,
                                              time_limit_s=time_limit_s)


def _real_venue(assets: pd.DataFrame) -> pd.Series:
    """Return which rows are venues and not sample records (True/False per row)."""
    return (assets["kind"] == "venue").fillna(False) & ~assets["is_sample"].astype(bool)


def _real_venue_ids(assets: pd.DataFrame, id_column: str) -> list[str]:
    """Return the distinct ids of the real venues (one column filtered: filtering the whole frame
    cost more than the rest of opening a register)."""
    return assets.loc[_real_venue(assets), id_column].dropna().drop_duplicates().tolist()


def _frame(rows: list, names: list[str]) -> pd.DataFrame:
    """Return query rows as a frame, built column by column (from the rows themselves pandas
    probes every SQLAlchemy Row for named-tuple fields: twice as slow for the register's assets)."""
    if not rows:
        return pd.DataFrame(columns=names)
    return pd.DataFrame(dict(zip(names, map(list, zip(*rows)))))
