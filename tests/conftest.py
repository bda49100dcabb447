"""Shared fixtures: personas for permission tests (alice, bob, charlie in the healthchecks
habit, here named by role) and API clients with tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from jamlik.core import services as core_services
from jamlik.core.models import Role
from tests.factories.core import UserFactory
from tests.factories.orgs import OrganisationFactory, UnitFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file rather than in memory: Django's live server
    (the browser tests) would otherwise share one connection among its request threads, so
    two overlapping requests (an autosave and the next click) ran inside each other's
    transaction. With a file, every thread has its own connection and the IMMEDIATE
    transactions queue as they do in production."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("sqlite")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def without_builtin_frameworks(db):
    """The built-in frameworks are loaded by a migration; a test that counts or lists
    frameworks of its own starts without them."""
    from jamlik.assessments.models import Framework

    Framework.objects.all().delete()


class ApiClient:
    """A JSON client that sends a bearer token (or none) and a language."""

    def __init__(self, token: str | None = None, language: str = "sv") -> None:
        self.client = Client()
        self.headers: dict[str, str] = {"Accept-Language": language}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def _send(self, method: str, path: str, data: Any = None, **extra: Any):
        body = (
            None if data is None else (data if isinstance(data, (str, bytes)) else json.dumps(data))
        )
        return getattr(self.client, method)(
            path, data=body, content_type="application/json", headers=self.headers, **extra
        )

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, data=params or {}, headers=self.headers)

    def post(self, path: str, data: Any = None):
        return self._send("post", path, {} if data is None else data)

    def patch(self, path: str, data: Any = None):
        return self._send("patch", path, data)

    def put(self, path: str, data: Any = None):
        return self._send("put", path, data)

    def delete(self, path: str):
        return self.client.delete(path, headers=self.headers)


@dataclass
class Personas:
    """Two sibling administrations A and B under one city, each with a unit, and a user of
    every staff role. ``org_a`` must never see anything of ``org_b``."""

    city: Any
    org_a: Any
    org_b: Any
    unit_a: Any
    unit_b: Any
    admin: Any
    city_coordinator: Any
    coordinator_a: Any
    coordinator_b: Any

    def api(self, user: Any = None, language: str = "sv") -> ApiClient:
        if user is None:
            return ApiClient(language=language)
        token = core_services.api_token_create(actor=None, user=user)
        return ApiClient(token, language=language)

    def web(self, user: Any = None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def personas(db) -> Personas:
    city = OrganisationFactory(
        name="Staden", code="CITY", kind="committee", domains=["stad.example"]
    )
    org_a = OrganisationFactory(name="Förvaltning A", code="A", parent=city, domains=["a.example"])
    org_b = OrganisationFactory(name="Förvaltning B", code="B", parent=city, domains=["b.example"])
    unit_a = UnitFactory(name="Enhet A1", code="A1", parent=org_a)
    unit_b = UnitFactory(name="Enhet B1", code="B1", parent=org_b)
    return Personas(
        city=city,
        org_a=org_a,
        org_b=org_b,
        unit_a=unit_a,
        unit_b=unit_b,
        admin=UserFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True),
        city_coordinator=UserFactory(username="stad", role=Role.CITY_COORDINATOR),
        coordinator_a=UserFactory(username="hr_a", role=Role.ORG_COORDINATOR, organisation=org_a),
        coordinator_b=UserFactory(username="hr_b", role=Role.ORG_COORDINATOR, organisation=org_b),
    )


@pytest.fixture
def api_client():
    return ApiClient
