"""The PDF summary report of a campaign, rendered with WeasyPrint from a template.

The first page is the basis for a committee's matter (tjänsteutlåtande): committee, date,
diary number, case officer and a summary (written by the coordinator, or drawn from the
figures when left empty). Then: the response rate per organisation, the score per area
(chart and table), organisations × areas (heat map and table), the weakest requirements,
the comparison with an earlier campaign when one is chosen, the comments grouped by
requirement, and as an appendix the distribution of answers per requirement.

Every figure comes from ``selectors.campaign_summary`` (the same as the page, the API and the
XLSX export), drawn by ``charts`` through ``figures``: the report adds layout, not numbers.

Every data table fits the page (docs: PDF tables): a table too wide for a portrait page goes
on a landscape one (the CSS named page ``wide``), and one too wide even for that is split by
columns into parts that each repeat the row labels (``column_groups``). Widths are estimated
from the longest word of each column, since headers wrap between words but not inside them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.assessments import chartrules, charts, selectors
from jamlik.assessments.figures import Figures, build_figures
from jamlik.assessments.models import Campaign
from jamlik.assessments.texts import localized
from jamlik.core import display
from jamlik.core.svg import clean
from jamlik.orgs.models import Organisation

# Comments per requirement printed in the report; the XLSX export holds every one.
COMMENTS_PER_REQUIREMENT = 10

# The width (mm) tables may take: A4 less the 16 mm side margins of report.html's @page rules.
PORTRAIT_WIDTH = 210 - 2 * 16
LANDSCAPE_WIDTH = 297 - 2 * 16
# A generous advance (mm) of one bold DejaVu Sans character at the tables' 8.5 pt (0.65 em;
# Swedish words average 0.6 em), so an estimate errs towards a column too wide.
CHAR_MM = 0.65 * 8.5 * 25.4 / 72
# A cell's left and right padding (1.5 mm each) and borders.
CELL_PADDING_MM = 3.5
# Narrower data columns are hard to read; the row-label column gets room for a short name.
MIN_COLUMN_MM = 16.0
MIN_LABEL_MM = 30.0


@dataclass
class Matter:
    """The cover page of a committee's matter: who, when, which case, in short."""

    committee: str = ""
    date: dt.date | None = None
    diary_number: str = ""
    case_officer: str = ""
    summary: str = ""


@dataclass(frozen=True)
class TablePart:
    """One printed table: ``widths`` are its columns' least widths (mm, the row labels
    first), set as CSS ``min-width`` so WeasyPrint never narrows a column below its longest
    word (``overflow-wrap: anywhere`` alone would let it break words in a table that fits)."""

    table: charts.DataTable
    widths: Sequence[float]

    @property
    def header(self) -> list[tuple[str, str]]:
        """(column, least width in mm as CSS text: never localised, "12.5" not "12,5")."""
        return [(c, f"{w:.1f}") for c, w in zip(self.table.columns, self.widths, strict=False)]


@dataclass(frozen=True)
class TableLayout:
    """A data table as the PDF prints it: one or more parts (column groups that each repeat
    the row labels), on a landscape page when it is ``wide``; ``key`` lists the short labels
    used for rows with their full names."""

    parts: list[TablePart]
    wide: bool = False
    key: list[tuple[str, str]] = field(default_factory=list)


def word_width(text: str) -> float:
    """The width (mm) a cell needs to hold ``text``'s longest word unbroken."""
    longest = max((len(word) for word in str(text).split()), default=0)
    return longest * CHAR_MM + CELL_PADDING_MM


def column_widths(table: charts.DataTable) -> list[float]:
    """The least width (mm) of each column, the row labels first: room for its longest word
    (header or cell), and never under the minimum."""
    widths = [word_width(column) for column in table.columns]
    for header, cells in table.rows:
        widths[0] = max(widths[0], word_width(header))
        for i, cell in enumerate(cells, start=1):
            if i < len(widths):
                widths[i] = max(widths[i], word_width(cell))
    return [max(w, MIN_LABEL_MM if i == 0 else MIN_COLUMN_MM) for i, w in enumerate(widths)]


def column_groups(widths: Sequence[float], available: float) -> list[range]:
    """The data columns (by index, ``widths`` in mm) split into consecutive groups that each
    fit in ``available`` mm: as few groups as fit, with the columns spread as evenly as fits
    (7 columns in two parts are 4 + 3, not 6 + 1). A column wider than ``available`` alone
    gets a group of its own; its words then wrap inside (overflow-wrap)."""
    if not widths:
        return []
    greedy: list[range] = []
    start, total = 0, 0.0
    for i, width in enumerate(widths):
        if i > start and total + width > available:
            greedy.append(range(start, i))
            start, total = i, 0.0
        total += width
    greedy.append(range(start, len(widths)))
    size, extra = divmod(len(widths), len(greedy))
    even: list[range] = []
    start = 0
    for g in range(len(greedy)):
        stop = start + size + (1 if g < extra else 0)
        even.append(range(start, stop))
        start = stop
    if all(len(g) == 1 or sum(widths[i] for i in g) <= available for g in even):
        return even
    return greedy


def _within(widths: Sequence[float], available: float) -> list[float]:
    """``widths`` scaled down to add up to ``available`` at most: a least width must never
    push a table past the page (a column alone wider than the page wraps inside instead)."""
    total = sum(widths)
    scale = available / total if total > available else 1.0
    return [w * scale for w in widths]


def table_layout(table: charts.DataTable, *, key: Sequence[tuple[str, str]] = ()) -> TableLayout:
    """How ``table`` fits the page: portrait when it can, else landscape, else landscape in
    column groups."""
    widths = column_widths(table)
    if sum(widths) <= PORTRAIT_WIDTH:
        return TableLayout(parts=[TablePart(table, widths)], key=list(key))
    groups = column_groups(widths[1:], LANDSCAPE_WIDTH - widths[0])
    if len(groups) <= 1:
        part = TablePart(table, _within(widths, LANDSCAPE_WIDTH))
        return TableLayout(parts=[part], wide=True, key=list(key))
    parts = [
        TablePart(
            charts.DataTable(
                caption=_("%(caption)s (part %(part)s of %(parts)s)")
                % {"caption": table.caption, "part": number, "parts": len(groups)},
                columns=[table.columns[0], *(table.columns[i + 1] for i in group)],
                rows=[
                    (header, [cells[i] for i in group if i < len(cells)])
                    for header, cells in table.rows
                ],
                numeric=table.numeric,
            ),
            _within([widths[0], *(widths[i + 1] for i in group)], LANDSCAPE_WIDTH),
        )
        for number, group in enumerate(groups, start=1)
    ]
    return TableLayout(parts=parts, wide=True, key=list(key))


def heatmap_layout(figures: Figures) -> TableLayout | None:
    """The organisations × areas table with the organisations' short names as row labels
    (as in the chart) and a key giving their full names, so the area columns get the room."""
    heatmap = figures.heatmap
    if heatmap is None:
        return None
    organisations = figures.summary.organisations
    labels = chartrules.heat_row_labels([(o.short_name, o.name) for o in organisations])
    table = heatmap.table
    if len(labels) != len(table.rows):  # not the chart's rows: keep the full names
        return table_layout(table)
    short = charts.DataTable(
        caption=table.caption,
        columns=table.columns,
        rows=[
            (clean(label), cells) for label, (_name, cells) in zip(labels, table.rows, strict=True)
        ],
        numeric=table.numeric,
    )
    key = [
        (clean(label), clean(o.name))
        for label, o in zip(labels, organisations, strict=True)
        if label != o.name
    ]
    return table_layout(short, key=key)


def automatic_summary(figures: Figures) -> list[str]:
    """A few sentences drawn from the figures, for a cover page left without a summary."""
    summary = figures.summary
    sentences = [
        _(
            "%(submitted)s of %(responses)s units have submitted their self-assessment "
            "(response rate %(rate)s)."
        )
        % {
            "submitted": summary.submitted,
            "responses": summary.responses,
            "rate": display.fmt_percent(summary.response_rate),
        }
    ]
    # Highest and lowest only among areas scored from enough answers (chartrules).
    scored = chartrules.rankable(summary.areas)
    if scored:
        best = max(scored, key=lambda a: a.score or 0)
        worst = min(scored, key=lambda a: a.score or 0)
        if display.fmt_score(best.score) == display.fmt_score(worst.score):
            sentences.append(
                _("On a scale from 0 to 100 every area scores %(score)s.")
                % {"score": display.fmt_score(best.score)}
            )
        else:
            sentences.append(
                _(
                    "On a scale from 0 to 100 the highest area score is %(best)s for "
                    "“%(best_title)s” and the lowest %(worst)s for “%(worst_title)s”."
                )
                % {
                    "best": display.fmt_score(best.score),
                    "best_title": localized(best, "title"),
                    "worst": display.fmt_score(worst.score),
                    "worst_title": localized(worst, "title"),
                }
            )
    if figures.weakest:
        weakest = figures.weakest[0]
        sentences.append(
            _("The weakest requirement is %(number)s “%(text)s” (%(score)s).")
            % {
                "number": figures.numbers.get(weakest.key, ""),
                "text": localized(weakest, "text"),
                "score": display.fmt_score(weakest.score),
            }
        )
    if summary.comparison is not None:
        changed = [c for c in summary.comparison.areas if c.change is not None]
        if changed:
            mean = sum(c.change or 0 for c in changed) / len(changed)
            sentences.append(
                _(
                    "Compared with “%(title)s” the area scores changed by %(change)s points "
                    "on average."
                )
                % {"title": summary.comparison.title, "change": display.fmt_change(mean)}
            )
            if figures.comparison_caution:
                sentences.append(figures.comparison_caution)
    return sentences


def report_context(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    matter: Any = None,
) -> dict[str, Any]:
    summary = selectors.campaign_summary(
        user=user, campaign=campaign, organisation=organisation, compare_to=compare_to
    )
    figures = build_figures(summary, id_prefix="pdf-")
    progress = selectors.campaign_progress(user=user, campaign=campaign, organisation=organisation)
    comments = selectors.campaign_comments(user=user, campaign=campaign, organisation=organisation)
    matter = matter or Matter()
    tables = {
        "areas": table_layout(figures.areas.table),
        "heatmap": heatmap_layout(figures),
        "comparison_areas": (
            table_layout(figures.comparison_areas.table) if figures.comparison_areas else None
        ),
        "comparison_requirements": (
            table_layout(figures.comparison_requirements)
            if figures.comparison_requirements
            else None
        ),
    }
    return {
        "campaign": campaign,
        "organisation": organisation,
        "compare_to": compare_to,
        "matter": matter,
        "summary_paragraphs": (
            [p for p in matter.summary.split("\n\n") if p.strip()]
            if matter.summary
            else automatic_summary(figures)
        ),
        "summary": summary,
        "figures": figures,
        "tables": tables,
        "distributions": [
            {"chart": chart, "table": table_layout(chart.table)} for chart in figures.distributions
        ],
        "progress": progress,
        "total": selectors.progress_total(progress),
        "weakest": [
            {
                "result": r,
                "number": figures.numbers.get(r.key, ""),
                "score": display.fmt_score(r.score),
            }
            for r in figures.weakest
        ],
        "comments": [
            {
                "group": group,
                "number": figures.numbers.get(group.key, ""),
                "shown": group.comments[:COMMENTS_PER_REQUIREMENT],
                "more": max(0, len(group.comments) - COMMENTS_PER_REQUIREMENT),
            }
            for group in comments
        ],
        "generated_at": timezone.localtime(),
    }


def campaign_report_html(**kwargs: Any) -> str:
    return render_to_string("assessments/pdf/report.html", report_context(**kwargs))


def campaign_report_pdf(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    matter: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The report as PDF bytes, scoped to what ``user`` may see.

    ``progress(done, total)``, when given (the file job), is told of two steps: the page's
    HTML drawn from the figures, then the PDF rendered (WeasyPrint does it in one call)."""
    from weasyprint import HTML

    if progress is not None:
        progress(0, 2)
    html = campaign_report_html(
        user=user,
        campaign=campaign,
        organisation=organisation,
        compare_to=compare_to,
        matter=matter,
    )
    if progress is not None:
        progress(1, 2)
    pdf = HTML(string=html).write_pdf()
    if progress is not None:
        progress(2, 2)
    return pdf
