"""The review's timeline drawn on the server as SVG.

Milestones sit on a horizontal time axis with a line for today. Status is told three ways,
never by colour alone: the marker's shape (done: filled circle with a tick; due soon:
triangle; overdue: square with an exclamation mark; upcoming: hollow circle), the status
word under each label, and the legend. The SVG has ``role="img"`` with a ``<title>`` and a
``<desc>`` that reads the whole timeline in words; the page shows the same milestones as a
table beside it. Drawn with ``core/svg.py``'s kit, dates in ``core.display``'s format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jamlik.core import svg
from jamlik.core.display import fmt_date as _fmt
from jamlik.core.svg import INK, MUTED, WHITE, num
from jamlik.reviews.models import MilestoneStatus

WIDTH = 800
PAD_X = 60
AXIS_Y = 70
ROW_HEIGHT = 44
LABEL_ROWS = 3
LABEL_CHARS = 26
CHAR_WIDTH = 7.6  # an average advance at font-size 13
COLOURS: dict[str, str] = {
    MilestoneStatus.DONE: svg.GREEN,
    MilestoneStatus.DUE_SOON: svg.AMBER,
    MilestoneStatus.OVERDUE: svg.RED,
    MilestoneStatus.UPCOMING: svg.BLUE,
}


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return svg.truncate(text, limit)


def marker(status: str, x: float, y: float) -> str:
    """The marker of one status at (x, y): a shape that reads without colour."""
    colour = COLOURS.get(status, INK)
    if status == MilestoneStatus.DONE:
        return (
            f'<circle cx="{num(x)}" cy="{num(y)}" r="9" fill="{colour}"/>'
            f'<path d="M{num(x - 4.5)} {num(y)} l3 3.5 l6 -7" fill="none" stroke="{WHITE}" '
            f'stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    if status == MilestoneStatus.DUE_SOON:
        return (
            f'<path d="M{num(x)} {num(y - 10)} L{num(x + 10)} {num(y + 8)} '
            f'L{num(x - 10)} {num(y + 8)} Z" fill="{WHITE}" stroke="{colour}" stroke-width="3"/>'
        )
    if status == MilestoneStatus.OVERDUE:
        return svg.rect(x - 9, y - 9, 18, 18, fill=colour) + svg.text(
            x, y + 5, "!", anchor="middle", fill=WHITE, weight="bold", size=14
        )
    return (
        f'<circle cx="{num(x)}" cy="{num(y)}" r="8" fill="{WHITE}" stroke="{colour}" '
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
    parts: list[str] = [svg.line(left - 20, AXIS_Y, right + 20, AXIS_Y, stroke=MUTED, width=2)]
    # Today.
    today_label = f"{pgettext('timeline', 'Today')} {_fmt(today)}"
    tx = x_of(today)
    parts.append(svg.line(tx, AXIS_Y - 45, tx, height - 40, stroke=INK, width=1.5, dasharray="5 4"))
    parts.append(svg.text(tx, AXIS_Y - 50, today_label, anchor="middle", weight="bold", size=13))
    descriptions = []
    for i, milestone in enumerate(items):
        status = milestone.status_on(today)
        x = x_of(milestone.due)
        label_y = AXIS_Y + 34 + (i % rows) * ROW_HEIGHT
        # Anchor the label so that it stays inside the drawing (a rough width estimate).
        half = (len(_short(milestone.title)) + 11) * CHAR_WIDTH / 2
        anchor = "start" if x - half < 4 else "end" if x + half > WIDTH - 4 else "middle"
        parts.append(svg.line(x, AXIS_Y, x, label_y - 14, stroke=MUTED))
        parts.append(marker(status, x, AXIS_Y))
        label = (
            f"{svg.tspan(_fmt(milestone.due), weight='bold')} {svg.esc(_short(milestone.title))}"
        )
        parts.append(svg.text(x, label_y, label, anchor=anchor, size=13, markup=True))
        parts.append(svg.text(x, label_y + 16, labels[status], anchor=anchor, fill=MUTED, size=12))
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
        parts.append(svg.text(lx + 26, ly + 1, labels[status], anchor=None, size=12))
        lx += 40 + 8 * len(str(labels[status]))

    if descriptions:
        desc = _("Timeline with %(n)s milestones; today is %(today)s. %(items)s.") % {
            "n": len(items),
            "today": _fmt(today),
            "items": "; ".join(descriptions),
        }
    else:
        desc = _("The review has no milestones yet.")
    return svg.document(
        chart_id=chart_id, width=WIDTH, height=height, title=title, desc=desc, body=parts,
        css_class="timeline", size="none", element_id=False, font_size=None, background=None,
    )  # fmt: skip
