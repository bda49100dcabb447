"""The event's attendance chart, drawn on the server with ``core/svg.py``: one horizontal
bar per organisation with confirmed participants, the part that came solid and the no-shows
hatched after it, with "came/confirmed" at the end. The statistics page shows the same
figures as a table after the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jamlik.core import svg

WIDTH = 720
LABEL_WIDTH = 260
BAR_HEIGHT = 22
GAP = 10
TOP = 30
LABEL_CHARS = 34


def attendance_chart(rows: Sequence[Any], *, chart_id: str = "chart") -> SafeString:
    """``rows``: objects with ``name``, ``confirmed``, ``checked_in`` and ``no_shows``
    (``selectors.statistics_by_organisation``); rows without confirmed participants are left
    out."""
    count = len(rows)  # the description counts every organisation the table lists
    rows = [r for r in rows if r.confirmed]
    plot = WIDTH - LABEL_WIDTH - 60
    scale_max = max((r.confirmed for r in rows), default=0) or 1
    hatch = f"url(#{svg.esc(chart_id)}-hatch)"
    body = [
        svg.rect(LABEL_WIDTH, 6, 14, 14, fill=svg.BLUE),
        svg.text(LABEL_WIDTH + 20, 18, _("Came"), anchor=None),
        svg.rect(LABEL_WIDTH + 90, 6, 14, 14, fill=hatch, stroke=svg.RED),
        svg.text(LABEL_WIDTH + 110, 18, _("No-shows"), anchor=None),
    ]
    for index, row in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT * 0.7
        attended = round(plot * row.checked_in / scale_max, 1)
        no_shows = round(plot * row.no_shows / scale_max, 1)
        label = svg.truncate(row.name or _("External"), LABEL_CHARS)
        body += [
            "<g>",
            svg.text(LABEL_WIDTH - 8, text_y, label, anchor="end"),
            svg.rect(LABEL_WIDTH, y, attended, BAR_HEIGHT, fill=svg.BLUE),
            svg.rect(LABEL_WIDTH + attended, y, no_shows, BAR_HEIGHT, fill=hatch, stroke=svg.RED),
            svg.text(WIDTH - 50, text_y, f"{row.checked_in}/{row.checked_in + row.no_shows}",
                     anchor=None),
            "</g>",
        ]  # fmt: skip
    desc = ngettext(
        "A horizontal bar per organisation (%(n)s organisation): the dark part is those who "
        "came, the hatched part the no-shows. The same figures are in the table below.",
        "A horizontal bar per organisation (%(n)s organisations): the dark part is those who "
        "came, the hatched part the no-shows. The same figures are in the table below.",
        count,
    ) % {"n": count}
    return svg.document(
        chart_id=chart_id,
        width=WIDTH,
        height=TOP + len(rows) * (BAR_HEIGHT + GAP) + 10,
        title=_("Attendance per organisation"),
        desc=desc,
        body=body,
        defs=svg.hatch(
            f"{svg.esc(chart_id)}-hatch",
            size=6,
            background=svg.RED_LIGHT,
            stroke=svg.RED,
            stroke_width=3,
        ),
        css_class=None,
        size="fluid",
        preserve_aspect_ratio="xMinYMin meet",
        element_id=False,
        font=svg.FONT_UI,
        background=None,
    )
