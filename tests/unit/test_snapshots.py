"""Snapshots (ecology/snapshots.py): computed once, read back by the next server, never stale, never lost."""

from __future__ import annotations

import logging
import os
import pickle

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ecology import snapshots


class Counting:
    """A computation that says how often it ran."""

    def __init__(self, value):
        self.value, self.runs = value, 0

    def __call__(self):
        self.runs += 1
        return self.value


def keep(folder, compute, key="k" * 64, name="tables"):
    value = snapshots.kept(name, key, compute, where=folder)
    snapshots.wait_for_writes()
    return value


def test_a_value_is_computed_once_and_then_read_back_equal(tmp_path):
    frame = pd.DataFrame({"area_code": ["E06000001", "E06000002"], "assets_per_10k": [1.5, None]})
    first, again = Counting(frame), Counting(None)
    assert keep(tmp_path, first) is frame
    read = keep(tmp_path, again)
    assert (first.runs, again.runs) == (1, 0)
    pd.testing.assert_frame_equal(read, frame)
    assert [p.name.split(".")[0] for p in tmp_path.glob("*.pickle")] == ["tables"]


def test_another_key_is_computed_afresh(tmp_path):
    keep(tmp_path, Counting(1), key="a" * 64)
    other = Counting(2)
    assert keep(tmp_path, other, key="b" * 64) == 2 and other.runs == 1


def test_with_no_key_the_value_is_computed_every_time_and_nothing_is_written(tmp_path):
    compute = Counting(3)
    assert snapshots.kept("tables", None, compute, where=tmp_path) == 3
    assert snapshots.kept("tables", None, compute, where=tmp_path) == 3
    assert compute.runs == 2 and list(tmp_path.iterdir()) == []


def test_a_torn_snapshot_is_deleted_computed_again_and_replaced(tmp_path, caplog):
    keep(tmp_path, Counting({"a": 1}))
    (written,) = tmp_path.glob("*.pickle")
    written.write_bytes(written.read_bytes()[:5])
    again = Counting({"a": 2})
    with caplog.at_level(logging.WARNING, logger="ecology.snapshots"):
        assert keep(tmp_path, again) == {"a": 2}
    assert again.runs == 1 and "could not be read" in caplog.text
    assert pickle.loads(written.read_bytes()) == {"a": 2}


def test_a_folder_that_cannot_be_written_still_gives_the_value_and_leaves_nothing(tmp_path, caplog):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with caplog.at_level(logging.WARNING, logger="ecology.snapshots"):
        assert keep(blocked / "snapshots", Counting([1, 2])) == [1, 2]
    assert "was not written" in caplog.text and blocked.read_text() == ""


def test_only_the_newest_snapshots_of_a_name_are_kept(tmp_path):
    for number in range(snapshots.KEEP_PER_NAME + 2):
        keep(tmp_path, Counting(number), key=f"{number:040d}" + "f" * 24)
        os.utime(next(tmp_path.glob(f"tables.{number:040d}.pickle")), ns=(number * 10**9, number * 10**9))
    snapshots.prune(tmp_path, "tables")
    kept_numbers = sorted(int(p.name.split(".")[1]) for p in tmp_path.glob("tables.*.pickle"))
    assert kept_numbers == list(range(2, snapshots.KEEP_PER_NAME + 2))
    keep(tmp_path, Counting("other"), name="others")
    assert len(list(tmp_path.glob("others.*.pickle"))) == 1  # another name is not pruned with them


@pytest.mark.parametrize(("words", "name"), [
    (("theme", "Mental health & wellbeing"), "theme-mental-health-wellbeing"),
    (("static", "/static/js/index.DormvYxC.js"), "static-static-js-index-dormvyxc-js"),
    (("static", "/" + "a" * 300), "static-" + "a" * (snapshots.NAME_LIMIT - 7)),
])
def test_names_are_made_of_a_safe_alphabet_and_bounded(words, name):
    assert snapshots.name_for(*words) == name


@pytest.mark.parametrize("name", ["../escape", "Tables", "a.b", "", "-lead"])
def test_a_name_outside_that_alphabet_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match="lower-case letters"):
        snapshots.kept(name, "k" * 64, Counting(1), where=tmp_path)


def test_the_key_changes_with_every_part_and_with_the_settings(monkeypatch):
    first = snapshots.key_of("register#1", None)
    assert first == snapshots.key_of("register#1", None)
    assert first != snapshots.key_of("register#2", None) and first != snapshots.key_of("register#1", "theme")
    monkeypatch.setenv("ECOLOGY_STALE_MONTHS", "7")
    assert first != snapshots.key_of("register#1", None)


def test_a_bytes_key_follows_its_parts_alone(monkeypatch):
    first = snapshots.bytes_key("/static/js/index.abc.js", '"etag"', 1024)
    monkeypatch.setenv("ECOLOGY_STALE_MONTHS", "7")
    assert snapshots.bytes_key("/static/js/index.abc.js", '"etag"', 1024) == first
    assert snapshots.bytes_key("/static/js/index.abc.js", '"other"', 1024) != first


def test_the_file_fingerprint_follows_the_bytes_and_notices_a_missing_file(tmp_path):
    path = tmp_path / "build_stamp.json"
    path.write_text('{"built": 1}')
    before = snapshots.file_fingerprint(path)
    path.write_text('{"built": 2}')
    assert snapshots.file_fingerprint(path) != before
    path.unlink()
    assert snapshots.file_fingerprint(path) not in (before, snapshots.file_fingerprint(tmp_path / "other"))


def test_the_code_fingerprint_covers_this_package_and_the_library_versions():
    assert len(snapshots.code_fingerprint()) == 64 and snapshots.code_fingerprint() == snapshots.code_fingerprint()
    assert "pandas" in snapshots.LIBRARIES and "pyarrow" in snapshots.LIBRARIES


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                    max_leaves=20))
def test_any_value_read_back_equals_the_value_computed(tmp_path, value):
    key = snapshots.key_of(repr(value))
    keep(tmp_path, Counting(value), key=key)
    assert keep(tmp_path, Counting("not this"), key=key) == value
