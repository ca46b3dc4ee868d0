#!/usr/bin/env bash
# Installs everything the dashboard and the tests need on a fresh machine (Python 3.11 + pip):
# the Python requirements (spaCy model included), Debian's Chromium, used for the PNG export
# and the browser tests, and PostGIS when the machine has PostgreSQL 15 (the server store).
# Nothing else is downloaded later, at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --disable-pip-version-check -q -r requirements.txt -r requirements-test.txt

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi

# PostGIS for the server store (--db postgresql://...): Debian's package for the PostgreSQL 15
# server the machines run; the store creates the extension in its database.
if [ -d /usr/share/postgresql/15 ] && [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends postgresql-15-postgis-3
fi

# Derived data that is not committed (the gazetteer index, ~12 s) is built once, here; it is a
# no-op when the index is up to date. scripts/build_gazetteer.py rebuilds it by hand.
python3 -c "from geo.places import load_gazetteer; load_gazetteer()"
# The dashboard's static files (Leaflet, the world's outlines), so it can start read-only.
python3 -c "from geo.render import ensure_static_assets, ensure_static_basemap; ensure_static_assets(); ensure_static_basemap()"
