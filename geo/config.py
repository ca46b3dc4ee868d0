"""Every setting the project reads from the environment, and where its files live.

One place for each variable (the README's configuration table lists the same), so the CLI, the
dashboard and the library agree. Functions, not constants: a test or a user may change the
environment after import.

Files: the bundled, read-only data (boundaries, parties, curated places, the sample) is
``DATA_DIR``: the checkout's ``data/`` folder, or the copy ``pip install .`` puts in
``<prefix>/share/geo-conflict-map/data``. What the project writes (the store, the gazetteer
index, the geocoding cache) goes to ``STATE_DIR``: the checkout's ``data/`` too, or, for an
installed copy, ``$GEO_HOME``, else ``~/.local/share/geo-conflict-map``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping, Optional

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
APP_NAME = "geo-conflict-map"


def _bundled_data_dir() -> Path:
    checkout = PROJECT_DIR / "data"
    if (checkout / "parties.csv").exists():
        return checkout
    return Path(sys.prefix) / "share" / APP_NAME / "data"


DATA_DIR = _bundled_data_dir()
IN_CHECKOUT = DATA_DIR == PROJECT_DIR / "data"

# Environment variables (the README's table).
ENV_DB = "GEO_DB"                    # the store: a path or a URL
ENV_GAZETTEER = "GEO_GAZETTEER"      # the gazetteer index file
ENV_GEOCODER = "GEO_GEOCODER"        # an online geopy service to opt into (default: offline)
ENV_GEOCODE_CACHE = "GEO_GEOCODE_CACHE"
ENV_USER_AGENT = "GEO_USER_AGENT"
ENV_CHROMIUM = "GEO_CHROMIUM"
ENV_HOME = "GEO_HOME"                # where an installed copy writes its files
ENV_PASSWORD = "GEO_PASSWORD"        # the dashboard's shared password for writing
ENV_PASSWORD_HASH = "GEO_PASSWORD_HASH"  # the same as a PBKDF2 hash (python -m dashboard.auth)
ENV_WRITERS = "GEO_WRITERS"          # OIDC logins (e-mails, comma-separated, or *) that may write

DEFAULT_DB_NAME = "geo.sqlite"
OFFLINE_NAMES = ("offline", "gazetteer", "")


def _env(env: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    return os.environ if env is None else env


def state_dir(env: Optional[Mapping[str, str]] = None) -> Path:
    """Where the project writes its own files (store, gazetteer index, geocoding cache)."""
    home = _env(env).get(ENV_HOME)
    if home:
        return Path(home).expanduser()
    if IN_CHECKOUT:
        return DATA_DIR
    base = _env(env).get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def db_location(value: Optional[str] = None, env: Optional[Mapping[str, str]] = None) -> str:
    """The store the user asked for, unparsed: ``--db`` wins, else ``$GEO_DB``, else the default
    file. ``geo.store.resolve_db`` turns it into a path or URL."""
    if value not in (None, ""):
        return os.fspath(value)
    return _env(env).get(ENV_DB) or str(state_dir(env) / DEFAULT_DB_NAME)


def gazetteer_path(env: Optional[Mapping[str, str]] = None) -> Path:
    return Path(_env(env).get(ENV_GAZETTEER) or state_dir(env) / "gazetteer.sqlite")


def geocoder_service(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The online service ``GEO_GEOCODER`` opts into (lower case), or None for the offline
    gazetteer (unset, empty, 'offline' or 'gazetteer')."""
    service = (_env(env).get(ENV_GEOCODER) or "").strip().lower()
    return None if service in OFFLINE_NAMES else service


def geocode_cache_path(env: Optional[Mapping[str, str]] = None) -> Path:
    return Path(_env(env).get(ENV_GEOCODE_CACHE) or state_dir(env) / "geocode-cache.sqlite")


def user_agent(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    return _env(env).get(ENV_USER_AGENT) or None


def chromium_override(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    return _env(env).get(ENV_CHROMIUM) or None


def dashboard_password(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The dashboard's shared password (``GEO_PASSWORD``), or None when unset or empty."""
    return _env(env).get(ENV_PASSWORD) or None


def dashboard_password_hash(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """``GEO_PASSWORD_HASH``: the password as ``pbkdf2_sha256$ITERATIONS$SALT$HASH`` (hex), so
    the plain password need not sit in the server's environment; None when unset."""
    return (_env(env).get(ENV_PASSWORD_HASH) or "").strip() or None


def dashboard_writers(env: Optional[Mapping[str, str]] = None) -> frozenset[str]:
    """``GEO_WRITERS``: who may write after logging in through an OIDC provider, as lower-case
    e-mails; ``{"*"}`` is anyone the provider logs in; empty (the default) is nobody."""
    value = _env(env).get(ENV_WRITERS) or ""
    return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
