"""The language of a request, for what is answered or mailed in it: ``sv`` or ``en``.

``LocaleMiddleware`` picks it from the language cookie or ``Accept-Language`` (docs/api.md#language)
and sets ``request.LANGUAGE_CODE``; anything but English is Swedish, the default."""

from __future__ import annotations

from typing import Any

from django.utils import translation

LANGUAGES = ("sv", "en")
DEFAULT = "sv"


def request_language(request: Any = None) -> str:
    """``en`` when the request's language is English (``en``, ``en-gb``, …), else ``sv``.
    Without a request (or one that did not pass the middleware), the active language."""
    code = getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or DEFAULT
    return "en" if code.lower().startswith("en") else DEFAULT
