"""Charts of the self-assessment results, drawn on the server as SVG.

Four charts: the distribution of answers per requirement (horizontal stacked bars), the
score per area (bars), organisations × areas (heat map) and a comparison with an earlier
campaign (paired bars). Each function returns SVG markup with ``role="img"``, a ``<title>``
and a ``<desc>``; it is sized by its ``viewBox`` so it scales down on phones and prints in
the PDF report. The charts read in grey scale: lightness grows with the score, answers
without a score are patterned, and every bar and cell carries its number as text. Each chart
has a function returning the matching data table (``chartdata.py``, re-exported here), which
the page and the report show beside it. The drawing primitives are ``core/svg.py``'s.

The functions take plain data (labels and numbers), never models, and escape every text.
Scores are on 0–100 (the normalised score, docs/rules.md#assessments-scores); ``None`` means "no scored answers".
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jamlik.assessments import chartrules
from jamlik.assessments.chartdata import (
    ComparisonRow,
    DataTable,
    DistributionRow,
    HeatRow,
    ScoreRow,
    Segment,
    comparison_table,
    distribution_table,
    heatmap_table,
    score_table,
)
from jamlik.core import svg
from jamlik.core.display import fmt_change, fmt_percent, fmt_score, round_half_up
from jamlik.core.svg import (
    CHAR_WIDTH,
    INK,
    MUTED,
    OUTLINE,
    PAD,
    WHITE,
    WIDTH,
    clean,
    esc,
    level_colour,
    text_colour_on,
    truncate,
)

# Re-exported: callers take the charts, their data and their figures' formats from here.
__all__ = [
    "ComparisonRow",
    "DataTable",
    "DistributionRow",
    "HeatRow",
    "ScoreRow",
    "Segment",
    "comparison_table",
    "distribution_table",
    "fmt_change",
    "fmt_percent",
    "fmt_score",
    "heatmap_table",
    "level_colour",
    "round_half_up",
    "score_table",
]
_luminance = svg.luminance

# ---------------------------------------------------------------------------------------
# Patterns (lightness carries the order; answers without a score are patterned)


def _patterns(prefix: str) -> str:
    """Hatching for answers without a score and for earlier campaigns."""
    return (
        svg.hatch(f"{prefix}-hatch", size=8, background=WHITE, stroke="#8a929b", stroke_width=2.5)
        + f'<pattern id="{prefix}-dots" width="7" height="7" patternUnits="userSpaceOnUse">'
        f'<rect width="7" height="7" fill="{WHITE}"/>'
        '<circle cx="3.5" cy="3.5" r="1.4" fill="#6b7280"/></pattern>'
        f'<pattern id="{prefix}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="#eef1f4"/>'
        '<path d="M0 0L8 8M8 0L0 8" stroke="#8a929b" stroke-width="1.2"/></pattern>'
        + svg.hatch(
            f"{prefix}-previous",
            size=6,
            background="#dfe3e8",
            stroke=OUTLINE,
            stroke_width=2,
            angle=-45,
        )
    )


def _empty(chart_id: str, title: str, desc: str) -> SafeString:
    return svg.empty(chart_id, title, desc, _("No data to show yet."))


def _titled(full: str, parts: str) -> str:
    """``parts`` in a group named by ``full`` (a tooltip, and the name in full)."""
    return f"<g><title>{esc(full)}</title>{parts}</g>"


def _label(x: float, y: float, label: str, room: float = WIDTH - 2 * PAD) -> str:
    """A row's label, truncated to the room it has."""
    return svg.text(x, y, truncate(label, int(room / CHAR_WIDTH)))


# ---------------------------------------------------------------------------------------
# 1. Distribution of answers per requirement


class _AnswerStyle:
    """The fills of one chart's answers: one palette per answer scale (chartrules), the
    worst answer of each scale its strongest colour and striped, unscored answers
    patterned."""

    def __init__(self, rows: Sequence[DistributionRow], prefix: str) -> None:
        self.prefix = prefix
        segments = [seg for row in rows for seg in row.segments]
        self.palettes = chartrules.scale_palettes(seg.scale for seg in segments)
        self.worst: dict[str, float | None] = {}
        for scale in self.palettes:
            self.worst[scale] = chartrules.worst_level(
                seg.level for seg in segments if seg.scale == scale
            )

    def is_worst(self, segment: Segment) -> bool:
        return segment.level is not None and segment.level == self.worst.get(segment.scale)

    def fill(self, segment: Segment) -> str:
        if segment.level is None:
            # Two kinds of unscored answers get two patterns (n/a and don't know).
            name = "dots" if segment.value == "dont_know" else "hatch"
            return f"url(#{self.prefix}-{name})"
        palette = self.palettes.get(segment.scale, 0)
        if self.is_worst(segment):
            return f"url(#{self.prefix}-worst-{palette})"
        return chartrules.answer_colour(segment.level, palette)

    def text_fill(self, segment: Segment) -> str:
        if segment.level is None or self.is_worst(segment):
            return INK  # on a white box
        return text_colour_on(chartrules.answer_colour(segment.level, self.palettes[segment.scale]))

    def defs(self) -> str:
        """The striped fill of each palette's worst answer."""
        return "".join(
            svg.hatch(
                f"{self.prefix}-worst-{palette}",
                size=7,
                background=chartrules.answer_colour(0.0, palette),
                stroke=WHITE,
                stroke_width=1.6,
                angle=-45,
            )
            for palette in sorted(set(self.palettes.values()))
        )

    def legend(self, rows: Sequence[DistributionRow]) -> list[list[tuple[str, str]]]:
        """One legend row per answer scale, in the scale's order; the unscored answers
        last, once."""
        groups: dict[str, dict[tuple[str, str], None]] = {s: {} for s in self.palettes}
        unscored: dict[tuple[str, str], None] = {}
        for row in rows:
            for seg in row.segments:
                label = seg.label
                if self.is_worst(seg):
                    label = _("%(label)s (worst, striped)") % {"label": seg.label}
                target = unscored if seg.level is None else groups[seg.scale]
                target.setdefault((self.fill(seg), label), None)
        return [list(g) for g in groups.values() if g] + ([list(unscored)] if unscored else [])


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
    style = _AnswerStyle(rows, prefix)
    body: list[str] = []
    y: float = PAD
    for group in style.legend(rows):
        parts, y = svg.legend(group, y=y)
        body += parts
        y -= 6
    y += 6
    bar_width = WIDTH - 2 * PAD - 60
    bar_height = 24
    for row in rows:
        body.append(_label(PAD, y + 12, row.label))
        top = y + 18
        total = row.total
        if total == 0:
            body.append(
                svg.rect(
                    PAD, top, bar_width, bar_height, fill=WHITE, stroke=OUTLINE, dasharray="4 3"
                )
            )
            body.append(svg.text(PAD + 8, top + 16, _("No answers"), fill=MUTED))
        else:
            x = float(PAD)
            for seg in row.segments:
                if seg.count <= 0:
                    continue
                width = bar_width * seg.count / total
                fill = style.fill(seg)
                body.append(
                    svg.rect(x, top, width, bar_height, fill=fill, stroke=WHITE, stroke_width=1.5)
                )
                number = str(seg.count)
                if width >= len(number) * CHAR_WIDTH + 8:
                    if seg.level is None or style.is_worst(seg):
                        # A white box behind the number keeps it readable on the pattern.
                        box = len(number) * CHAR_WIDTH + 6
                        body.append(svg.rect(x + width / 2 - box / 2, top + 4, box, 16, fill=WHITE))
                    body.append(
                        svg.text(
                            x + width / 2,
                            top + 17,
                            number,
                            anchor="middle",
                            fill=style.text_fill(seg),
                        )
                    )
                x += width
            body.append(
                svg.rect(
                    PAD, top, bar_width, bar_height, fill="none", stroke=OUTLINE, stroke_width=1
                )
            )
        body.append(svg.text(PAD + bar_width + 8, top + 17, f"n = {total}", fill=MUTED))
        y = top + bar_height + 12
    if desc is None:
        answered = sum(r.total for r in rows)
        desc = _(
            "Stacked bars, one per requirement, of %(rows)s requirements and %(answers)s "
            "answers in all. Each answer scale has its own colours; the worst answer of a "
            "scale has the strongest colour and is striped. The numbers in the bars are the "
            "counts of each answer; the table after the chart lists every count."
        ) % {"rows": len(rows), "answers": answered}
    return svg.document(
        width=WIDTH,
        chart_id=chart_id,
        height=y + PAD,
        title=title,
        desc=desc,
        body=body,
        defs=_patterns(prefix) + style.defs(),
    )


# ---------------------------------------------------------------------------------------
# 2. Score per area (or per any set of labelled scores)


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
        bars.append(_label(left, y + 12, row.label))
        top = y + 18
        if row.score is None:
            bars.append(svg.text(left + 4, top + 16, _("No score (no scored answers)"), fill=MUTED))
        else:
            fill, label = level_colour(row.score / 100), fmt_score(row.score)
            bars += svg.value_bar(
                left, top, row.score, room=bar_width, height=bar_height, fill=fill, label=label,
                label_y=top + 16, weight="bold",
            )  # fmt: skip
        y = top + bar_height + 12
    body = svg.scale(PAD + 16, y - 8, left, bar_width) + bars
    if desc is None:
        scored = [r for r in rows if r.score is not None]
        ranked = scored
        # Highest and lowest only from enough answers (when the counts are known).
        if any(r.answers is not None for r in rows):
            ranked = [r for r in scored if chartrules.may_rank(r.answers)]
        if scored and not ranked:
            desc = _(
                "Bars of %(n)s scores on a scale from 0 to 100, each from too few answers "
                "to name the highest and the lowest."
            ) % {"n": len(rows)}
        elif scored:
            scored = ranked
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
    return svg.document(
        chart_id=chart_id, width=WIDTH, height=y + 14 + PAD, title=title, desc=desc, body=body
    )


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
    # Column headers and row labels are cut only between words (chartrules), never into
    # equal texts; each carries its full name as a <title>.
    header_lines = chartrules.distinct_fits(
        [clean(c) for c in columns], max(4, int(cell_w / 6.6)), 3
    )
    header_h = 14 * max(len(lines) for lines in header_lines) + 8
    body: list[str] = []
    for index, lines in enumerate(header_lines):
        cx = PAD + label_width + cell_w * index + cell_w / 2
        texts = "".join(
            svg.text(cx, PAD + 12 + 14 * line_no, line, anchor="middle", size=11)
            for line_no, line in enumerate(lines)
        )
        body.append(_titled(columns[index], texts))
    top = PAD + header_h
    row_lines = chartrules.distinct_fits(
        [clean(r.label) for r in rows], int((label_width - 10) / 6.6), 2
    )
    for r_index, row in enumerate(rows):
        y = top + cell_h * r_index
        lines = row_lines[r_index]
        first_y = y + 20 if len(lines) == 1 else y + 13
        texts = "".join(
            svg.text(PAD, first_y + 13 * line_no, line, size=11)
            for line_no, line in enumerate(lines)
        )
        body.append(_titled(row.full_name, texts))
        for c_index in range(len(columns)):
            score = row.scores[c_index] if c_index < len(row.scores) else None
            x = PAD + label_width + cell_w * c_index
            if score is None:
                fill, ink = f"url(#{prefix}-cross)", INK
            else:
                fill = level_colour(score / 100)
                ink = text_colour_on(fill)
            body.append(svg.rect(x, y, cell_w, cell_h, fill=fill, stroke=WHITE, stroke_width=2))
            if score is None:
                body.append(svg.rect(x + cell_w / 2 - 9, y + 7, 18, 16, fill=WHITE))
            body.append(
                svg.text(
                    x + cell_w / 2, y + 20, fmt_score(score), anchor="middle", fill=ink, size=12
                )
            )
    bottom = top + cell_h * len(rows)
    # A scale key: five steps from 0 to 100, and the pattern for "no score".
    key_y = bottom + 12
    key, nx = svg.ramp_key(PAD, key_y, [0, 25, 50, 75, 100])
    body += key
    nx += 10
    cross = f"url(#{prefix}-cross)"
    body.append(svg.rect(nx, key_y, 50, 18, fill=cross, stroke=OUTLINE, stroke_width=1))
    body.append(svg.text(nx + 58, key_y + 13, _("– no scored answers"), size=11))
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
    return svg.document(
        chart_id=chart_id,
        height=height,
        title=title,
        desc=desc,
        body=body,
        defs=_patterns(prefix),
        width=max(520.0, min(WIDTH, width_used)),
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
    body, y = svg.legend(
        [(f"url(#{prefix}-previous)", previous_label), (level_colour(0.8), current_label)], y=PAD
    )
    legend_bottom = y
    left = PAD
    bar_width = WIDTH - 2 * PAD - 140
    bar_h = 16
    bars: list[str] = []
    for row in rows:
        bars.append(_label(left, y + 12, row.label))
        top = y + 18
        for offset, value, fill in (
            (0, row.previous, f"url(#{prefix}-previous)"),
            (bar_h + 3, row.current, level_colour(0.8)),
        ):
            by = top + offset
            if value is None:
                bars.append(svg.text(left + 4, by + 12, "–", fill=MUTED, size=12))
                continue
            bars += svg.value_bar(
                left, by, value, room=bar_width, height=bar_h, fill=fill, label=fmt_score(value),
                label_y=by + 12, size=12,
            )  # fmt: skip
        change = row.change
        bars.append(
            svg.text(
                WIDTH - PAD,
                top + bar_h + 6,
                _("change %(change)s") % {"change": fmt_change(change)},
                anchor="end",
                weight="bold",
                size=12,
            )
        )
        y = top + 2 * bar_h + 3 + 14
    body += svg.scale(legend_bottom + 16, y - 8, left, bar_width) + bars
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
    return svg.document(
        width=WIDTH,
        chart_id=chart_id,
        height=y + 14 + PAD,
        title=title,
        desc=desc,
        body=body,
        defs=_patterns(prefix),
    )
