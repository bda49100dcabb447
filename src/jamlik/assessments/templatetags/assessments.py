"""Template filters of the assessment pages: scores and rates in the same format as the
charts (one decimal, half up, the active language's decimal mark)."""

from __future__ import annotations

from typing import Any

from django import template

from jamlik.core import display

register = template.Library()


@register.filter
def score(value: Any) -> str:
    return display.fmt_score(value)


@register.filter
def percent(value: Any) -> str:
    """A fraction 0–1 as a percentage: 0.8 → 80,0 %."""
    return display.fmt_percent(value)


@register.filter
def rate(row: Any) -> str:
    """A progress row's submitted share as a percentage."""
    units = getattr(row, "units", 0)
    return display.fmt_percent(row.submitted / units if units else None)


@register.filter
def bar_width(row: Any) -> str:
    """The width of a progress bar's filled part, as a CSS percentage."""
    units = getattr(row, "units", 0)
    share = row.submitted / units if units else 0
    return f"{max(0.0, min(100.0, share * 100)):.1f}%"
