"""The store: one interface (``Store``), SQLite today (``geo.store.sqlite``)."""
from geo.store.base import SchemaVersionError, Store, StoreError, open_store, resolve_db

__all__ = ["SchemaVersionError", "Store", "StoreError", "open_store", "resolve_db"]
