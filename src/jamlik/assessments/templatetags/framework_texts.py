"""``{{ requirement|localized:"text" }}``: a framework's text in the active language
(``assessments.texts.localized``, the English text when English is active and given)."""

from __future__ import annotations

from typing import Any

from django import template

from jamlik.assessments.texts import localized as _localized

register = template.Library()


@register.filter
def localized(obj: Any, field: str) -> str:
    return _localized(obj, field)
