"""Shared test configuration.

Engine tests need no database. Web tests use the real database the settings
point at: SQLite by default, PostgreSQL when DATABASE_URL says so.
"""
