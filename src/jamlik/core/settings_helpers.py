"""Small pure helpers that settings.py uses to read the environment. No Django imports: the
settings module loads this before Django is configured."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit


def email_file_path(url: str) -> str:
    """The folder of a ``filemail://`` URL as written: ``filemail:///var/mail/jamlik`` is the
    absolute ``/var/mail/jamlik``, ``filemail://var/mail`` the relative ``var/mail``."""
    parts = urlsplit(url)
    return unquote(parts.netloc + parts.path)


def origin_of(url: str) -> str:
    """``https://login.example/tenant/v2.0`` → ``https://login.example`` (a CSP source)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """``LOGGING``: one console handler, the plain text lines (``LOG_FORMAT=text``, the
    default) or one JSON object a line (``json``, core/jsonlog.py). Both go through the
    filters of core/logfilters.py (no template context, no personal link tokens); the request
    id is put on every record (core/requestid.py)."""
    if log_format not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be text or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "jamlik.core.jsonlog.JsonFormatter"},
        },
        "filters": {
            "redact_tokens": {"()": "jamlik.core.logfilters.RedactTokens"},
            "drop_template_lookups": {"()": "jamlik.core.logfilters.DropTemplateLookups"},
            "request_id": {"()": "jamlik.core.requestid.AddRequestId"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "plain",
                "filters": ["drop_template_lookups", "redact_tokens", "request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
