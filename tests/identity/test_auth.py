"""The SCIM endpoint's authentication: a bearer SCIM token, 401 otherwise, failures rate
limited; no CSRF check; nothing else (a session, an API token) gets in."""

from __future__ import annotations

import pytest
from django.test import Client

from jamlik.core import services as core_services
from jamlik.identity import services
from jamlik.identity.models import ScimToken
from tests.identity.conftest import ScimClient, user_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("token", [None, "wrong", "x" * 300])
def test_without_a_valid_token_401(db, token):
    response = ScimClient(token).get("/Users")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/scim+json"
    assert response.json()["status"] == "401"
    assert "Bearer" in response["WWW-Authenticate"]


def test_other_schemes_and_credentials_are_refused(personas):
    api_token = core_services.api_token_create(actor=None, user=personas.admin)
    assert ScimClient(api_token).get("/Users").status_code == 401
    browser = Client()
    browser.force_login(personas.admin)
    assert browser.get("/scim/v2/Users").status_code == 401
    basic = Client().get("/scim/v2/Users", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


def test_a_token_works_without_csrf(scim_token):
    client = ScimClient(scim_token)
    client.client = Client(enforce_csrf_checks=True)
    assert client.post("/Users", user_payload()).status_code == 201
    token = ScimToken.objects.get()
    assert token.last_used_at is not None
    assert token.key_hash != scim_token and scim_token.startswith(token.prefix)


def test_a_revoked_token_stops_working(scim_token):
    services.scim_token_revoke(actor=None, token=ScimToken.objects.get())
    assert ScimClient(scim_token).get("/Users").status_code == 401


def test_failed_authentications_are_rate_limited(scim_token):
    bad = ScimClient("wrong")
    for _ in range(20):
        assert bad.get("/Users").status_code == 401
    limited = bad.get("/Users")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    # The limit is per client address, whatever the token.
    assert ScimClient(scim_token).get("/Users").status_code == 429


def test_discovery(scim):
    config = scim.get("/ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True
    assert config["bulk"]["supported"] is False
    assert config["filter"] == {"supported": True, "maxResults": 200}
    types = scim.get("/ResourceTypes").json()
    assert {r["endpoint"] for r in types["Resources"]} == {"/Users", "/Groups"}
    assert (
        scim.get("/ResourceTypes/User")
        .json()["schemaExtensions"][0]["schema"]
        .endswith("enterprise:2.0:User")
    )
    schemas = scim.get("/Schemas").json()
    user_schema = next(s for s in schemas["Resources"] if s["name"] == "User")
    assert {a["name"] for a in user_schema["attributes"]} == {
        "userName",
        "name",
        "displayName",
        "active",
        "emails",
        "roles",
        "groups",
    }
    assert scim.get("/Schemas/urn:nope").status_code == 404
    assert scim.post("/.search", {}).status_code == 501
