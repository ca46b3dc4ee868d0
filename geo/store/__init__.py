"""The store: the stored articles and their items, with a user's corrections kept apart. One
interface (``Store``) that the commands and the dashboard use, ``open_store()`` to open the
database ``--db`` / ``$GEO_DB`` names, and SQLite as the implementation today
(``geo.store.sqlite``)."""
from geo.store.base import SchemaVersionError, Store, StoreError
from geo.store.location import open_store, resolve_db

__all__ = ["SchemaVersionError", "Store", "StoreError", "open_store", "resolve_db"]
