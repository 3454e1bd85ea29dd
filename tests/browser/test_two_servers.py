"""Two app servers on one PostgreSQL register: a change written through one shows on the other at
its next rerun (each server's caches are keyed on the register's revision, not on time)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

NEW_NAME = "Renamed on the other server"


@pytest.fixture
def shared_register(built, database_url) -> str:
    """An empty PostgreSQL register (the database_url fixture, its PostgreSQL half), seeded once."""
    from ecology.register import startup

    startup.open_register(database_url).engine.dispose()  # seeded before either server starts
    return database_url


SEARCH = "/Assets?place=Bradford&q=Renamed+on+the+other+server"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_edit_written_through_one_server_shows_on_the_other_at_its_next_rerun(shared_register, start_server,
                                                                                  open_tab):
    from ecology.register import startup

    store = startup.open_register(shared_register)
    assets = store.records("assets")
    target = assets[(assets["lad_code"] == "E08000032") & ~assets["is_sample"]].sort_values("asset_id").iloc[0]
    running = [start_server({"ECOLOGY_DATABASE_URL": shared_register}) for _ in range(2)]
    try:
        tabs = [open_tab() for _ in running]
        for tab, server in zip(tabs, running):  # both servers warm, their caches filled: nothing matches yet
            tab.open(f"{server.url}{SEARCH}")
            expect(tab.page.get_by_test_id("stMain")).to_contain_text("0 assets match.")
        # An editor saves a change (the Store call the Data page's editor makes), as on another server.
        store.update("assets", str(target["asset_id"]), {"name": NEW_NAME}, int(target["version"]), "editor")
        for tab in tabs:
            tab.page.reload()
            main = tab.page.get_by_test_id("stMain")
            expect(main).to_contain_text("1 assets match.", timeout=30_000)
            # The list is a canvas grid; its accessible table holds the names.
            expect(main.get_by_test_id("stDataFrame").first.locator("table")).to_contain_text(NEW_NAME)
            tab.assert_clean()
    finally:
        store.engine.dispose()
