"""The register (ecology.register.store), each test on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest
import sqlalchemy as sa

from ecology import schema
from ecology.register import store


def _asset(asset_id: str, **fields) -> dict:
    record = {
        "asset_id": asset_id, "name": f"Choir {asset_id}", "organisation": "Sing Together CIC",
        "kind": "programme", "activities": "|singing|", "health_focus": "|mental_health|dementia|",
        "audiences": "|older_people|", "settings": "|community|", "referral_routes": "|self|gp|",
        "cost": "free", "address": "1 High Street, Bradford", "postcode": "BD1 1AA",
        "latitude": 53.7938, "longitude": -1.7522, "website": "https://example.org/choir",
        "contact_email": "hello@example.org", "status": "active", "last_verified": "2025-01-15",
        "source": "Test", "licence": "CC0", "attribution": "", "is_sample": False,
        "lad_code": "E08000032", "icb_code": "E54000054", "region_code": "E40000012",
    }
    record.update(fields)
    return record


def _frame(*records: dict) -> pd.DataFrame:
    return schema.conform(pd.DataFrame(list(records)))


@pytest.fixture
def register(database_url: str) -> store.Store:
    register = store.Store.open(database_url)
    yield register
    register.engine.dispose()


def test_a_new_database_is_migrated_to_the_head_revision_with_every_schema_column(database_url):
    engine = store.make_engine(database_url)
    assert store.schema_revision(engine) is None
    assert store.migrate(engine) == list(store.REVISIONS)
    assert store.schema_revision(engine) == store.HEAD
    assert store.migrate(engine) == []  # nothing left to do
    inspector = sa.inspect(engine)
    for kind in store.KINDS.values():
        columns = {c["name"] for c in inspector.get_columns(kind.table)}
        # A field added to the schema without a migration fails here.
        assert columns == set(kind.columns) | set(store.BOOKKEEPING)
    engine.dispose()


def test_a_migration_adds_a_column_and_keeps_every_existing_row(database_url):
    engine = store.make_engine(database_url)
    assert store.migrate(engine, target="0001") == ["0001"]
    assert "verified_by" not in {c["name"] for c in sa.inspect(engine).get_columns("assets")}
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(sa.text("INSERT INTO assets (asset_id, name, is_sample, version, created_at, updated_at) "
                             "VALUES ('old:1', 'Kept', false, 3, :now, :now)"), {"now": now})
    assert store.migrate(engine) == ["0002", "0003"]
    register = store.Store(engine)
    kept = register.get("assets", "old:1")
    assert (kept["name"], kept["version"], kept["verified_by"]) == ("Kept", 3, None)
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path):
    register = store.Store.open(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with register.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    register.engine.dispose()


def test_seeding_happens_once_and_the_records_read_back_unchanged(register):
    records = _frame(_asset("t:1"), _asset("t:2", cost=None, latitude=None, longitude=None, is_sample=True))
    assert register.seed({"assets": records}) is True
    assert register.seed({"assets": _frame(_asset("t:3"))}) is False
    back = register.records()
    assert list(back["asset_id"]) == ["t:1", "t:2"]
    pd.testing.assert_frame_equal(back[list(schema.ASSET_COLUMNS)], records)
    assert list(back["version"]) == [1, 1]
    history = register.history()
    assert list(history["action"]) == ["seed"]


def test_an_edit_is_kept_in_the_history_with_who_when_before_and_after(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    revision = register.revision()
    stored = register.update("assets", "t:1", {"name": "Singing for the Brain", "cost": "low_cost"}, 1, "alice")
    assert (stored["name"], stored["cost"], stored["version"]) == ("Singing for the Brain", "low_cost", 2)
    assert register.revision() != revision
    change = register.history(record_id="t:1").iloc[0]
    assert (change["action"], change["who"]) == ("edit", "alice")
    assert change["before"]["name"] == "Choir t:1" and change["after"]["name"] == "Singing for the Brain"
    assert change["before"]["version"] == 1 and change["after"]["version"] == 2
    assert abs(pd.Timestamp(change["at"]).timestamp() - dt.datetime.now(dt.timezone.utc).timestamp()) < 60


def test_a_second_editor_with_a_stale_copy_is_told_and_nothing_is_overwritten(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    register.update("assets", "t:1", {"name": "Alice's name"}, 1, "alice")
    with pytest.raises(store.Conflict) as raised:
        register.update("assets", "t:1", {"name": "Bob's name"}, 1, "bob")
    assert "changed by someone else" in str(raised.value)
    assert raised.value.current["name"] == "Alice's name"
    assert register.get("assets", "t:1")["name"] == "Alice's name"
    assert list(register.history(record_id="t:1")["who"]) == ["alice"]


def test_concurrent_editors_on_one_version_give_exactly_one_winner(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    outcomes: list[str] = []

    def edit(who: str) -> None:
        other = store.Store(store.make_engine(register.engine.url.render_as_string(hide_password=False)))
        try:
            other.update("assets", "t:1", {"name": who}, 1, who)
            outcomes.append("saved")
        except store.Conflict:
            outcomes.append("conflict")
        finally:
            other.engine.dispose()

    threads = [threading.Thread(target=edit, args=(f"editor{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    assert register.get("assets", "t:1")["version"] == 2


def test_undo_restores_the_record_and_only_the_latest_change_can_be_undone(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    register.update("assets", "t:1", {"name": "First"}, 1, "alice")
    register.update("assets", "t:1", {"name": "Second"}, 2, "bob")
    first, second = register.history(record_id="t:1")["change_id"].iloc[::-1]
    with pytest.raises(store.Conflict, match="undo the later changes first"):
        register.undo(int(first), "alice")
    assert register.undo(int(second), "carol")["name"] == "First"
    with pytest.raises(store.Conflict, match="already undone"):
        register.undo(int(second), "carol")
    restored = register.undo(int(first), "carol")
    assert (restored["name"], restored["version"]) == ("Choir t:1", 5)
    history = register.history(record_id="t:1")
    assert list(history["action"]) == ["undo", "undo", "edit", "edit"]
    assert history.set_index("change_id").loc[int(second), "undone_by"] == history["change_id"].iloc[1]


def test_retiring_hides_a_record_without_deleting_it_and_undo_brings_it_back(register):
    register.seed({"assets": _frame(_asset("t:1"), _asset("t:2"))})
    register.retire("assets", "t:1", 1, "alice", "the group closed in 2026")
    assert list(register.records()["asset_id"]) == ["t:2"]
    everything = register.records(include_retired=True)
    assert everything.set_index("asset_id").loc["t:1", "retired_at"] is not pd.NaT
    change = register.history(record_id="t:1").iloc[0]
    assert (change["action"], change["note"]) == ("retire", "the group closed in 2026")
    with pytest.raises(store.StoreError, match="already retired"):
        register.retire("assets", "t:1", 2, "alice")
    register.undo(int(change["change_id"]), "bob")
    assert sorted(register.records()["asset_id"]) == ["t:1", "t:2"]


def test_adding_a_record_and_undoing_the_addition_retires_it(register):
    register.seed({"assets": _frame()})
    register.add("assets", _asset("t:9"), "alice")
    with pytest.raises(store.StoreError, match="already exists"):
        register.add("assets", _asset("t:9"), "bob")
    change = register.history(record_id="t:9").iloc[0]
    assert change["action"] == "add" and change["before"] is None
    register.undo(int(change["change_id"]), "alice")
    assert register.records().empty
    assert register.get("assets", "t:9") is not None


def test_verifying_records_who_and_when(register):
    register.seed({"assets": _frame(_asset("t:1"), _asset("t:2"))})
    result = register.verify("assets", {"t:1": 1}, "dana", on=dt.date(2026, 11, 20))
    assert (result.verified, result.refused) == (("t:1",), {})
    record = register.get("assets", "t:1")
    assert (record["last_verified"], record["verified_by"]) == (dt.date(2026, 11, 20), "dana")
    assert register.get("assets", "t:2")["verified_by"] is None
    assert register.history(record_id="t:1").iloc[0]["action"] == "verify"


def test_moving_a_record_recomputes_its_area_codes(database_url):
    def locate(lon, lat):
        return pd.DataFrame({"lad_code": ["E08000003"], "icb_code": ["E54000057"], "region_code": ["E40000014"]})

    register = store.Store.open(database_url, locate=locate)
    register.seed({"assets": _frame(_asset("t:1"))})
    moved = register.update("assets", "t:1", {"latitude": 53.4794, "longitude": -2.2453}, 1, "alice")
    assert (moved["lad_code"], moved["icb_code"]) == ("E08000003", "E54000057")
    renamed = register.update("assets", "t:1", {"name": "Same place"}, 2, "alice")
    assert renamed["lad_code"] == "E08000003"
    register.engine.dispose()


def test_an_import_is_written_whole_with_merges_and_skips(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    incoming = _frame(_asset("import:a"), _asset("import:b"), _asset("import:c", name="Choir t:1 renamed",
                                                                        website=None, licence="Other"))
    # Only the fields the file gave are merged: the name here, not the licence it was filled in with.
    given = pd.DataFrame(False, index=incoming.index, columns=incoming.columns)
    given.loc[2, "name"] = True
    result = register.import_records("assets", incoming, "alice", merge_into={2: "t:1"}, given=given, skip=[1])
    assert (result.added, result.merged, result.skipped) == (1, 1, 1)
    assert sorted(register.records()["asset_id"]) == ["import:a", "t:1"]
    merged = register.get("assets", "t:1")
    assert (merged["name"], merged["website"], merged["licence"], merged["version"]) == (
        "Choir t:1 renamed", "https://example.org/choir", "CC0", 2)
    batch = register.history()
    assert set(batch.loc[batch["batch"] == result.batch, "action"]) == {"import", "merge"}


def test_an_import_that_fails_part_way_writes_nothing(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    before = register.revision()
    # The third record repeats an id already in the register: the database refuses it.
    incoming = _frame(_asset("import:a"), _asset("import:b"), _asset("t:1"))
    with pytest.raises(sa.exc.IntegrityError):
        register.import_records("assets", incoming, "alice")
    assert list(register.records()["asset_id"]) == ["t:1"]
    assert register.revision() == before


def test_an_imported_record_is_logged_like_an_edit_and_undoing_the_import_retires_it(register):
    register.seed({"assets": _frame()})
    register.import_records("assets", _frame(_asset("import:a")), "alice")
    change = register.history(record_id="import:a").iloc[0]
    assert set(change["after"]) == set(schema.ASSET_COLUMNS) | {"version", "retired_at", "verified_by"}
    assert change["after"]["last_verified"] == "2025-01-15" and change["after"]["latitude"] == 53.7938
    register.undo(int(change["change_id"]), "alice")
    assert register.records().empty and register.get("assets", "import:a")["retired_at"] is not None


def test_self_assessments_are_appended_never_overwritten(register):
    first = register.add_assessment("E54000054", "strategy", 3, "evidenced", "Joint Forward Plan 2023", "alice")
    second = register.add_assessment("E54000054", "strategy", 2, "asserted", "", "bob", note="plan lapsed")
    register.add_assessment("E54000054", "strategy", None, None, "", "carol")
    kept = register.assessments("E54000054")
    assert list(kept["assessment_id"]) == [first, second, second + 1]
    assert list(kept["stage"].astype("object")) == [3, 2, pd.NA]
    assert list(kept["assessed_by"]) == ["alice", "bob", "carol"]
    assert register.history(kind="maturity")["action"].tolist() == ["assess"] * 3
    with pytest.raises(store.StoreError, match="needs its evidence"):
        register.add_assessment("E54000054", "strategy", 3, "evidenced", "  ", "dana")
    with pytest.raises(store.StoreError, match="stage must be 1-4"):
        register.add_assessment("E54000054", "strategy", 5, "asserted", "", "dana")
    change = int(register.history(kind="maturity").iloc[0]["change_id"])
    with pytest.raises(store.StoreError, match="cannot be undone"):
        register.undo(change, "dana")
    assert len(register.assessments()) == 3


def test_a_register_seeded_before_practitioners_existed_gets_them_once(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    people = schema.conform(pd.DataFrame({"practitioner_id": ["p:1", "p:2"], "postcode_district": ["M14", "BD1"],
                                          "is_sample": [True, True]}), schema.PRACTITIONER_COLUMNS)
    assert register.seed_new_kinds({"practitioners": people}) == ["practitioners"]
    assert len(register.records("practitioners")) == 2
    assert register.seed_new_kinds({"practitioners": people}) == []  # only once
    assert len(register.records("practitioners")) == 2


def test_new_real_venues_are_added_to_a_seeded_register_once_and_never_over_a_users_change(register):
    venue = dict(kind="venue", health_focus=None, referral_routes=None, cost=None)
    register.seed({"assets": _frame(_asset("museum:1", **venue), _asset("cinema:x:retired", **venue))})
    register.retire("assets", "cinema:x:retired", 1, "bob")
    with register.engine.connect().execution_options(write=True) as conn, conn.begin():
        # An id known only from history (e.g. imported under this id, then moved) counts as held.
        register._log(conn, "assets", "cinema:x:history", "import", "bob", None, {"asset_id": "cinema:x:history"})
    build = _frame(_asset("museum:1", **venue, name="Renamed upstream"), _asset("cinema:x:retired", **venue),
                   _asset("cinema:x:history", **venue), _asset("cinema:x:new", **venue),
                   _asset("cinema:y:new", **venue), _asset("sample:1", is_sample=True), _asset("t:programme"))
    assert register.unheld_venue_ids(build[["asset_id", "kind", "is_sample"]]) == {"cinema:x:new", "cinema:y:new"}
    assert register.seed_new_venues(build) == 2
    assert register.unheld_venue_ids(build) == set()
    records = register.records("assets", include_retired=True).set_index("asset_id")
    assert sorted(records.index) == ["cinema:x:new", "cinema:x:retired", "cinema:y:new", "museum:1"]
    assert records.loc["museum:1", "name"] == "Choir museum:1"  # a held venue is not overwritten
    assert pd.notna(records.loc["cinema:x:retired", "retired_at"])  # nor a retired one brought back
    assert records.loc["cinema:x:new", "version"] == 1
    seed = register.history(kind="assets").iloc[0]
    assert (seed["action"], seed["record_id"], seed["after"]) == ("seed", "*", {"assets": 2})
    before = register.revision()
    assert register.seed_new_venues(build) == 0  # only once
    assert register.revision() == before


# -- every write goes through the version check ------------------------------------------------

def test_a_stale_mark_verified_is_refused_and_the_other_editors_edit_is_kept(register):
    register.seed({"assets": _frame(_asset("t:1"), _asset("t:2"))})
    dana_saw = {"t:1": 1, "t:2": 1}  # Dana's freshness list, read before Erin's edit
    erin = store.Store(store.make_engine(register.engine.url.render_as_string(hide_password=False)))
    erin.update("assets", "t:1", {"website": "https://example.org/moved"}, 1, "erin")
    erin.engine.dispose()
    result = register.verify("assets", dana_saw, "dana", on=dt.date(2026, 11, 20))
    assert result.verified == ("t:2",) and set(result.refused) == {"t:1"}
    assert "changed by someone else" in result.refused["t:1"]
    edited = register.get("assets", "t:1")
    assert (edited["website"], edited["last_verified"], edited["verified_by"], edited["version"]) == (
        "https://example.org/moved", dt.date(2025, 1, 15), None, 2)
    assert list(register.history(record_id="t:1")["action"]) == ["edit"]
    assert (register.get("assets", "t:2")["verified_by"], register.get("assets", "t:2")["version"]) == ("dana", 2)


def test_marking_verified_without_the_versions_seen_is_refused(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    with pytest.raises(TypeError, match="version"):
        register.verify("assets", ["t:1"], "dana")
    assert register.get("assets", "t:1")["verified_by"] is None


def test_an_edit_or_retirement_without_the_version_read_is_refused(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    with pytest.raises(TypeError, match="version"):
        register.update("assets", "t:1", {"name": "Unchecked"}, None, "alice")
    with pytest.raises(TypeError, match="version"):
        register.retire("assets", "t:1", None, "alice")
    assert (register.get("assets", "t:1")["name"], register.get("assets", "t:1")["version"]) == ("Choir t:1", 1)


def test_an_editor_records_who_verified_through_an_edit_or_an_addition(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    stored = register.update("assets", "t:1", {"last_verified": dt.date(2026, 11, 20), "verified_by": "alice"}, 1,
                             "alice")
    assert (stored["last_verified"], stored["verified_by"]) == (dt.date(2026, 11, 20), "alice")
    assert register.add("assets", _asset("t:9", verified_by="alice"), "alice")["verified_by"] == "alice"
    assert register.add("assets", _asset("t:10"), "alice")["verified_by"] is None


def _given(frame: pd.DataFrame, row: int, *fields: str) -> pd.DataFrame:
    given = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    given.loc[row, list(fields)] = True
    return given


def test_a_merge_into_a_record_changed_since_the_file_was_checked_writes_nothing(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    checked = register.versions("assets", ["t:1", "not:there"])
    assert checked == {"t:1": 1}
    register.update("assets", "t:1", {"website": "https://example.org/edited"}, 1, "erin")
    before = register.revision()
    incoming = _frame(_asset("import:new"), _asset("import:c", website="https://example.org/from-file"))
    with pytest.raises(store.Conflict, match="changed since the file was checked"):
        register.import_records("assets", incoming, "alice", merge_into={1: "t:1"},
                                given=_given(incoming, 1, "website"), versions=checked)
    assert register.revision() == before
    assert register.get("assets", "t:1")["website"] == "https://example.org/edited"
    assert register.get("assets", "import:new") is None


# PostgreSQL only: SQLite takes the write lock at BEGIN, so no other writer can get in between.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_merge_checks_the_version_inside_its_transaction_too(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    erin = store.Store(store.make_engine(register.engine.url.render_as_string(hide_password=False)))
    done = []

    # Erin's edit lands between the import's read of the record and its update (read committed).
    @sa.event.listens_for(register.engine, "before_cursor_execute")
    def _edit_meanwhile(_conn, _cursor, statement, *_):
        if statement.lstrip().upper().startswith("UPDATE ASSETS") and not done:
            done.append(True)
            erin.update("assets", "t:1", {"website": "https://example.org/edited"}, 1, "erin")

    incoming = _frame(_asset("import:new"), _asset("import:c", website="https://example.org/from-file"))
    with pytest.raises(store.Conflict, match="while importing"):
        register.import_records("assets", incoming, "alice", merge_into={1: "t:1"},
                                given=_given(incoming, 1, "website"))
    sa.event.remove(register.engine, "before_cursor_execute", _edit_meanwhile)
    erin.engine.dispose()
    assert done and register.get("assets", "t:1")["website"] == "https://example.org/edited"
    assert register.get("assets", "import:new") is None


def test_a_merge_needs_to_know_which_fields_the_file_gave(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    with pytest.raises(ValueError, match="given"):
        register.import_records("assets", _frame(_asset("import:c")), "alice", merge_into={0: "t:1"})
    assert register.get("assets", "t:1")["version"] == 1


def test_a_merge_that_changes_nothing_is_not_written(register):
    register.seed({"assets": _frame(_asset("t:1"))})
    incoming = _frame(_asset("import:c", source="Another list"))  # same website as stored
    result = register.import_records("assets", incoming, "alice", merge_into={0: "t:1"},
                                     given=_given(incoming, 0, "website"))
    assert (result.merged, result.unchanged) == (0, 1)
    assert register.get("assets", "t:1")["version"] == 1
    assert "merge" not in set(register.history(record_id="t:1")["action"])
