"""A framework's texts in the active language.

Frameworks are written in Swedish; each text may carry an English one beside it, in a field
of the same name with ``_en`` (``Area.title_en``, ``Requirement.text_en``, a scale option's
``label_en``, …). ``localized`` is the one accessor every page, report, chart and export
uses: the English text when the active language is English and it is not blank, else the
Swedish one. The Swedish text stays the authoritative wording (and what the API's unsuffixed
fields carry); a framework without English texts simply shows Swedish.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation

ENGLISH_SUFFIX = "_en"


def english_active() -> bool:
    """Whether the active language is English (``en``, ``en-gb``, …)."""
    return (translation.get_language() or "").lower().startswith("en")


def localized(obj: Any, field: str) -> str:
    """``obj``'s text ``field`` in the active language: ``<field>_en`` when English is active
    and that text is not blank, else ``<field>``. ``obj`` is a model instance, any object with
    those attributes (the summary's results) or a mapping (a scale option: ``label`` and
    ``label_en``); a missing text is "" (a missing English one falls back to Swedish)."""
    if isinstance(obj, Mapping):
        swedish, english = obj.get(field), obj.get(field + ENGLISH_SUFFIX)
    else:
        swedish = getattr(obj, field, "")
        english = getattr(obj, field + ENGLISH_SUFFIX, None)
    if english and str(english).strip() and english_active():
        return str(english)
    return "" if swedish is None else str(swedish)
