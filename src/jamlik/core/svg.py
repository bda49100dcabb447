"""The SVG kit every server-drawn chart and the review timeline are made of
(decisions/0008): the document element with its accessible name, the fonts, the colours,
escaped and truncated text, bars, gridlines with their scale, legends and coordinates.

A document has ``role="img"``, a ``<title>`` and a ``<desc>`` (its first children) named by
``aria-labelledby``, and is sized by its ``viewBox`` so it scales down on phones and prints
in the PDF reports. Every text is escaped here, and characters XML cannot hold are dropped,
so a hostile label cannot break the document. Presentation is in attributes only, never
an inline ``style`` (the Content-Security-Policy allows no inline style).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 800
PAD = 10
FONT = "DejaVu Sans, Verdana, system-ui, sans-serif"
FONT_UI = "system-ui, sans-serif"
CHAR_WIDTH = 7.8  # a generous average advance of the 13-unit font, to truncate long labels

# Colours (each dark one at least 4.5:1 on white, the light ones behind dark ink).
WHITE = "#ffffff"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c4c9cf"
OUTLINE = "#4a4a4a"
GREEN = "#1d6b33"
AMBER = "#8a5a00"
RED = "#a4161a"
RED_LIGHT = "#f3d3d3"
BLUE = "#0b4f8a"

# Light → dark, ColorBrewer "Blues"-like, each step clearly darker in grey.
RAMP = [
    (0xF4, 0xF8, 0xFC),
    (0xC6, 0xDB, 0xEF),
    (0x85, 0xB3, 0xD9),
    (0x42, 0x85, 0xC2),
    (0x17, 0x5A, 0x9E),
    (0x08, 0x30, 0x6B),
]

# Characters XML 1.0 does not allow (a hostile label must not break the document).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# ---- Text ----------------------------------------------------------------------------------


def clean(text: Any) -> str:
    return _XML_INVALID.sub("", str(text))


def esc(text: Any) -> str:
    return str(escape(clean(text)))


def truncate(text: Any, max_chars: int) -> str:
    """Whitespace collapsed, and at most ``max_chars`` characters ending in "…"."""
    text = " ".join(clean(text).split())
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "…"


def num(value: float) -> str:
    """A coordinate: short, locale-independent (12.5, 40)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


# ---- Colours -------------------------------------------------------------------------------


def ramp_colour(ramp: Sequence[tuple[int, int, int]], level: float) -> str:
    """The colour at 0–1 along ``ramp`` (light → dark), interpolated between its steps."""
    level = min(1.0, max(0.0, level))
    position = level * (len(ramp) - 1)
    low = int(position)
    high = min(low + 1, len(ramp) - 1)
    t = position - low
    rgb = [round(a + (b - a) * t) for a, b in zip(ramp[low], ramp[high], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def level_colour(level: float) -> str:
    """The ramp's colour for 0–1: lightness carries the order, so grey-scale prints read."""
    return ramp_colour(RAMP, level)


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_colour_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill``."""
    lum = luminance(fill)
    with_white = 1.05 / (lum + 0.05)
    with_black = (lum + 0.05) / 0.05
    return WHITE if with_white > with_black else INK


def hatch(
    pattern_id: str,
    *,
    size: int,
    background: str,
    stroke: str,
    stroke_width: float,
    angle: int = 45,
) -> str:
    """A pattern of parallel lines (an ``id`` already escaped) for fills that need no colour."""
    return (
        f'<pattern id="{pattern_id}" width="{size}" height="{size}" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate({angle})">'
        f'<rect width="{size}" height="{size}" fill="{background}"/>'
        f'<line x1="0" y1="0" x2="0" y2="{size}" stroke="{stroke}" '
        f'stroke-width="{num(stroke_width)}"/></pattern>'
    )


# ---- Shapes --------------------------------------------------------------------------------


def _attributes(**attributes: Any) -> str:
    """``name="value"`` pairs (underscores become hyphens), ``None`` left out."""
    return "".join(
        f' {name.replace("_", "-")}="{num(value) if isinstance(value, float) else value}"'
        for name, value in attributes.items()
        if value is not None
    )


def text(
    x: float,
    y: float,
    content: Any,
    *,
    anchor: str | None = "start",
    fill: str = INK,
    weight: str | None = None,
    size: int | None = None,
    markup: bool = False,
) -> str:
    """A ``<text>``; ``content`` escaped, unless ``markup`` (already built with ``tspan``)."""
    extra = _attributes(font_weight=weight, font_size=size)
    anchored = f' text-anchor="{anchor}"' if anchor else ""
    body = content if markup else esc(content)
    return f'<text x="{num(x)}" y="{num(y)}"{anchored} fill="{fill}"{extra}>{body}</text>'


def tspan(content: Any, *, weight: str | None = None) -> str:
    return f"<tspan{_attributes(font_weight=weight)}>{esc(content)}</tspan>"


def rect(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: str,
    stroke: str | None = None,
    stroke_width: float | None = None,
    dasharray: str | None = None,
    transform: str | None = None,
) -> str:
    return (
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(width)}" height="{num(height)}" '
        f'fill="{fill}"'
        + _attributes(
            stroke=stroke,
            stroke_width=None if stroke_width is None else float(stroke_width),
            stroke_dasharray=dasharray,
            transform=transform,
        )
        + "/>"
    )


def line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    stroke: str,
    width: float = 1,
    dasharray: str | None = None,
) -> str:
    return (
        f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
        f'stroke="{stroke}" stroke-width="{num(width)}"'
        + _attributes(stroke_dasharray=dasharray)
        + "/>"
    )


def value_bar(
    x: float,
    y: float,
    value: float,
    *,
    room: float,
    height: float,
    fill: str,
    label: str,
    label_y: float,
    maximum: float = 100,
    weight: str | None = None,
    size: int | None = None,
) -> list[str]:
    """A horizontal bar of ``value`` (clamped to 0–``maximum``) in ``room``, outlined, at
    least 1 wide, with ``label`` (its number) after its end."""
    width = room * max(0.0, min(maximum, value)) / maximum
    return [
        rect(x, y, max(width, 1), height, fill=fill, stroke=OUTLINE, stroke_width=1),
        text(x + width + 6, label_y, label, weight=weight, size=size),
    ]


def ramp_key(
    x: float, y: float, steps: Sequence[int], *, maximum: float = 100, step_width: int = 54
) -> tuple[list[str], float]:
    """A key of the colour ramp: a swatch with its number per step; returns the parts and
    the x after it."""
    parts = []
    for i, step in enumerate(steps):
        left = x + i * step_width
        fill = level_colour(step / maximum)
        parts.append(rect(left, y, 50, 18, fill=fill, stroke=OUTLINE, stroke_width=1))
        parts.append(
            text(left + 25, y + 13, str(step), anchor="middle", fill=text_colour_on(fill), size=11)
        )
    return parts, x + len(steps) * step_width


def scale(
    top: float,
    bottom: float,
    left: float,
    width: float,
    ticks: Sequence[int] = (0, 25, 50, 75, 100),
    maximum: float = 100,
) -> list[str]:
    """Vertical gridlines at ``ticks`` with their numbers under the plot."""
    parts = []
    for tick in ticks:
        x = left + width * tick / maximum
        parts.append(line(x, top, x, bottom, stroke=GRID))
        parts.append(text(x, bottom + 14, str(tick), anchor="middle", fill=MUTED, size=11))
    return parts


def legend(
    items: Sequence[tuple[str, str]],
    *,
    y: float,
    x: float = PAD,
    right: float = WIDTH - PAD,
    swatch: int = 16,
    row_height: int = 22,
) -> tuple[list[str], float]:
    """Swatches (fill, label) with labels, in rows; returns the parts and the y below."""
    parts: list[str] = []
    left = x
    for fill, label in items:
        label = truncate(label, 40)
        width = 18 + 6 + len(label) * CHAR_WIDTH + 18
        if x + width > right and x > left:
            x = left
            y += row_height
        parts.append(rect(x, y, swatch, swatch, fill=fill, stroke=OUTLINE, stroke_width=1))
        parts.append(text(x + swatch + 6, y + swatch - 3, label))
        x += width
    return parts, y + row_height + 6


# ---- The document --------------------------------------------------------------------------


def document(
    *,
    chart_id: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: Sequence[str],
    defs: str = "",
    css_class: str | None = "chart",
    size: str = "fixed",
    element_id: bool = True,
    font: str = FONT,
    font_size: int | None = 13,
    background: str | None = WHITE,
    preserve_aspect_ratio: str | None = None,
) -> SafeString:
    """The ``<svg>`` with ``role="img"``, its title and description first, then ``defs``,
    a background and ``body`` (parts built with this module's functions, so escaped).
    ``size``: "fixed" (the drawing's own width and height), "fluid" (the container's
    width) or "none" (left to the style sheet); ``element_id``: the svg has ``chart_id``
    as its id (its title and description always have ids made from it)."""
    cid = esc(chart_id)
    dimensions = {
        "fixed": f' width="{num(width)}" height="{num(height)}"',
        "fluid": ' width="100%"',
        "none": "",
    }[size] + _attributes(preserveAspectRatio=preserve_aspect_ratio)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg"'
        + _attributes(**{"class": css_class})
        + f' role="img" viewBox="0 0 {num(width)} {num(height)}"{dimensions}'
        f' aria-labelledby="{cid}-title {cid}-desc"'
        + _attributes(font_family=font, font_size=font_size)
        + (f' id="{cid}">' if element_id else ">"),
        f'<title id="{cid}-title">{esc(title)}</title>',
        f'<desc id="{cid}-desc">{esc(desc)}</desc>',
        f"<defs>{defs}</defs>" if defs else "",
        rect(0, 0, width, height, fill=background) if background else "",
        *body,
        "</svg>",
    ]
    # Every text above went through esc(); the parts were built here.
    return mark_safe("".join(parts))


def empty(chart_id: str, title: str, desc: str, message: str) -> SafeString:
    """A chart with nothing to draw: its name and ``message`` in words."""
    return document(
        chart_id=chart_id,
        width=WIDTH,
        height=60,
        title=title,
        desc=desc,
        body=[text(WIDTH / 2, 35, message, anchor="middle", fill=MUTED)],
    )
