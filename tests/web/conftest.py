"""Fixtures for web tests: a real database (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    del items


@pytest.fixture(scope="session", autouse=True)
def _services_are_real() -> None:
    """In the service-backed run the suite must really be on PostgreSQL, never silently SQLite."""
    if os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        assert engine.endswith("postgresql"), f"service suite expected PostgreSQL, got {engine}"
