"""``active: false`` and DELETE end a person's access at once: the user is inactive, their
API tokens are deleted and their sessions are gone; a session that survived would be
refused anyway (Django's ModelBackend.get_user checks is_active on every request)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from jamlik.core import services as core_services
from jamlik.core.models import ApiToken, User
from jamlik.identity.services import end_access
from tests.conftest import ApiClient
from tests.identity.conftest import patch_ops, user_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def provisioned(scim):
    response = scim.post("/Users", user_payload())
    assert response.status_code == 201
    user = User.objects.get()
    assert user.is_active
    browser = Client()
    browser.force_login(user)
    assert browser.get("/profile/").status_code == 200
    token = core_services.api_token_create(actor=None, user=user)
    assert ApiClient(token).get("/api/v1/me").status_code == 200
    return response.json()["id"], user, browser, token


def _assert_cut_off(user, browser, token):
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    assert not Session.objects.exists()
    page = browser.get("/profile/")
    assert page.status_code == 302 and "/login/" in page["Location"]
    assert ApiClient(token).get("/api/v1/me").status_code == 401


def test_patch_active_false(scim, provisioned):
    scim_id, user, browser, token = provisioned
    response = scim.patch(
        f"/Users/{scim_id}", patch_ops({"op": "Replace", "path": "active", "value": False})
    )
    assert response.status_code == 200
    _assert_cut_off(user, browser, token)
    # Reactivation restores access, not the deleted tokens.
    scim.patch(f"/Users/{scim_id}", patch_ops({"op": "Replace", "path": "active", "value": True}))
    user.refresh_from_db()
    assert user.is_active
    assert ApiClient(token).get("/api/v1/me").status_code == 401


def test_put_active_false(scim, provisioned):
    scim_id, user, browser, token = provisioned
    response = scim.put(f"/Users/{scim_id}", user_payload(active=False))
    assert response.status_code == 200, response.content
    _assert_cut_off(user, browser, token)


def test_delete(scim, provisioned):
    scim_id, user, browser, token = provisioned
    assert scim.delete(f"/Users/{scim_id}").status_code == 204
    _assert_cut_off(user, browser, token)


def test_losing_the_role_cuts_off_too(scim, provisioned):
    scim_id, user, browser, token = provisioned
    scim.patch(f"/Users/{scim_id}", patch_ops({"op": "Replace", "path": "roles", "value": []}))
    _assert_cut_off(user, browser, token)


def test_a_session_that_survives_is_refused(provisioned):
    """Without the session sweep, Django alone refuses the inactive user on the next
    request."""
    _scim_id, user, browser, _token = provisioned
    User.objects.filter(pk=user.pk).update(is_active=False)
    page = browser.get("/profile/")
    assert page.status_code == 302


def test_end_access_leaves_other_sessions(provisioned, personas):
    _scim_id, user, _browser, _token = provisioned
    other = Client()
    other.force_login(personas.admin)
    end_access(user)
    assert Session.objects.count() == 1
    assert other.get("/profile/").status_code == 200
