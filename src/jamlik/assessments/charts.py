"""Charts of the self-assessment results, drawn on the server as SVG.

Four charts: the distribution of answers per requirement (horizontal stacked bars), the
score per area (bars), organisations × areas (heat map) and a comparison with an earlier
campaign (paired bars). Each function returns SVG markup with ``role="img"``, a ``<title>``
and a ``<desc>``; it is sized by its ``viewBox`` so it scales down on phones and prints in
the PDF report. The charts read in grey scale: lightness grows with the score, answers
without a score are patterned, and every bar and cell carries its number as text. Each chart
has a function returning the matching data table (:class:`DataTable`), which the page and
the report show beside it.

The functions take plain data (labels and numbers), never models, and escape every text.
Scores are on 0–100 (API.md's normalised score); ``None`` means "no scored answers".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 800
PAD = 10
FONT = "DejaVu Sans, Verdana, system-ui, sans-serif"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c4c9cf"
OUTLINE = "#4a4a4a"
CHAR_WIDTH = 7.8  # a generous average advance of the 13-unit font, to truncate long labels

# Characters XML 1.0 does not allow (a hostile label must not break the document).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# ---------------------------------------------------------------------------------------
# Data the charts take


@dataclass(frozen=True)
class Segment:
    """One answer value in a requirement's distribution."""

    label: str
    count: int
    level: float | None  # the value's normalised score as 0–1; None: no score (n/a, don't know)
    value: str = ""


@dataclass(frozen=True)
class DistributionRow:
    label: str
    segments: Sequence[Segment]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)


@dataclass(frozen=True)
class ScoreRow:
    label: str
    score: float | None
    answers: int | None = None  # how many scored answers the score pools, when known


@dataclass(frozen=True)
class HeatRow:
    label: str
    scores: Sequence[float | None]  # one per column, in column order


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    previous: float | None
    current: float | None

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class DataTable:
    """A chart's data as a table: ``rows`` are (row header, cells)."""

    caption: str
    columns: Sequence[str]  # the first names the row-header column
    rows: Sequence[tuple[str, Sequence[str]]] = field(default_factory=list)
    numeric: bool = True  # the cells are numbers (right-aligned)


# ---------------------------------------------------------------------------------------
# Text helpers


def clean(text: Any) -> str:
    return _XML_INVALID.sub("", str(text))


def esc(text: Any) -> str:
    return str(escape(clean(text)))


def truncate(text: Any, max_chars: int) -> str:
    text = " ".join(clean(text).split())
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "…"


def wrap(text: Any, max_chars: int, max_lines: int) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines; the last one truncated."""
    words = " ".join(clean(text).split()).split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= max_chars or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [truncate(line, max_chars) for line in lines] or [""]


def fmt_score(value: float | None) -> str:
    """A score with one decimal in the active language's format (66,7 in Swedish)."""
    if value is None:
        return "–"
    return formats.number_format(round_half_up(value), decimal_pos=1, use_l10n=True)


def round_half_up(value: float, places: int = 1) -> Decimal:
    """Rounding as people do it (66,65 → 66,7), not the float's half-to-even."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def fmt_change(value: float | None) -> str:
    if value is None:
        return "–"
    text = fmt_score(abs(value))
    rounded = round_half_up(value)
    if rounded > 0:
        return f"+{text}"
    if rounded < 0:
        return f"−{text}"
    return text


def fmt_percent(fraction: float | None) -> str:
    if fraction is None:
        return "–"
    return f"{fmt_score(fraction * 100)}\u00a0%"


def _num(value: float) -> str:
    """A coordinate: short, locale-independent."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------------
# Colours and patterns (lightness carries the order, so grey-scale prints still read)

_RAMP = [  # light → dark, ColorBrewer "Blues"-like, each step clearly darker in grey
    (0xF4, 0xF8, 0xFC),
    (0xC6, 0xDB, 0xEF),
    (0x85, 0xB3, 0xD9),
    (0x42, 0x85, 0xC2),
    (0x17, 0x5A, 0x9E),
    (0x08, 0x30, 0x6B),
]


def level_colour(level: float) -> str:
    level = min(1.0, max(0.0, level))
    position = level * (len(_RAMP) - 1)
    low = int(position)
    high = min(low + 1, len(_RAMP) - 1)
    t = position - low
    rgb = [round(a + (b - a) * t) for a, b in zip(_RAMP[low], _RAMP[high], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_colour_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill``."""
    lum = _luminance(fill)
    with_white = 1.05 / (lum + 0.05)
    with_black = (lum + 0.05) / 0.05
    return "#ffffff" if with_white > with_black else INK


def _patterns(prefix: str) -> str:
    """Hatching for answers without a score and for earlier campaigns."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="8" height="8" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#8a929b" stroke-width="2.5"/></pattern>'
        f'<pattern id="{prefix}-dots" width="7" height="7" patternUnits="userSpaceOnUse">'
        '<rect width="7" height="7" fill="#ffffff"/>'
        '<circle cx="3.5" cy="3.5" r="1.4" fill="#6b7280"/></pattern>'
        f'<pattern id="{prefix}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="#eef1f4"/>'
        '<path d="M0 0L8 8M8 0L0 8" stroke="#8a929b" stroke-width="1.2"/></pattern>'
        f'<pattern id="{prefix}-previous" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)">'
        '<rect width="6" height="6" fill="#dfe3e8"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#4a4a4a" stroke-width="2"/></pattern>'
        "</defs>"
    )


# ---------------------------------------------------------------------------------------
# The SVG frame


def _frame(
    *,
    chart_id: str,
    height: float,
    title: str,
    desc: str,
    body: list[str],
    defs: str = "",
    width: float = WIDTH,
) -> SafeString:
    cid = esc(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
        f'height="{_num(height)}" '
        f'aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="{FONT}" font-size="13" id="{cid}">',
        f'<title id="{cid}-title">{esc(title)}</title>',
        f'<desc id="{cid}-desc">{esc(desc)}</desc>',
        defs,
        f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
        *body,
        "</svg>",
    ]
    # Every text above went through esc().
    return mark_safe("".join(parts))


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
    size: int | None = None,
) -> str:
    extra = ""
    if weight:
        extra += f' font-weight="{weight}"'
    if size:
        extra += f' font-size="{size}"'
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{esc(content)}</text>"
    )


def _empty(chart_id: str, title: str, desc: str) -> SafeString:
    return _frame(
        chart_id=chart_id,
        height=60,
        title=title,
        desc=desc,
        body=[_text(WIDTH / 2, 35, _("No data to show yet."), anchor="middle", fill=MUTED)],
    )


def _legend(items: list[tuple[str, str]], *, y: float) -> tuple[list[str], float]:
    """Swatches with labels in rows; returns the parts and the y below the legend."""
    parts: list[str] = []
    x = PAD
    row_height = 22
    for fill, label in items:
        label = truncate(label, 40)
        width = 18 + 6 + len(label) * CHAR_WIDTH + 18
        if x + width > WIDTH - PAD and x > PAD:
            x = PAD
            y += row_height
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="16" height="16" fill="{fill}" '
            f'stroke="{OUTLINE}" stroke-width="1"/>'
        )
        parts.append(_text(x + 22, y + 13, label))
        x += width
    return parts, y + row_height + 6


# ---------------------------------------------------------------------------------------
# 1. Distribution of answers per requirement


def _segment_fill(segment: Segment, prefix: str) -> str:
    if segment.level is None:
        # Two kinds of unscored answers get two patterns (n/a and don't know).
        return f"url(#{prefix}-dots)" if segment.value == "dont_know" else f"url(#{prefix}-hatch)"
    return level_colour(segment.level)


def _segment_text_fill(segment: Segment) -> str:
    if segment.level is None:
        return INK
    return text_colour_on(level_colour(segment.level))


def distribution_chart(
    rows: Sequence[DistributionRow],
    *,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str = "distribution",
) -> SafeString:
    title = title or _("Distribution of answers per requirement")
    if not rows or not any(r.total for r in rows):
        return _empty(chart_id, title, desc or _("No submitted answers yet."))
    prefix = esc(chart_id)
    # The legend: every distinct answer label, in the order met, with its fill.
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        for seg in row.segments:
            seen.setdefault((_segment_fill(seg, prefix), seg.label), None)
    body, y = _legend(list(seen), y=PAD)
    bar_width = WIDTH - 2 * PAD - 60
    bar_height = 24
    for row in rows:
        body.append(_text(PAD, y + 12, truncate(row.label, int((WIDTH - 2 * PAD) / CHAR_WIDTH))))
        top = y + 18
        total = row.total
        if total == 0:
            body.append(
                f'<rect x="{PAD}" y="{_num(top)}" width="{bar_width}" height="{bar_height}" '
                f'fill="#ffffff" stroke="{OUTLINE}" stroke-dasharray="4 3"/>'
            )
            body.append(_text(PAD + 8, top + 16, _("No answers"), fill=MUTED))
        else:
            x = float(PAD)
            for seg in row.segments:
                if seg.count <= 0:
                    continue
                width = bar_width * seg.count / total
                body.append(
                    f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(width)}" '
                    f'height="{bar_height}" fill="{_segment_fill(seg, prefix)}" '
                    f'stroke="#ffffff" stroke-width="1.5"/>'
                )
                number = str(seg.count)
                if width >= len(number) * CHAR_WIDTH + 8:
                    if seg.level is None:
                        # A white box behind the number keeps it readable on the pattern.
                        box = len(number) * CHAR_WIDTH + 6
                        body.append(
                            f'<rect x="{_num(x + width / 2 - box / 2)}" y="{_num(top + 4)}" '
                            f'width="{_num(box)}" height="16" fill="#ffffff"/>'
                        )
                    body.append(
                        _text(
                            x + width / 2,
                            top + 17,
                            number,
                            anchor="middle",
                            fill=_segment_text_fill(seg),
                        )
                    )
                x += width
            body.append(
                f'<rect x="{PAD}" y="{_num(top)}" width="{bar_width}" height="{bar_height}" '
                f'fill="none" stroke="{OUTLINE}" stroke-width="1"/>'
            )
        body.append(_text(PAD + bar_width + 8, top + 17, f"n = {total}", fill=MUTED))
        y = top + bar_height + 12
    if desc is None:
        answered = sum(r.total for r in rows)
        desc = _(
            "Stacked bars, one per requirement, of %(rows)s requirements and %(answers)s "
            "answers in all. The numbers in the bars are the counts of each answer; the "
            "table after the chart lists every count."
        ) % {"rows": len(rows), "answers": answered}
    return _frame(
        chart_id=chart_id, height=y + PAD, title=title, desc=desc, body=body, defs=_patterns(prefix)
    )


def distribution_table(
    rows: Sequence[DistributionRow],
    *,
    values: Sequence[str] | None = None,
    caption: str | None = None,
) -> DataTable:
    """One column per answer label (``values`` fixes their order), then the total."""
    labels = list(values) if values else []
    if not labels:
        for row in rows:
            for seg in row.segments:
                if seg.label not in labels:
                    labels.append(seg.label)
    out = []
    for row in rows:
        counts = {seg.label: seg.count for seg in row.segments}
        out.append(
            (
                clean(row.label),
                [str(counts[label]) if label in counts else "–" for label in labels]
                + [str(row.total)],
            )
        )
    return DataTable(
        caption=caption or _("Distribution of answers per requirement"),
        columns=[_("Requirement"), *labels, _("Answers")],
        rows=out,
    )


# ---------------------------------------------------------------------------------------
# 2. Score per area (or per any set of labelled scores)


def _axis(top: float, bottom: float, left: float, width: float) -> list[str]:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = left + width * tick / 100
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" y2="{_num(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(x, bottom + 14, str(tick), anchor="middle", fill=MUTED, size=11))
    return parts


def score_chart(
    rows: Sequence[ScoreRow],
    *,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str = "scores",
) -> SafeString:
    title = title or _("Score per area (0–100)")
    if not rows:
        return _empty(chart_id, title, desc or _("No areas to show."))
    left = PAD
    bar_width = WIDTH - 2 * PAD - 70
    bar_height = 22
    y = PAD
    bars: list[str] = []
    for row in rows:
        bars.append(_text(left, y + 12, truncate(row.label, int((WIDTH - 2 * PAD) / CHAR_WIDTH))))
        top = y + 18
        if row.score is None:
            bars.append(_text(left + 4, top + 16, _("No score (no scored answers)"), fill=MUTED))
        else:
            width = bar_width * max(0.0, min(100.0, row.score)) / 100
            fill = level_colour(row.score / 100)
            bars.append(
                f'<rect x="{left}" y="{_num(top)}" width="{_num(max(width, 1))}" '
                f'height="{bar_height}" fill="{fill}" stroke="{OUTLINE}" stroke-width="1"/>'
            )
            bars.append(_text(left + width + 6, top + 16, fmt_score(row.score), weight="bold"))
        y = top + bar_height + 12
    body = _axis(PAD + 16, y - 8, left, bar_width) + bars
    if desc is None:
        scored = [r for r in rows if r.score is not None]
        if scored:
            best = max(scored, key=lambda r: r.score or 0)
            worst = min(scored, key=lambda r: r.score or 0)
            desc = _(
                "Bars of %(n)s scores on a scale from 0 to 100. Highest: %(best)s with "
                "%(best_score)s. Lowest: %(worst)s with %(worst_score)s."
            ) % {
                "n": len(rows),
                "best": clean(best.label),
                "best_score": fmt_score(best.score),
                "worst": clean(worst.label),
                "worst_score": fmt_score(worst.score),
            }
        else:
            desc = _("No scored answers yet.")
    return _frame(chart_id=chart_id, height=y + 14 + PAD, title=title, desc=desc, body=body)


def score_table(
    rows: Sequence[ScoreRow], *, caption: str | None = None, label_column: str | None = None
) -> DataTable:
    with_counts = any(r.answers is not None for r in rows)
    columns = [label_column or _("Area"), _("Score (0–100)")]
    if with_counts:
        columns.append(_("Scored answers"))
    out = []
    for row in rows:
        cells = [fmt_score(row.score)]
        if with_counts:
            cells.append("–" if row.answers is None else str(row.answers))
        out.append((clean(row.label), cells))
    return DataTable(caption=caption or _("Score per area"), columns=columns, rows=out)


# ---------------------------------------------------------------------------------------
# 3. Organisations × areas heat map


def heatmap_chart(
    columns: Sequence[str],
    rows: Sequence[HeatRow],
    *,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str = "heatmap",
) -> SafeString:
    title = title or _("Score per organisation and area (0–100)")
    if not rows or not columns:
        return _empty(chart_id, title, desc or _("No organisations to show."))
    prefix = esc(chart_id)
    label_width = 220
    cell_w = max(44.0, min(110.0, (WIDTH - 2 * PAD - label_width) / len(columns)))
    cell_h = 30
    header_lines = [wrap(c, max(4, int(cell_w / 6.6)), 3) for c in columns]
    header_h = 14 * max(len(lines) for lines in header_lines) + 8
    body: list[str] = []
    for index, lines in enumerate(header_lines):
        cx = PAD + label_width + cell_w * index + cell_w / 2
        for line_no, line in enumerate(lines):
            body.append(_text(cx, PAD + 12 + 14 * line_no, line, anchor="middle", size=11))
    top = PAD + header_h
    for r_index, row in enumerate(rows):
        y = top + cell_h * r_index
        body.append(_text(PAD, y + 20, truncate(row.label, int((label_width - 10) / CHAR_WIDTH))))
        for c_index in range(len(columns)):
            score = row.scores[c_index] if c_index < len(row.scores) else None
            x = PAD + label_width + cell_w * c_index
            if score is None:
                fill, ink = f"url(#{prefix}-cross)", INK
            else:
                fill = level_colour(score / 100)
                ink = text_colour_on(fill)
            body.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(cell_w)}" height="{cell_h}" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
            )
            if score is None:
                body.append(
                    f'<rect x="{_num(x + cell_w / 2 - 9)}" y="{_num(y + 7)}" width="18" '
                    f'height="16" fill="#ffffff"/>'
                )
            body.append(
                _text(x + cell_w / 2, y + 20, fmt_score(score), anchor="middle", fill=ink, size=12)
            )
    bottom = top + cell_h * len(rows)
    # A scale key: five steps from 0 to 100, and the pattern for "no score".
    key_y = bottom + 12
    steps = [0, 25, 50, 75, 100]
    for i, step in enumerate(steps):
        x = PAD + i * 54
        fill = level_colour(step / 100)
        body.append(
            f'<rect x="{x}" y="{_num(key_y)}" width="50" height="18" fill="{fill}" '
            f'stroke="{OUTLINE}" stroke-width="1"/>'
        )
        body.append(
            _text(
                x + 25, key_y + 13, str(step), anchor="middle", fill=text_colour_on(fill), size=11
            )
        )
    nx = PAD + len(steps) * 54 + 10
    body.append(
        f'<rect x="{nx}" y="{_num(key_y)}" width="50" height="18" fill="url(#{prefix}-cross)" '
        f'stroke="{OUTLINE}" stroke-width="1"/>'
    )
    body.append(_text(nx + 58, key_y + 13, _("– no scored answers"), size=11))
    height = key_y + 18 + PAD
    width_used = PAD + label_width + cell_w * len(columns) + PAD
    if desc is None:
        values = [s for row in rows for s in row.scores if s is not None]
        desc = _(
            "Heat map of %(rows)s organisations and %(cols)s areas. Each cell shows the score "
            "from 0 to 100 as a number; darker cells have higher scores."
        ) % {"rows": len(rows), "cols": len(columns)}
        if values:
            desc += " " + _("Scores range from %(low)s to %(high)s.") % {
                "low": fmt_score(min(values)),
                "high": fmt_score(max(values)),
            }
    # Narrow maps keep their own width rather than being drawn tiny in a wide frame.
    return _frame(
        chart_id=chart_id,
        height=height,
        title=title,
        desc=desc,
        body=body,
        defs=_patterns(prefix),
        width=max(520.0, min(WIDTH, width_used)),
    )


def heatmap_table(
    columns: Sequence[str], rows: Sequence[HeatRow], *, caption: str | None = None
) -> DataTable:
    return DataTable(
        caption=caption or _("Score per organisation and area"),
        columns=[_("Organisation"), *[clean(c) for c in columns]],
        rows=[(clean(r.label), [fmt_score(s) for s in r.scores]) for r in rows],
    )


# ---------------------------------------------------------------------------------------
# 4. Comparison with an earlier campaign


def comparison_chart(
    rows: Sequence[ComparisonRow],
    *,
    previous_label: str | None = None,
    current_label: str | None = None,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str = "comparison",
) -> SafeString:
    title = title or _("Comparison with the earlier campaign (0–100)")
    if not rows:
        return _empty(chart_id, title, desc or _("Nothing to compare."))
    prefix = esc(chart_id)
    previous_label = previous_label or _("Earlier campaign")
    current_label = current_label or _("This campaign")
    body, y = _legend(
        [(f"url(#{prefix}-previous)", previous_label), (level_colour(0.8), current_label)], y=PAD
    )
    legend_bottom = y
    left = PAD
    bar_width = WIDTH - 2 * PAD - 140
    bar_h = 16
    bars: list[str] = []
    for row in rows:
        bars.append(_text(left, y + 12, truncate(row.label, int((WIDTH - 2 * PAD) / CHAR_WIDTH))))
        top = y + 18
        for offset, value, fill in (
            (0, row.previous, f"url(#{prefix}-previous)"),
            (bar_h + 3, row.current, level_colour(0.8)),
        ):
            by = top + offset
            if value is None:
                bars.append(_text(left + 4, by + 12, "–", fill=MUTED, size=12))
                continue
            width = bar_width * max(0.0, min(100.0, value)) / 100
            bars.append(
                f'<rect x="{left}" y="{_num(by)}" width="{_num(max(width, 1))}" '
                f'height="{bar_h}" fill="{fill}" stroke="{OUTLINE}" stroke-width="1"/>'
            )
            bars.append(_text(left + width + 6, by + 12, fmt_score(value), size=12))
        change = row.change
        bars.append(
            _text(
                WIDTH - PAD,
                top + bar_h + 6,
                _("change %(change)s") % {"change": fmt_change(change)},
                anchor="end",
                weight="bold",
                size=12,
            )
        )
        y = top + 2 * bar_h + 3 + 14
    body += _axis(legend_bottom + 16, y - 8, left, bar_width) + bars
    if desc is None:
        changed = [r for r in rows if r.change is not None]
        desc = _(
            "Paired bars for %(n)s items: the hatched bar is %(previous)s, the solid bar "
            "%(current)s, on a scale from 0 to 100, with the change in points."
        ) % {"n": len(rows), "previous": clean(previous_label), "current": clean(current_label)}
        if changed:
            up = max(changed, key=lambda r: r.change or 0)
            down = min(changed, key=lambda r: r.change or 0)
            desc += " " + _(
                "Largest rise: %(up)s (%(up_change)s). Largest fall: %(down)s (%(down_change)s)."
            ) % {
                "up": clean(up.label),
                "up_change": fmt_change(up.change),
                "down": clean(down.label),
                "down_change": fmt_change(down.change),
            }
    return _frame(
        chart_id=chart_id,
        height=y + 14 + PAD,
        title=title,
        desc=desc,
        body=body,
        defs=_patterns(prefix),
    )


def comparison_table(
    rows: Sequence[ComparisonRow],
    *,
    previous_label: str | None = None,
    current_label: str | None = None,
    caption: str | None = None,
    label_column: str | None = None,
) -> DataTable:
    return DataTable(
        caption=caption or _("Comparison with the earlier campaign"),
        columns=[
            label_column or _("Area"),
            clean(previous_label or _("Earlier campaign")),
            clean(current_label or _("This campaign")),
            _("Change (points)"),
        ],
        rows=[
            (clean(r.label), [fmt_score(r.previous), fmt_score(r.current), fmt_change(r.change)])
            for r in rows
        ],
    )
