#!/usr/bin/env bash
# Installs everything the dashboard and the tests need on a fresh machine (Python 3.11 + pip):
# the Python requirements (spaCy model included) and Debian's Chromium, used for the PNG
# export and the browser tests. Nothing else is downloaded later, at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --disable-pip-version-check -q -r requirements.txt -r requirements-test.txt

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi

# Derived data that is not committed (the gazetteer index, ~12 s) is built once, here; it is a
# no-op when the index is up to date. scripts/build_gazetteer.py rebuilds it by hand.
python3 -c "from geo.places import load_gazetteer; load_gazetteer()"
# The dashboard's static files (Leaflet, the world's outlines), so it can start read-only.
python3 -c "from geo.render import ensure_static_assets, ensure_static_basemap; ensure_static_assets(); ensure_static_basemap()"
