"""While the database cannot be reached the site answers 503 with Retry-After, never 500:
the API with its JSON error body (code "unavailable"), pages with a Swedish page that needs
no database. Simulated by making every connection attempt fail, and on a real database by
pointing the connection at a closed port (PostgreSQL) or an unopenable file (SQLite)."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from jamlik.core import outage
from tests.factories.events import EventFactory

pytestmark = pytest.mark.django_db

SWEDISH = "Tjänsten är tillfälligt otillgänglig – försök igen om en stund"


def database_down(error: Exception | None = None):
    return mock.patch.object(
        BaseDatabaseWrapper,
        "ensure_connection",
        side_effect=error or OperationalError("the connection is closed"),
    )


def assert_api_unavailable(response):
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "unavailable" and body["errors"] == []
    assert body["detail"].startswith("Tjänsten är tillfälligt otillgänglig")


def assert_page_unavailable(response):
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert SWEDISH in response.content.decode()


def test_api_get_with_a_token_answers_503_json(personas):
    api = personas.api(personas.city_coordinator)
    with database_down():  # the token check itself fails
        assert_api_unavailable(api.get("/api/v1/organisations"))


def test_api_operation_losing_the_database_answers_503_json(personas, settings):
    """Past the token check, inside the operation (ninja's own exception path), in debug
    mode too, where ninja would otherwise answer 500 with a traceback."""
    settings.DEBUG = True
    user = personas.city_coordinator
    api = personas.api(user)
    with (
        mock.patch("jamlik.core.api.selectors.user_for_token", return_value=user),
        database_down(InterfaceError("connection already closed")),
    ):
        assert_api_unavailable(api.get("/api/v1/organisations"))


def test_staff_page_answers_503_in_swedish(personas):
    web = personas.web(personas.city_coordinator)
    with database_down():
        response = web.get("/events/")
    assert_page_unavailable(response)
    assert "<h1>Tillfälligt otillgänglig</h1>" in response.content.decode()


def test_public_page_answers_503_in_swedish(personas):
    event = EventFactory()
    client = Client()
    with database_down():
        assert_page_unavailable(client.get(f"/e/{event.pk}"))


def test_psycopg_error_that_escaped_django_is_an_outage_too():
    import psycopg

    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = psycopg.OperationalError("server closed the connection unexpectedly")
    assert outage.is_database_unavailable(wrapped)
    assert not outage.is_database_unavailable(ValueError("a bug"))


def test_outage_in_a_middleware_answers_503(personas, monkeypatch):
    """Raised on the way out by the session middleware: Django makes a 500 of it before our
    middleware sees the response; the got_request_exception mark turns it into the 503."""

    def broken(self, request, response):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionMiddleware, "process_response", broken)
    client = Client(raise_request_exception=False)
    assert_page_unavailable(client.get("/login/"))
    assert_api_unavailable(client.get("/api/v1/openapi.json"))


def test_other_errors_stay_500(personas, monkeypatch):
    def broken(self, request, response):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(SessionMiddleware, "process_response", broken)
    response = Client(raise_request_exception=False).get("/login/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_page_falls_back_when_even_the_template_fails(personas, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("the template asked the database")

    monkeypatch.setattr(outage, "render_to_string", broken)
    web = personas.web(personas.city_coordinator)
    with database_down():
        assert_page_unavailable(web.get("/events/"))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens once the probe is closed


@pytest.mark.django_db(transaction=True)
def test_a_real_outage_answers_503(personas):
    """No mock: the database really cannot be reached, then is back."""
    web = personas.web(personas.city_coordinator)
    event = EventFactory()
    api = personas.api(personas.city_coordinator)
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        settings_dict["NAME"] = "/nonexistent-folder/jamlik.sqlite3"
    try:
        assert_page_unavailable(web.get("/events/"))
        assert_page_unavailable(Client().get(f"/e/{event.pk}"))
        assert_api_unavailable(api.get("/api/v1/organisations"))
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)
    assert web.get("/events/").status_code == 200
    assert api.get("/api/v1/organisations").status_code == 200
