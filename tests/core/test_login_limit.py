"""The failed-login limit (services.login_attempt): per account, per client, 429 on the login
page in the visitor's language, the right password refused while it lasts, audited without
the password."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jamlik.core import services
from jamlik.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password-1"  # the factories' password
WRONG = "fel-losenord-123"
SWEDISH = "För många misslyckade inloggningar. Försök igen om en stund."
ENGLISH = "Too many failed logins. Try again in a while."
PER_ACCOUNT = services.LOGIN_FAILURES_PER_ACCOUNT
PER_CLIENT = services.LOGIN_FAILURES_PER_CLIENT


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1", **meta):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **meta
    )


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _use_up_account(client: Client, username: str = "hr_a", ip: str = "10.0.0.1") -> None:
    for _ in range(PER_ACCOUNT):
        assert _login(client, username, WRONG, ip).status_code == 200


def test_wrong_passwords_until_limited_answer_429_in_swedish(personas, client):
    _use_up_account(client)
    response = _login(client, "hr_a", WRONG)
    html = response.content.decode()
    assert response.status_code == 429
    assert SWEDISH in html
    assert 'role="alert"' in html and 'for="id_username"' in html
    # Every further attempt too, not only the next one.
    assert _login(client, "hr_a", WRONG).status_code == 429


def test_the_message_is_english_when_english_is_chosen(personas, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    _use_up_account(client)
    response = _login(client, "hr_a", WRONG)
    assert response.status_code == 429
    assert ENGLISH in response.content.decode()


def test_the_right_password_is_refused_while_the_limit_lasts(personas, client):
    _use_up_account(client)
    response = _login(client, "hr_a", PASSWORD)
    assert response.status_code == 429
    assert SWEDISH in response.content.decode()
    assert not _logged_in(client)
    assert client.get("/").status_code == 302
    # Another client cannot use the account either: the limit is the account's.
    other = Client()
    assert _login(other, "hr_a", PASSWORD, ip="10.9.9.9").status_code == 429
    assert not _logged_in(other)


def test_the_account_is_counted_whatever_the_case_of_the_name(personas, client):
    for username in ["hr_a", "HR_A", "Hr_A", "hR_a", "HR_a"][:PER_ACCOUNT]:
        assert _login(client, username, WRONG).status_code == 200
    assert _login(client, "hr_a", PASSWORD).status_code == 429


def test_the_limit_ends_with_its_window(personas, client, monkeypatch):
    _use_up_account(client)
    assert _login(client, "hr_a", PASSWORD).status_code == 429
    later = timezone.now() + services.LOGIN_FAILURE_WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _login(client, "hr_a", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_successful_logins_do_not_use_up_the_limit(personas):
    for _ in range(PER_ACCOUNT * 2):
        client = Client()
        assert _login(client, "hr_a", PASSWORD).status_code == 302
    client = Client()
    _use_up_account(client)
    assert _login(client, "hr_a", PASSWORD).status_code == 429


def test_another_account_from_another_client_is_unaffected(personas, client):
    _use_up_account(client, "hr_a", ip="10.0.0.1")
    assert _login(client, "hr_a", PASSWORD, ip="10.0.0.1").status_code == 429
    other = Client()
    response = _login(other, "hr_b", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert _logged_in(other)


def test_the_client_is_limited_across_usernames(personas, client):
    for n in range(PER_CLIENT):
        assert _login(client, f"guess{n}", WRONG, ip="10.0.0.7").status_code == 200
    # A fresh account, the right password, the same client: refused.
    response = _login(client, "hr_b", PASSWORD, ip="10.0.0.7")
    assert response.status_code == 429
    assert not _logged_in(client)
    # The same account from another client is fine: no account was used up.
    other = Client()
    assert _login(other, "hr_b", PASSWORD, ip="10.0.0.8").status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(personas, client, settings):
    settings.JAMLIK = {**settings.JAMLIK, "TRUSTED_PROXIES": 0}
    # A client that makes up a new X-Forwarded-For for every try is still one client.
    for n in range(PER_CLIENT):
        response = _login(
            client, f"guess{n}", WRONG, ip="10.0.0.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
        assert response.status_code == 200
    response = _login(client, "hr_b", PASSWORD, ip="10.0.0.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_forwarded_for_names_the_client_behind_trusted_proxies(personas, client, settings):
    settings.JAMLIK = {**settings.JAMLIK, "TRUSTED_PROXIES": 1}
    proxy = "10.0.0.1"
    for n in range(PER_CLIENT):
        # The left entry is the client's own claim and changes; the proxy's entry does not.
        forwarded = f"6.6.6.{n}, 192.0.2.7"
        response = _login(client, f"guess{n}", WRONG, ip=proxy, HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 200
    limited = _login(client, "hr_b", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert limited.status_code == 429
    # Another client behind the same proxy is not the one limited.
    other = Client()
    response = _login(other, "hr_b", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert response.status_code == 302


def test_failures_and_refusals_are_audited_without_the_password(personas, client, caplog):
    caplog.set_level(logging.DEBUG)
    _use_up_account(client)
    _login(client, "hr_a", PASSWORD)
    _login(client, "nobody-by-that-name", WRONG)
    failed = AuditEntry.objects.filter(action="core.login.failed")
    limited = AuditEntry.objects.filter(action="core.login.limited")
    assert failed.count() == PER_ACCOUNT + 1
    assert limited.count() == 1
    entry = limited.get()
    assert entry.new["username"] == "hr_a" and entry.new["client"] == "10.0.0.1"
    assert entry.object_id == str(personas.coordinator_a.pk)
    assert failed.filter(new__username="nobody-by-that-name").exists()
    for entry in AuditEntry.objects.all():
        text = " ".join(
            str(v)
            for v in (entry.actor_label, entry.object_label, entry.object_id, entry.old, entry.new)
        )
        assert WRONG not in text and PASSWORD not in text
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "hr_a" not in logged and WRONG not in logged and PASSWORD not in logged
    assert "10.0.0.1" not in logged


def test_a_wrong_password_below_the_limit_still_shows_the_form_error(personas, client):
    """The limit changes nothing before it is reached; the 429 proves it is there at all."""
    response = _login(client, "hr_a", WRONG)
    assert response.status_code == 200
    assert SWEDISH not in response.content.decode()
    for _ in range(PER_ACCOUNT - 1):
        _login(client, "hr_a", WRONG)
    assert _login(client, "hr_a", WRONG).status_code == 429


def test_the_429_says_when_to_try_again(client):
    # Fixed 15-minute windows: Retry-After is the rest of the current one.
    for _ in range(6):
        response = client.post("/login/", {"username": "nobody-here", "password": "wrong"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
