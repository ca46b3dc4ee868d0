"""``pip install .`` gives a working ``geo`` command outside the checkout (issue 10).

The wheel is built offline from a copy of the project (no build isolation: setuptools comes from
requirements-test.txt) and installed with no dependencies into a venv that sees this
environment's packages, so nothing is downloaded."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from geo import __version__

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "000_6b9e2fcaa4d74d82.txt"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "requirements.txt"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "geo", src / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", src / "data",
                    ignore=shutil.ignore_patterns("*.sqlite*", "geocode-cache*"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
                    "--no-index", "-q", "-w", str(out), str(src)], check=True)
    (whl,) = out.glob("*.whl")
    return whl


def test_the_wheel_holds_the_package_its_files_and_the_bundled_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert wheel.name.startswith(f"geo_conflict_map-{__version__}-")
    for must in ("geo/__init__.py", "geo/cli.py", "geo/extract.schema.json",
                 "geo/render/markers.js", "geo/render/map.css", "geo/render/playback.js",
                 "geo/render/labels.js", "geo/render/labels.css"):
        assert must in names, must
    data = {n.split("/data/share/geo-conflict-map/data/")[-1] for n in names if "/share/" in n}
    assert {"parties.csv", "boundaries.gpkg", "curated_places.csv", "named_regions.csv",
            "samples/000_6b9e2fcaa4d74d82.txt"} <= data
    assert not any(n.startswith(("tests/", "app.py", "bench/")) for n in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps",
                    "--no-index", "-q", str(wheel)], check=True)
    return venv


def run_geo(venv: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GEO_")}
    environ.pop("PYTHONPATH", None)
    return subprocess.run([str(venv / "bin" / "geo"), *args], cwd=cwd, capture_output=True,
                          text=True, env={**environ, **env}, timeout=300)


def test_the_installed_command_runs_outside_the_checkout(installed, tmp_path):
    version = run_geo(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"geo {__version__}"
    help_ = run_geo(installed, "--help", cwd=tmp_path)
    assert help_.returncode == 0
    for command in ("ingest", "extract", "export", "tolls"):
        assert command in help_.stdout
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import geo, geo.config as c; print(geo.__file__); print(c.DATA_DIR)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    module_file, data_dir = where.split()
    assert not module_file.startswith(str(ROOT))  # the installed copy, not the checkout
    assert data_dir.startswith(str(installed)) and (Path(data_dir) / "parties.csv").exists()


def test_the_installed_copy_extracts_and_stores_in_its_own_home(installed, tmp_path):
    home = tmp_path / "home"
    env = {"GEO_HOME": str(home)}  # the gazetteer index is built there too (~15 s)
    ingest = run_geo(installed, "ingest", "--quiet", "--date", "2020-09-30", str(SAMPLE),
                     cwd=tmp_path, **env)
    assert ingest.returncode == 0, ingest.stderr
    assert (home / "geo.sqlite").exists() and (home / "gazetteer.sqlite").exists()
    tolls = run_geo(installed, "tolls", "--format", "csv", cwd=tmp_path, **env)
    assert tolls.returncode == 0 and "armenia" in tolls.stdout.lower()
