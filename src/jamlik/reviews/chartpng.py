"""The score-per-area chart of the board report as a PNG, for the DOCX.

The PDF draws the assessments app's SVG chart (``figures.areas.svg``); Word cannot show
SVG reliably and the SVG converter (cairosvg) is not a dependency, so the DOCX gets the same
chart drawn with Pillow: one horizontal bar per area on 0–100, the bar's shade from the same
ramp (``core.svg.level_colour``: lightness carries the order, so a grey-scale print reads),
each bar labelled with its score, and "no score" written out where an area has none. Nothing
is computed here: rows are (label, score) as the report's data table shows them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from typing import Any

from jamlik.core.display import fmt_score
from jamlik.core.svg import level_colour, luminance

SCALE = 2  # drawn at twice the size it is shown, so it stays sharp in print
WIDTH = 800 * SCALE
PAD = 16 * SCALE
BAR_HEIGHT = 22 * SCALE
LABEL_ROOM = 20 * SCALE  # the row's label above its bar
ROW_GAP = 12 * SCALE
SCORE_ROOM = 70 * SCALE  # right of the bars, for a score beside a short bar
TEXT = "#111111"
MUTED = "#555555"
GRID = "#bbbbbb"
FONT_FILES = {
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf"),
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf"),
}


@cache
def _font(size: int, bold: bool = False) -> Any:
    from PIL import ImageFont

    for name in FONT_FILES[bold]:
        try:
            # Pillow looks the file up in the system's font folders.
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _fit(draw: Any, text: str, font: Any, room: float) -> str:
    """``text`` cut with an ellipsis to ``room`` pixels (the data table has it whole)."""
    if draw.textlength(text, font=font) <= room:
        return text
    while text and draw.textlength(text + "…", font=font) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def score_chart_png(
    rows: Sequence[tuple[str, float | None]], *, title: str, no_score: str
) -> bytes:
    """A bar per (label, score 0–100 or None), under ``title``; ``no_score`` is written
    where a row has no score."""
    from PIL import Image, ImageDraw

    title_font = _font(15 * SCALE, bold=True)
    label_font = _font(12 * SCALE)
    value_font = _font(12 * SCALE, bold=True)
    scale_font = _font(10 * SCALE)
    left, room = PAD, WIDTH - 2 * PAD - SCORE_ROOM
    top = PAD + 28 * SCALE
    height = top + len(rows) * (LABEL_ROOM + BAR_HEIGHT + ROW_GAP) + 24 * SCALE + PAD
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((left, PAD), title, font=title_font, fill=TEXT)

    bottom = height - PAD - 24 * SCALE
    for tick in range(0, 101, 25):
        x = left + room * tick / 100
        draw.line([(x, top), (x, bottom)], fill=GRID, width=1)
        text = str(tick)
        draw.text(
            (x - draw.textlength(text, font=scale_font) / 2, bottom + 4 * SCALE),
            text,
            font=scale_font,
            fill=MUTED,
        )

    y = top
    for label, score in rows:
        draw.text((left, y), _fit(draw, label, label_font, WIDTH - 2 * PAD), font=label_font,
                  fill=TEXT)  # fmt: skip
        bar_top = y + LABEL_ROOM
        if score is None:
            draw.text((left + 4 * SCALE, bar_top + 4 * SCALE), no_score, font=label_font,
                      fill=MUTED)  # fmt: skip
        else:
            fill = level_colour(max(0.0, min(1.0, score / 100)))
            length = max(room * score / 100, 2.0)
            draw.rectangle(
                [(left, bar_top), (left + length, bar_top + BAR_HEIGHT)],
                fill=fill,
                outline="#333333",
                width=1,
            )
            text = fmt_score(score)
            width = draw.textlength(text, font=value_font)
            text_y = bar_top + (BAR_HEIGHT - 12 * SCALE) / 2 - 1 * SCALE
            if length >= width + 12 * SCALE:  # inside the bar, in a colour that reads on it
                colour = "#ffffff" if luminance(fill) < 0.35 else TEXT
                draw.text((left + length - width - 6 * SCALE, text_y), text, font=value_font,
                          fill=colour)  # fmt: skip
            else:
                draw.text((left + length + 6 * SCALE, text_y), text, font=value_font, fill=TEXT)
        y = bar_top + BAR_HEIGHT + ROW_GAP

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(144, 144))
    return buffer.getvalue()
