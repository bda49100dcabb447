"""Core pages: login, start page, profile tokens, health check, error pages, language."""

import pytest
from django.db.utils import DatabaseError

from jamlik.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_login_page_is_swedish_with_labels(client):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert "Logga in" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert 'href="#main"' in html


def test_login_page_in_english_when_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    html = client.get("/login/").content.decode()
    assert '<html lang="en">' in html and "Log in" in html


def test_start_page_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_then_start_page_lists_areas(personas, client):
    personas.coordinator_a.set_password("pw-1234-long")
    personas.coordinator_a.save()
    response = client.post("/login/", {"username": "hr_a", "password": "pw-1234-long"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Organisationer" in html
    assert "Förvaltning A" in html


def test_wrong_password_shows_error_and_stays(client, personas):
    response = client.post("/login/", {"username": "hr_a", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_profile_creates_token_shown_once(personas):
    web = personas.web(personas.coordinator_a)
    response = web.post("/profile/tokens/", {"name": "Excel"}, follow=True)
    html = response.content.decode()
    token = ApiToken.objects.get(user=personas.coordinator_a)
    assert token.prefix in html
    assert "Excel" in html
    assert (
        token.prefix
        not in web.get("/profile/").content.decode().split('<code class="token">')[-1][:5]
    )


def test_revoking_someone_elses_token_does_nothing(personas):
    from jamlik.core import services

    services.api_token_create(actor=None, user=personas.coordinator_b)
    other = ApiToken.objects.get(user=personas.coordinator_b)
    personas.web(personas.coordinator_a).post(f"/profile/tokens/{other.pk}/revoke/")
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_healthz_503_when_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    assert client.get("/healthz").status_code == 503


def test_404_page_is_swedish(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_500_page_is_swedish(client, settings):
    from django.test import Client

    settings.DEBUG = False
    c = Client(raise_request_exception=False)
    from jamlik.core import views

    response = views.error_500(c.get("/login/").wsgi_request)
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_accessibility_statement_and_privacy_notice(client):
    assert "Tillgänglighetsredogörelse" in client.get("/accessibility/").content.decode()
    assert client.get("/privacy/").status_code == 200


def test_admin_lists_users_tokens_and_audit_log(personas):
    web = personas.web(personas.admin)
    for url in [
        "/admin/core/user/",
        "/admin/core/apitoken/",
        "/admin/core/auditentry/",
        "/admin/orgs/organisation/",
    ]:
        assert web.get(url).status_code == 200, url


def test_admin_is_closed_to_coordinators(personas):
    response = personas.web(personas.city_coordinator).get("/admin/core/user/")
    assert response.status_code == 302


def test_csrf_failure_page_is_swedish(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formuläret har gått ut" in response.content.decode()
