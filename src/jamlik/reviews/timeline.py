"""The review's timeline drawn on the server as SVG.

Milestones sit on a horizontal time axis with a line for today. Status is told three ways,
never by colour alone: the marker's shape (done: filled circle with a tick; due soon:
triangle; overdue: square with an exclamation mark; upcoming: hollow circle), the status
word under each label, and the legend. The SVG has ``role="img"`` with a ``<title>`` and a
``<desc>`` that reads the whole timeline in words; the page shows the same milestones as a
table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jamlik.reviews.models import MilestoneStatus

WIDTH = 800
PAD_X = 60
AXIS_Y = 70
ROW_HEIGHT = 44
LABEL_ROWS = 3
LABEL_CHARS = 26
CHAR_WIDTH = 7.6  # an average advance at font-size 13
FONT = "DejaVu Sans, Verdana, system-ui, sans-serif"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
COLOURS = {
    MilestoneStatus.DONE: "#1d6b33",
    MilestoneStatus.DUE_SOON: "#8a5a00",
    MilestoneStatus.OVERDUE: "#a4161a",
    MilestoneStatus.UPCOMING: "#0b4f8a",
}


def _fmt(day: dt.date) -> str:
    return formats.date_format(day, "Y-m-d")


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def marker(status: str, x: float, y: float) -> str:
    """The marker of one status at (x, y): a shape that reads without colour."""
    colour = COLOURS.get(status, INK)
    if status == MilestoneStatus.DONE:
        return (
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="9" fill="{colour}"/>'
            f'<path d="M{_num(x - 4.5)} {_num(y)} l3 3.5 l6 -7" fill="none" stroke="#fff" '
            f'stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    if status == MilestoneStatus.DUE_SOON:
        return (
            f'<path d="M{_num(x)} {_num(y - 10)} L{_num(x + 10)} {_num(y + 8)} '
            f'L{_num(x - 10)} {_num(y + 8)} Z" fill="#fff" stroke="{colour}" stroke-width="3"/>'
        )
    if status == MilestoneStatus.OVERDUE:
        return (
            f'<rect x="{_num(x - 9)}" y="{_num(y - 9)}" width="18" height="18" fill="{colour}"/>'
            f'<text x="{_num(x)}" y="{_num(y + 5)}" text-anchor="middle" font-weight="bold" '
            f'font-size="14" fill="#fff">!</text>'
        )
    return (
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="8" fill="#fff" stroke="{colour}" '
        f'stroke-width="3"/>'
    )


def legend_svg(status: str) -> SafeString:
    """A small marker for the table's status column and the legend (decorative there)."""
    return mark_safe(
        f'<svg class="marker" width="22" height="22" viewBox="0 0 22 22" aria-hidden="true" '
        f'focusable="false">{marker(status, 11, 11)}</svg>'
    )


def timeline_svg(
    milestones: Sequence[Any], *, today: dt.date, title: str, chart_id: str = "timeline"
) -> SafeString:
    """``milestones``: objects with ``title``, ``due``, ``done`` and ``status_on(today)``."""
    labels = dict(MilestoneStatus.choices)
    items = sorted(milestones, key=lambda m: (m.due, getattr(m, "order", 0), m.pk or 0))
    if items:
        first = min(items[0].due, today)
        last = max(items[-1].due, today)
    else:
        first = last = today
    span = max((last - first).days, 1)
    left, right = PAD_X, WIDTH - PAD_X

    def x_of(day: dt.date) -> float:
        return left + (right - left) * (day - first).days / span

    rows = min(LABEL_ROWS, max(1, len(items)))
    height = AXIS_Y + 30 + rows * ROW_HEIGHT + 40
    parts: list[str] = [
        f'<line x1="{left - 20}" y1="{AXIS_Y}" x2="{right + 20}" y2="{AXIS_Y}" '
        f'stroke="{MUTED}" stroke-width="2"/>',
    ]
    # Today.
    today_label = pgettext("timeline", "Today")
    tx = x_of(today)
    parts.append(
        f'<line x1="{_num(tx)}" y1="{AXIS_Y - 45}" x2="{_num(tx)}" y2="{height - 40}" '
        f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 4"/>'
    )
    parts.append(
        f'<text x="{_num(tx)}" y="{AXIS_Y - 50}" text-anchor="middle" font-size="13" '
        f'font-weight="bold" fill="{INK}">{escape(today_label)} {escape(_fmt(today))}</text>'
    )
    descriptions = []
    for i, milestone in enumerate(items):
        status = milestone.status_on(today)
        x = x_of(milestone.due)
        label_y = AXIS_Y + 34 + (i % rows) * ROW_HEIGHT
        # Anchor the label so that it stays inside the drawing (a rough width estimate).
        half = (len(_short(milestone.title)) + 11) * CHAR_WIDTH / 2
        anchor = "start" if x - half < 4 else "end" if x + half > WIDTH - 4 else "middle"
        parts.append(
            f'<line x1="{_num(x)}" y1="{AXIS_Y}" x2="{_num(x)}" y2="{label_y - 14}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
        parts.append(marker(status, x, AXIS_Y))
        parts.append(
            f'<text x="{_num(x)}" y="{label_y}" text-anchor="{anchor}" font-size="13" '
            f'fill="{INK}"><tspan font-weight="bold">{escape(_fmt(milestone.due))}</tspan> '
            f"{escape(_short(milestone.title))}</text>"
        )
        parts.append(
            f'<text x="{_num(x)}" y="{label_y + 16}" text-anchor="{anchor}" font-size="12" '
            f'fill="{MUTED}">{escape(labels[status])}</text>'
        )
        descriptions.append(f"{_fmt(milestone.due)} {milestone.title}: {labels[status]}")
    # Legend: shape and word for every status.
    lx = left - 20
    ly = height - 16
    for status in (
        MilestoneStatus.DONE,
        MilestoneStatus.DUE_SOON,
        MilestoneStatus.OVERDUE,
        MilestoneStatus.UPCOMING,
    ):
        parts.append(marker(status, lx + 10, ly - 4))
        parts.append(
            f'<text x="{lx + 26}" y="{ly + 1}" font-size="12" fill="{INK}">'
            f"{escape(labels[status])}</text>"
        )
        lx += 40 + 8 * len(str(labels[status]))

    if descriptions:
        desc = _("Timeline with %(n)s milestones; today is %(today)s. %(items)s.") % {
            "n": len(items),
            "today": _fmt(today),
            "items": "; ".join(descriptions),
        }
    else:
        desc = _("The review has no milestones yet.")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{''.join(parts)}</svg>"
    )
    return mark_safe(svg)
