"""The store: peewee models over SQLite (WAL) or PostgreSQL, with numbered migrations."""

from appliance.store.database import connect, db

__all__ = ["connect", "db"]
