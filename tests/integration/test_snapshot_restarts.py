"""The loaders' snapshots across server restarts: read back when nothing changed, never when anything did.

Each "server" is a fresh process running the loaders against its own register and snapshot folder.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ecology.register import startup, store
from ecology.settings import PROJECT_ROOT
from tests.integration.test_store import _asset

pytestmark = pytest.mark.usefixtures("built")

# A server's first page: the register's active assets, all-theme tables and the clusters. Printed:
# the asset ids, the number of assets counted as provision, and which snapshots it read back and
# which it computed.
_SERVE = """
import json, logging, time
logging.disable(logging.WARNING)
from ecology import snapshots
from ecology.analysis import clusters
from ecology.ui import loaders
read, computed = [], []
original = snapshots.kept
def watching(name, key, compute, **kwargs):
    ran = []
    value = original(name, key, lambda: ran.append(1) or compute(), **kwargs)
    (computed if ran else read).append("clusters" if name.startswith("clusters-") else name)
    return value
snapshots.kept = watching
assets = loaders.assets()
tables = loaders.theme_tables(None)
loaders.clustering(clusters.DEFAULT_RADIUS_KM, clusters.DEFAULT_MIN_SIZE)
snapshots.wait_for_writes()
print(json.dumps({"ids": sorted(assets["asset_id"]), "provision": len(tables.provision), "read": sorted(read),
                  "computed": sorted(computed)}))
"""


def _serve(register_url: str, cache_dir) -> dict:
    env = {"PATH": "/usr/bin:/bin", "ECOLOGY_DATABASE_URL": register_url, "ECOLOGY_SNAPSHOTS_DIR": str(cache_dir),
           "HOME": str(cache_dir)}
    done = subprocess.run([sys.executable, "-c", _SERVE], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def register_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    startup.open_register(url).engine.dispose()
    return url


def test_a_restart_reads_back_what_the_last_server_computed(register_url, tmp_path):
    first = _serve(register_url, tmp_path / "cache")
    again = _serve(register_url, tmp_path / "cache")
    assert first["read"] == [] and first["computed"] == ["assets-active", "clusters", "maturity", "practitioners",
                                                         "theme-all"]
    # Read back, the theme's tables need neither the practitioners nor the maturity tables again.
    assert again["read"] == ["assets-active", "clusters", "theme-all"] and again["computed"] == []
    assert (again["ids"], again["provision"]) == (first["ids"], first["provision"])


def test_an_edit_made_between_two_servers_is_in_the_second_servers_figures(register_url, tmp_path):
    first = _serve(register_url, tmp_path / "cache")
    register = store.Store.open(register_url)
    register.add("assets", _asset("test:new-choir"), "alice")
    register.engine.dispose()
    after = _serve(register_url, tmp_path / "cache")
    assert after["ids"] == sorted([*first["ids"], "test:new-choir"])
    assert after["provision"] == first["provision"] + 1  # a real, active programme counts as provision
    assert {"assets-active", "theme-all"} <= set(after["computed"])


def test_a_register_made_again_at_the_same_place_is_not_given_the_old_ones_snapshots(tmp_path):
    path = tmp_path / "register.sqlite3"
    url = f"sqlite:///{path}"
    for asset_id in ("test:first-choir", "test:second-choir"):  # as many changes each time
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        register = startup.open_register(url)
        register.add("assets", _asset(asset_id), "alice")
        register.engine.dispose()
        served = _serve(url, tmp_path / "cache")
        other = ({"test:first-choir", "test:second-choir"} - {asset_id}).pop()
        assert asset_id in served["ids"] and other not in served["ids"]
        assert "assets-active" in served["computed"]
