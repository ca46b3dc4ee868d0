"""The store: the stored articles and their items, with a user's corrections kept apart. One
interface (``Store``) that the commands and the dashboard use, ``open_store()`` to open the
database ``--db`` / ``$GEO_DB`` names: SQLite for a path (``geo.store.sqlite``), PostgreSQL +
PostGIS for a ``postgresql://`` URL (``geo.store.postgis``)."""
from geo.store.base import Added, SchemaVersionError, Store, StoreError
from geo.store.location import open_store, resolve_db
from geo.store.rows import same_text_reason

__all__ = ["Added", "SchemaVersionError", "Store", "StoreError", "open_store", "resolve_db",
           "same_text_reason"]
