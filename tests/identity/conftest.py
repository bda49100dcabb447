"""Fixtures of the directory tests: a role mapping, a SCIM token and a SCIM client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from jamlik.identity import services

ROLE_MAP = (
    "administrator=Jamlik.Admin,Jamlik Admins;"
    "city_coordinator=Jamlik.City,Jamlik Stad;"
    "org_coordinator=Jamlik.Org,Jamlik Samordnare"
)
SCIM = "/scim/v2"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture(autouse=True)
def _directory_settings(settings):
    settings.DIRECTORY_ROLE_MAP = ROLE_MAP
    settings.DIRECTORY_ORGANISATION_CLAIM = "jamlik_org"
    settings.DIRECTORY_SCIM_ORGANISATION_ATTRIBUTE = "department"


class ScimClient:
    """Django's test client speaking application/scim+json with a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _send(self, method: str, path: str, data: Any = None):
        body = data if isinstance(data, (str, bytes)) else json.dumps(data)
        return getattr(self.client, method)(
            SCIM + path, data=body, content_type="application/scim+json", headers=self.headers
        )

    def get(self, path: str, params: dict | None = None):
        return self.client.get(SCIM + path, data=params or {}, headers=self.headers)

    def post(self, path: str, data: Any):
        return self._send("post", path, data)

    def put(self, path: str, data: Any):
        return self._send("put", path, data)

    def patch(self, path: str, data: Any):
        return self._send("patch", path, data)

    def delete(self, path: str):
        return self.client.delete(SCIM + path, headers=self.headers)


@pytest.fixture
def scim_token(db) -> str:
    return services.scim_token_create(actor=None, name="Entra ID")


@pytest.fixture
def scim(scim_token) -> ScimClient:
    return ScimClient(scim_token)


def user_payload(username: str = "anna@kommun.example", **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "userName": username,
        "externalId": f"ext-{username}",
        "active": True,
        "displayName": "Anna Andersson",
        "name": {"givenName": "Anna", "familyName": "Andersson", "formatted": "Anna Andersson"},
        "emails": [{"value": username, "type": "work", "primary": True}],
        "roles": [{"value": "Jamlik.City", "primary": True}],
    }
    payload.update(extra)
    return payload


def patch_ops(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}
