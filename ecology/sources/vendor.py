"""Install the map's JavaScript and CSS from the npm registry into ``static/vendor/``.

Streamlit serves ``static/`` at ``/app/static/``, and ``ecology.maps.leaflet`` points
folium there, so no rendered map asks a CDN for anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ecology import paths


class VendorError(Exception):
    """A front-end package could not be installed; the message says why."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # the registry's sha512 of the tarball
    files: tuple[str, ...]  # paths inside the tarball's package/ folder


PACKAGES = (
    Package(
        "leaflet", "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        ("dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png", "dist/images/layers-2x.png",
         "dist/images/marker-icon.png", "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png",
         "LICENSE"),
    ),
    Package(
        "leaflet.markercluster", "1.5.3",
        "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
        ("dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css",
         "MIT-LICENCE.txt"),
    ),
)


def vendor_dir() -> Path:
    """Return the folder holding one sub-folder per installed package."""
    return paths.static_dir() / "vendor"


def url_of(package_name: str, file_in_dist: str) -> str:
    """Return the app-relative URL of an installed file, e.g. for folium's default_js."""
    return f"/app/static/vendor/{package_name}/{file_in_dist}"


def _integrity_of(tarball: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()


def _installed_version(package: Package) -> str | None:
    marker = vendor_dir() / package.name / "VERSION.json"
    try:
        return json.loads(marker.read_text())["integrity"]
    except (FileNotFoundError, KeyError, json.JSONDecodeError):
        return None


def is_installed() -> bool:
    """Return True when every pinned package is in place at its pinned version."""
    return all(_installed_version(p) == p.integrity for p in PACKAGES)


def install(report: Callable[[str], None] = print) -> None:
    """Fetch each pinned package with ``npm pack``, verify it, and copy its files."""
    npm = shutil.which("npm")
    for package in PACKAGES:
        if _installed_version(package) == package.integrity:
            report(f"{package.name}@{package.version} already installed")
            continue
        if npm is None:
            raise VendorError("npm is not installed: install Node.js (apt-get install -y nodejs npm) and retry")
        with tempfile.TemporaryDirectory() as tmp:
            spec = f"{package.name}@{package.version}"
            result = subprocess.run([npm, "pack", spec, "--pack-destination", tmp, "--silent"],
                                    capture_output=True, text=True, timeout=300)
            if result.returncode != 0:
                raise VendorError(f"npm pack {spec} failed: {result.stderr.strip()[-500:]}")
            tarball = next(Path(tmp).glob("*.tgz"))
            if _integrity_of(tarball) != package.integrity:
                raise VendorError(f"{spec}: tarball integrity differs from the pinned value; refused")
            target = vendor_dir() / package.name
            shutil.rmtree(target, ignore_errors=True)
            with tarfile.open(tarball) as archive:
                for inside in package.files:
                    member = archive.getmember(f"package/{inside}")
                    data = archive.extractfile(member).read()
                    destination = target / inside.removeprefix("dist/")
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(data)
            (target / "VERSION.json").write_text(
                json.dumps({"name": package.name, "version": package.version, "integrity": package.integrity})
            )
            report(f"installed {spec} into {target}")
