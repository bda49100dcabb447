"""Numbers and dates written for people: one place for the formats the charts, the reports
and the exports show (the page templates use Django's own filters on the same
``core/formats`` locale files).

Scores and percentages have one decimal, rounded half up, in the active language's format
(66,7 in Swedish, 66.7 in English); dates are ISO (2021-03-26) in every language; times are
local (Stockholm) with the 24-hour clock.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone

MISSING = "–"  # what a table shows for no value


def round_half_up(value: float, places: int = 1) -> Decimal:
    """Rounding as people do it (66,65 → 66,7), not the float's half-to-even."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def fmt_decimal(value: float | None, places: int = 1) -> str:
    """``value`` with ``places`` decimals in the active language's format (66,7 in Swedish)."""
    if value is None:
        return MISSING
    return formats.number_format(round_half_up(value, places), decimal_pos=places, use_l10n=True)


def fmt_score(value: float | None) -> str:
    """A score (0–100) with one decimal in the active language's format."""
    return fmt_decimal(value, 1)


def fmt_change(value: float | None) -> str:
    """A change in points with its sign (+12,5, −3,0, 0,0); the minus is a real minus."""
    if value is None:
        return MISSING
    text = fmt_score(abs(value))
    rounded = round_half_up(value)
    if rounded > 0:
        return f"+{text}"
    if rounded < 0:
        return f"−{text}"
    return text


def fmt_percent(fraction: float | None) -> str:
    """A share (0–1) as a percentage with one decimal and a no-break space: 66,7 %."""
    if fraction is None:
        return MISSING
    return f"{fmt_score(fraction * 100)}\u00a0%"


def fmt_date(day: dt.date) -> str:
    """A date as ISO, whatever the language: 2021-03-26."""
    return formats.date_format(day, "Y-m-d")


def fmt_local_date(value: dt.datetime) -> str:
    """An aware time's local (Stockholm) date as ISO."""
    return fmt_date(timezone.localtime(value))


def fmt_local_datetime(value: dt.datetime | None) -> str:
    """An aware time as local date and 24-hour time: 2021-03-26 09:30; empty for none."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_local_time(value: dt.datetime) -> str:
    """An aware time's local clock time: 09:30."""
    return timezone.localtime(value).strftime("%H:%M")
