"""Which address a rate limit counts."""

from django.test import RequestFactory

from jamlik.core.clientip import client_address


def test_without_proxies_the_socket_address_counts(settings):
    settings.JAMLIK = {**settings.JAMLIK, "TRUSTED_PROXIES": 0}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.5"


def test_behind_one_proxy_the_last_forwarded_entry_counts(settings):
    settings.JAMLIK = {**settings.JAMLIK, "TRUSTED_PROXIES": 1}
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7"
    )
    # The left entry is whatever the client claimed; only the proxy's own entry is trusted.
    assert client_address(request) == "192.0.2.7"


def test_missing_header_falls_back_to_the_socket(settings):
    settings.JAMLIK = {**settings.JAMLIK, "TRUSTED_PROXIES": 2}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert client_address(request) == "10.0.0.1"
