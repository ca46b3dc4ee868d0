"""``GeocodeCache``: geocoders' answers (misses included) by (service, query, options) in one
SQLite file, so a query is sent to a service once ever."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from geopy.location import Location


class GeocodeCache:
    """Answers of geocoders by (service, query, options), in one SQLite file; thread-safe."""

    def __init__(self, path: os.PathLike | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS geocode (service TEXT, key TEXT, "
                         "answer TEXT, PRIMARY KEY (service, key))")
        self._db.commit()

    def get(self, service: str, key: str) -> tuple[bool, Any]:
        with self._lock:
            row = self._db.execute("SELECT answer FROM geocode WHERE service = ? AND key = ?",
                                   (service, key)).fetchone()
        return (False, None) if row is None else (True, _decode(json.loads(row[0])))

    def put(self, service: str, key: str, answer) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO geocode VALUES (?, ?, ?)",
                             (service, key, json.dumps(_encode(answer), ensure_ascii=False)))
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM geocode").fetchone()[0]

    def answers(self) -> list[tuple[str, str, Location]]:
        """(service, query, best location) of every cached hit; misses are left out."""
        with self._lock:
            rows = self._db.execute("SELECT service, key, answer FROM geocode").fetchall()
        out = []
        for service, key, answer in rows:
            try:
                query = json.loads(key)[0]
            except (ValueError, IndexError, TypeError):
                continue
            loc = _decode(json.loads(answer))
            if isinstance(loc, list):
                loc = loc[0] if loc else None
            if loc is not None:
                out.append((service, query, loc))
        return out

    def close(self) -> None:
        self._db.close()


def _encode(answer):
    if answer is None:
        return None  # a miss is cached too: it would miss again
    if isinstance(answer, Location):
        return {"address": answer.address, "lat": answer.latitude, "lon": answer.longitude,
                "raw": answer.raw}
    return [_encode(a) for a in answer]


def _decode(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return Location(value["address"], (value["lat"], value["lon"]), value["raw"])
    return [_decode(v) for v in value]
