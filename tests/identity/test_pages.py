"""The administrators' page of the directory connection and the scim_token command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from jamlik.core.models import AuditEntry
from jamlik.identity.models import ScimToken
from tests.identity.conftest import ScimClient

pytestmark = pytest.mark.django_db


def test_admin_creates_a_token_shown_once_and_revokes_it(personas):
    browser = personas.web(personas.admin)
    page = browser.get("/directory/")
    assert page.status_code == 200
    assert "http://testserver/scim/v2/" in page.content.decode()
    created = browser.post("/directory/tokens/", {"name": "Entra ID"}, follow=True)
    assert created.status_code == 200
    raw = created.context["new_token"]
    assert raw in created.content.decode()
    assert ScimClient(raw).get("/Users").status_code == 200
    # Shown once.
    assert raw not in browser.get("/directory/").content.decode()
    token = ScimToken.objects.get()
    assert token.created_by == personas.admin and token.name == "Entra ID"
    assert browser.post(f"/directory/tokens/{token.pk}/revoke/").status_code == 302
    assert not ScimToken.objects.exists()
    assert ScimClient(raw).get("/Users").status_code == 401
    assert AuditEntry.objects.filter(action="identity.scim_token.revoked").exists()


def test_the_page_is_in_swedish(personas):
    page = personas.web(personas.admin).get("/directory/", headers={"Accept-Language": "sv"})
    assert "Katalogkoppling" in page.content.decode()


@pytest.mark.parametrize("who", ["city_coordinator", "coordinator_a"])
def test_others_may_not(personas, who):
    browser = personas.web(getattr(personas, who))
    assert browser.get("/directory/").status_code == 403
    assert browser.post("/directory/tokens/", {"name": "x"}).status_code == 403
    assert not ScimToken.objects.exists()


def test_anonymous_goes_to_login(db):
    from django.test import Client

    response = Client().get("/directory/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_revoking_an_unknown_token_is_404(personas):
    assert personas.web(personas.admin).post("/directory/tokens/999/revoke/").status_code == 404


def test_command(capsys):
    call_command("scim_token", "create", "--name", "cli")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert ScimClient(raw).get("/Users").status_code == 200
    call_command("scim_token", "revoke", raw[:8])
    assert not ScimToken.objects.exists()
    with pytest.raises(CommandError):
        call_command("scim_token", "revoke", "abc")
    with pytest.raises(CommandError):
        call_command("scim_token", "revoke", "zzzzzzzz")


def test_a_token_never_starts_with_a_dash(monkeypatch):
    """A prefix typed after ``jamlik scim_token revoke`` must not look like an option."""
    from jamlik.core import models as core_models

    drawn = iter(["-starts-with-a-dash", "fine-token"])
    monkeypatch.setattr(core_models.secrets, "token_urlsafe", lambda n: next(drawn))
    assert ScimToken.generate() == "fine-token"
