"""Small pure helpers that settings.py uses to read the environment. No Django imports: the
settings module loads this before Django is configured."""

from __future__ import annotations

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
