"""The rules that keep the results' charts and words from misleading (docs/rules.md#assessments-chart-rules).

Each rule is decided here once, as a pure function over plain data, and used by the charts
(``charts.py``), their arrangement (``figures.py``) and the PDF report:

* labels of the heat map: an organisation's short name when it has one, never two equal
  labels, and labels shortened at whole words only;
* one colour scale per answer scale, the worst answer the strongest colour (and patterned);
* a caution on a comparison when the response rate is below ``MIN_RESPONSE_RATE``;
* no "weakest" or "strongest" from fewer than ``MIN_ANSWERS_FOR_RANKING`` scored answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from jamlik.core.svg import RAMP, ramp_colour

# A comparison with an earlier campaign is shown with a caution below this response rate
# (either campaign's: submitted responses / units asked).
MIN_RESPONSE_RATE = 0.5

# A requirement (or area) is named weakest or strongest only with at least this many scored
# answers.
MIN_ANSWERS_FOR_RANKING = 5

ELLIPSIS = "…"

# ---- Heat map labels ----------------------------------------------------------------------


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def heat_row_labels(names: Sequence[tuple[str, str]]) -> list[str]:
    """Per row ``(short_name, name)`` the row's label: the short name when there is one,
    else the name; rows whose labels would be equal (ignoring case and spacing) fall back
    to their full names."""
    wanted = [(" ".join(short.split()) or name) for short, name in names]
    counts = Counter(_key(label) for label in wanted)
    return [
        label if counts[_key(label)] == 1 else name
        for label, (_short, name) in zip(wanted, names, strict=True)
    ]


def whole_words(text: str, max_chars: int, max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines of about ``max_chars``, cut only between
    words: what does not fit is left out and marked by "…" after the last whole word. A
    single word longer than a line stays whole."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= max_chars or not current:
            current = candidate
            continue
        if len(lines) + 1 == max_lines:
            # No room for this word: end the last line with "…".
            lines.append(_ellipsis(current, max_chars))
            return lines
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def _ellipsis(line: str, max_chars: int) -> str:
    words = line.split()
    while len(words) > 1 and len(" ".join(words)) + 1 > max_chars:
        words.pop()
    return " ".join(words) + ELLIPSIS


def distinct_fits(labels: Sequence[str], max_chars: int, max_lines: int) -> list[list[str]]:
    """Every label fitted by :func:`whole_words`; labels whose fitted text would be equal
    keep their end instead ("… Västra Göteborg"), which is where names differ; fitted
    texts of labels that differ are never equal."""
    fitted = [whole_words(label, max_chars, max_lines) for label in labels]
    keys = Counter(_key(" ".join(lines)) for lines in fitted)
    out = []
    for label, lines in zip(labels, fitted, strict=True):
        if keys[_key(" ".join(lines))] > 1 and ELLIPSIS in lines[-1]:
            lines = _tail(label, max_chars, max_lines)
        out.append(lines)
    return out


def _tail(label: str, max_chars: int, max_lines: int) -> list[str]:
    """The end of ``label`` in whole words, led by "…"."""
    words = label.split()
    kept: list[str] = []
    while words and len(" ".join([ELLIPSIS, words[-1], *kept])) <= max_chars * max_lines:
        kept.insert(0, words.pop())
    if not words:
        return whole_words(label, max_chars, max_lines)
    return whole_words(" ".join([ELLIPSIS, *kept]), max_chars, max_lines)


# ---- Colours of answer scales ------------------------------------------------------------

# One ramp per answer scale (light → strong), each step clearly darker in grey.
PALETTES: list[list[tuple[int, int, int]]] = [
    RAMP,  # blues
    [  # oranges
        (0xFE, 0xF0, 0xE2),
        (0xFD, 0xC9, 0x9A),
        (0xF5, 0x8F, 0x4A),
        (0xD9, 0x5F, 0x0E),
        (0xA6, 0x3D, 0x03),
        (0x6B, 0x26, 0x02),
    ],
    [  # purples
        (0xF4, 0xF2, 0xF9),
        (0xD6, 0xD2, 0xE8),
        (0xA9, 0xA2, 0xCE),
        (0x80, 0x72, 0xB5),
        (0x5D, 0x3D, 0x96),
        (0x3B, 0x12, 0x6E),
    ],
    [  # greens
        (0xF2, 0xF9, 0xEF),
        (0xC7, 0xE8, 0xBF),
        (0x8C, 0xCB, 0x86),
        (0x45, 0x9E, 0x55),
        (0x1F, 0x6E, 0x35),
        (0x0B, 0x45, 0x1E),
    ],
]


def scale_palettes(scales: Iterable[str]) -> dict[str, int]:
    """Each distinct answer scale, in the order met, its own palette (by index)."""
    out: dict[str, int] = {}
    for scale in scales:
        if scale not in out:
            out[scale] = len(out) % len(PALETTES)
    return out


def answer_colour(level: float, palette: int = 0) -> str:
    """An answer's colour on its scale's palette: the lower the answer's score (``level``
    0–1), the stronger the colour, so the worst answer is the most visible."""
    return ramp_colour(PALETTES[palette % len(PALETTES)], 1 - level)


def worst_level(levels: Iterable[float | None]) -> float | None:
    """The worst scored answer of a scale (its lowest level), ``None`` without scores."""
    scored = [level for level in levels if level is not None]
    return min(scored) if scored else None


# ---- Caution and ranking ------------------------------------------------------------------


def comparison_needs_caution(*rates: float | None) -> bool:
    """A comparison needs a caution when any campaign's response rate is below
    ``MIN_RESPONSE_RATE`` (an unknown rate counts as too low)."""
    return any(rate is None or rate < MIN_RESPONSE_RATE for rate in rates)


class _Scored(Protocol):
    @property
    def scored(self) -> int: ...

    @property
    def score(self) -> float | None: ...


S = TypeVar("S", bound=_Scored)


def may_rank(scored: int | None) -> bool:
    """Whether a score from ``scored`` answers may be named weakest or strongest (at least
    ``MIN_ANSWERS_FOR_RANKING``; ``None``, an unknown count, may not)."""
    return scored is not None and scored >= MIN_ANSWERS_FOR_RANKING


def rankable(results: Iterable[S]) -> list[S]:
    """The results that may be named weakest or strongest: a score from at least
    ``MIN_ANSWERS_FOR_RANKING`` scored answers."""
    return [r for r in results if r.score is not None and may_rank(r.scored)]


def too_few_to_rank(results: Iterable[S]) -> list[S]:
    """The results with a score from fewer than ``MIN_ANSWERS_FOR_RANKING`` answers."""
    return [r for r in results if r.score is not None and not may_rank(r.scored)]
