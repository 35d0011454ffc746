"""Fixtures for web tests: a real database (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture(scope="session", autouse=True)
def _services_are_real() -> None:
    """In the service-backed run the suite must really be on PostgreSQL, never silently SQLite."""
    if os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        assert engine.endswith("postgresql"), f"service suite expected PostgreSQL, got {engine}"


@pytest.fixture
def admin_client(db: None) -> Client:
    """A logged-in superuser named inspector (the name the audit fields record)."""
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("inspector", "", "pw-for-tests"))
    return client
