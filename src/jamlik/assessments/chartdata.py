"""The data the self-assessment charts (``charts.py``) take, and each chart's data as a
table (:class:`DataTable`), which the page and the report show beside the chart.

Plain data (labels and numbers), never models; scores on 0–100, ``None`` for "no scored
answers". Every cell is text in the active language's number format (``core.display``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jamlik.core.display import MISSING, fmt_change, fmt_score
from jamlik.core.svg import clean

# ---- Data the charts take ----------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One answer value in a requirement's distribution."""

    label: str
    count: int
    level: float | None  # the value's normalised score as 0–1; None: no score (n/a, don't know)
    value: str = ""
    scale: str = ""  # which answer scale the value belongs to (one colour scale each)


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
    label: str  # what the chart shows (a short name, chartrules.heat_row_labels)
    scores: Sequence[float | None]  # one per column, in column order
    name: str = ""  # the full name, in the chart's <title> and the table (else the label)

    @property
    def full_name(self) -> str:
        return self.name or self.label


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


# ---- Their tables --------------------------------------------------------------------------


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
                [str(counts[label]) if label in counts else MISSING for label in labels]
                + [str(row.total)],
            )
        )
    return DataTable(
        caption=caption or _("Distribution of answers per requirement"),
        columns=[_("Requirement"), *labels, _("Answers")],
        rows=out,
    )


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
            cells.append(MISSING if row.answers is None else str(row.answers))
        out.append((clean(row.label), cells))
    return DataTable(caption=caption or _("Score per area"), columns=columns, rows=out)


def heatmap_table(
    columns: Sequence[str], rows: Sequence[HeatRow], *, caption: str | None = None
) -> DataTable:
    return DataTable(
        caption=caption or _("Score per organisation and area"),
        columns=[_("Organisation"), *[clean(c) for c in columns]],
        rows=[(clean(r.full_name), [fmt_score(s) for s in r.scores]) for r in rows],
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
