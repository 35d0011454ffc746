"""Fixtures for web tests: a real database (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from demo.farm import Farm, build_farm
from demo.farm_registry import write_farm_registry


@pytest.fixture(scope="session", autouse=True)
def _services_are_real() -> None:
    """In the service-backed run the suite must really be on PostgreSQL, never silently SQLite."""
    if os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        assert engine.endswith("postgresql"), f"service suite expected PostgreSQL, got {engine}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2's cost is there for stolen hashes, not for tests: hundreds of users are
    created by the persona and portal tests, and each would take ~0.3 s to hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(db: None) -> Client:
    """A logged-in superuser named inspector (the name the audit fields record)."""
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("inspector", "", "pw-for-tests"))
    return client


@pytest.fixture
def farm(tmp_path: Path, settings: Any) -> Farm:
    """The demo farm (seed 7) in the registry; crawl state under tmp_path."""
    from govwatch.web.registry.services import registry_import

    settings.GOVWATCH_CRAWL_STATE_DIR = tmp_path / "state"
    built = build_farm(7)
    for path in write_farm_registry(built.sites, tmp_path / "registry"):
        registry_import(path)
    return built
