"""The store's tests run on SQLite and on a real PostgreSQL server (fixtures in tests/conftest.py)."""
