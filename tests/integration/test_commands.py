"""The commands on the real build: read-only commands never make a register; the shared options
(--place, --theme, --format, --out) mean the same in every command."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from ecology.cli.main import main
from ecology.places import geography

pytestmark = pytest.mark.usefixtures("built")

WEST_YORKSHIRE = "E54000054"
NORTH_EAST_AND_YORKSHIRE = "E40000012"


def test_a_read_only_command_never_makes_a_register_and_says_how_to_make_one(tmp_path, capsys):
    missing = tmp_path / "none.sqlite3"
    for command in (["gaps"], ["clusters"], ["maturity"], ["assets"], ["briefing", "--place", "E92000001"]):
        assert main([*command, "--database", f"sqlite:///{missing}"]) == 2, command
        err = capsys.readouterr().err
        assert err.startswith(f"error: There is no register at sqlite:///{missing} yet: start the app once"), err
        assert not missing.exists()  # nothing was created


def test_gaps_place_keeps_the_areas_within_it_with_their_england_ranks(capsys):
    assert main(["gaps", "--level", "lad", "--theme", "dementia", "--format", "json"]) == 0
    england = json.loads(capsys.readouterr().out)["areas"]
    tree = geography.PlaceTree.from_table(geography.place_table())
    by_name = tree.label(WEST_YORKSHIRE).upper()  # a name, in any case
    assert main(["gaps", "--level", "lad", "--theme", "dementia", "--format", "json", "--place", by_name]) == 0
    within = json.loads(capsys.readouterr().out)
    assert within["place"] == WEST_YORKSHIRE
    assert len(within["areas"]) == len(tree.lads_within(WEST_YORKSHIRE)) == 5
    assert [row for row in england if row in within["areas"]] == within["areas"]  # same rows, same ranks


def test_gaps_at_icb_level_within_a_region_lists_that_regions_icbs(capsys):
    assert main(["gaps", "--level", "icb", "--place", NORTH_EAST_AND_YORKSHIRE, "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    tree = geography.PlaceTree.from_table(geography.place_table())
    assert len(table) == len(tree.children(NORTH_EAST_AND_YORKSHIRE)) == 4


def test_maturity_place_takes_an_icb_by_name_or_a_region(capsys):
    assert main(["maturity", "--place", "E40000012", "--format", "json"]) == 0
    icss = json.loads(capsys.readouterr().out)["icss"]
    assert len(icss) == 4 and WEST_YORKSHIRE in {i["icb_code"] for i in icss}
    assert main(["maturity", "--icb", WEST_YORKSHIRE, "--format", "json"]) == 0  # the earlier option name
    assert [i["icb_code"] for i in json.loads(capsys.readouterr().out)["icss"]] == [WEST_YORKSHIRE]
    assert main(["maturity", "--place", "Atlantis"]) == 2
    assert "is not one of the 42 ICBs or an NHS region" in capsys.readouterr().err


def test_out_writes_the_same_bytes_as_standard_output_and_says_what_it_wrote(tmp_path, capsys):
    for command in (["clusters", "--radius-km", "10", "--min-size", "10"], ["maturity"], ["gaps", "--level", "icb"],
                    ["data", "sources", "--format", "json"]):
        assert main(command) == 0, command
        printed = capsys.readouterr().out
        target = tmp_path / f"{command[0]}.out"
        assert main([*command, "--out", str(target)]) == 0
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith(f"wrote {target}")
        assert target.read_bytes().decode("utf-8").rstrip("\n") == printed.rstrip("\n"), command


def test_an_unknown_theme_is_a_usage_error_in_every_command_that_takes_one(capsys):
    for command in (["gaps"], ["assets"], ["briefing", "--place", "E92000001"]):
        assert main([*command, "--theme", "knitting"]) == 2, command
        assert "unknown health focus 'knitting'" in capsys.readouterr().err
