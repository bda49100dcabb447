"""Personal tokens never reach the logs."""

import logging

import pytest

from jamlik.core.logfilters import RedactTokens, redact


@pytest.mark.parametrize(
    "path",
    [
        "/m/AbCdEf123_-xyz/cancel",
        "/r/AbCdEf123_-xyz",
        "/api/v1/public/registrations/AbCdEf123_-xyz/calendar.ics",
        "/api/v1/public/links/AbCdEf123_-xyz/registrations",
        "/s/AbCdEf123_-xyz",
    ],
)
def test_tokens_in_paths_are_redacted(path):
    assert "AbCdEf123_-xyz" not in redact(path)


def test_filter_rewrites_django_request_records():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s",
        ("Conflict", "/api/v1/public/links/SECRETTOKEN/registrations"), None,
    )  # fmt: skip
    RedactTokens().filter(record)
    assert "SECRETTOKEN" not in record.getMessage()


def test_console_handler_has_the_filter():
    from django.conf import settings

    assert "redact_tokens" in settings.LOGGING["handlers"]["console"]["filters"]
