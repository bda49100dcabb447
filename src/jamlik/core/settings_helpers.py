"""Small pure helpers that settings.py uses to read the environment. No Django imports: the
settings module loads this before Django is configured."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def email_file_path(url: str) -> str:
    """The folder of a ``filemail://`` URL as written: ``filemail:///var/mail/jamlik`` is the
    absolute ``/var/mail/jamlik``, ``filemail://var/mail`` the relative ``var/mail``."""
    parts = urlsplit(url)
    return unquote(parts.netloc + parts.path)
