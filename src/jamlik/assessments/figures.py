"""The results of a campaign as the results page and the PDF report show them: the charts
and their data tables, built from the summary that ``selectors.campaign_summary`` computed.

Nothing here counts or scores answers: it only labels and arranges the summary's figures
(numbering requirements 1.1, 1.2, … in framework order so chart, table and form agree).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jamlik.assessments import chartrules, charts
from jamlik.assessments.frameworks import normalised_score
from jamlik.assessments.selectors import WEAKEST, RequirementResult, Summary
from jamlik.assessments.texts import localized
from jamlik.core import display


@dataclass
class ChartWithTable:
    svg: SafeString
    table: charts.DataTable
    heading: str = ""
    anchor: str = ""


@dataclass
class Figures:
    summary: Summary
    numbers: dict[str, str]  # requirement key → "1.2"
    area_titles: dict[str, str]
    areas: ChartWithTable
    distributions: list[ChartWithTable]
    heatmap: ChartWithTable | None
    comparison_areas: ChartWithTable | None = None
    comparison_requirements: charts.DataTable | None = None
    weakest: list[RequirementResult] = field(default_factory=list)
    # Requirements with a score from too few answers to be ranked (chartrules).
    unranked: int = 0
    comparison_caution: str = ""

    @property
    def min_answers(self) -> int:
        return chartrules.MIN_ANSWERS_FOR_RANKING

    @property
    def response_rate_text(self) -> str:
        return display.fmt_percent(self.summary.response_rate)

    def requirement_label(self, result: RequirementResult) -> str:
        return f"{self.numbers.get(result.key, '')} {localized(result, 'text')}".strip()


def requirement_numbers(summary: Summary) -> dict[str, str]:
    area_index = {area.key: i for i, area in enumerate(summary.areas, start=1)}
    numbers: dict[str, str] = {}
    seen: dict[str, int] = {}
    for result in summary.requirements:
        seen[result.area] = seen.get(result.area, 0) + 1
        numbers[result.key] = f"{area_index.get(result.area, 0)}.{seen[result.area]}"
    return numbers


def segments(result: RequirementResult) -> list[charts.Segment]:
    """The answers to one requirement in its scale's order, each with its score's level."""
    out = []
    for option in result.options:
        score = normalised_score(result.options, option["value"])
        out.append(
            charts.Segment(
                label=localized(option, "label"),
                count=result.counts.get(option["value"], 0),
                level=None if score is None else score / 100,
                value=str(option["value"]),
                scale="|".join(str(o["value"]) for o in result.options),
            )
        )
    return out


def weakest(summary: Summary) -> list[RequirementResult]:
    """The weakest requirements that may be named so: only those scored from enough
    answers (chartrules.rankable), lowest score first."""
    ranked = chartrules.rankable(summary.requirements)
    return sorted(ranked, key=lambda r: (r.score, r.order))[:WEAKEST]


def build_figures(summary: Summary, *, id_prefix: str = "") -> Figures:
    numbers = requirement_numbers(summary)
    area_titles = {a.key: localized(a, "title") for a in summary.areas}
    area_rows = [
        charts.ScoreRow(label=f"{i}. {area_titles[a.key]}", score=a.score, answers=a.scored)
        for i, a in enumerate(summary.areas, start=1)
    ]
    areas = ChartWithTable(
        svg=charts.score_chart(area_rows, chart_id=f"{id_prefix}area-scores"),
        table=charts.score_table(area_rows),
        heading=_("Score per area"),
        anchor="areas",
    )

    distributions = []
    for index, area in enumerate(summary.areas, start=1):
        rows = [
            charts.DistributionRow(
                label=f"{numbers[r.key]} {localized(r, 'text')}", segments=segments(r)
            )
            for r in summary.requirements
            if r.area == area.key
        ]
        if not rows:
            continue
        heading = f"{index}. {area_titles[area.key]}"
        title = _("Answers per requirement: %(area)s") % {"area": heading}
        distributions.append(
            ChartWithTable(
                svg=charts.distribution_chart(
                    rows, title=title, chart_id=f"{id_prefix}dist-{index}"
                ),
                table=charts.distribution_table(rows, caption=title),
                heading=heading,
                anchor=f"dist-{index}",
            )
        )

    heatmap = None
    if summary.organisations:
        columns = [f"{i}. {area_titles[a.key]}" for i, a in enumerate(summary.areas, start=1)]
        labels = chartrules.heat_row_labels([(o.short_name, o.name) for o in summary.organisations])
        heat_rows = [
            charts.HeatRow(
                label=label, name=o.name, scores=[o.areas.get(a.key) for a in summary.areas]
            )
            for label, o in zip(labels, summary.organisations, strict=True)
        ]
        heatmap = ChartWithTable(
            svg=charts.heatmap_chart(columns, heat_rows, chart_id=f"{id_prefix}heatmap"),
            table=charts.heatmap_table(columns, heat_rows),
            heading=_("Organisations and areas"),
            anchor="heatmap",
        )

    figures = Figures(
        summary=summary,
        numbers=numbers,
        area_titles=area_titles,
        areas=areas,
        distributions=distributions,
        heatmap=heatmap,
        weakest=weakest(summary),
        unranked=len(chartrules.too_few_to_rank(summary.requirements)),
    )

    comparison = summary.comparison
    if comparison is not None:
        previous_label = comparison.title
        current_label = summary.campaign.title
        if chartrules.comparison_needs_caution(summary.response_rate, comparison.response_rate):
            figures.comparison_caution = _(
                "Caution: the response rate is %(current)s in this campaign and %(previous)s "
                "in “%(title)s”. Below %(minimum)s the changes may reflect who answered "
                "rather than a real change."
            ) % {
                "current": display.fmt_percent(summary.response_rate),
                "previous": display.fmt_percent(comparison.response_rate),
                "title": comparison.title,
                "minimum": display.fmt_percent(chartrules.MIN_RESPONSE_RATE),
            }
        compare_rows = [
            charts.ComparisonRow(
                label=f"{i}. {area_titles.get(c.key, c.key)}",
                previous=c.previous,
                current=c.score,
            )
            for i, c in enumerate(comparison.areas, start=1)
        ]
        figures.comparison_areas = ChartWithTable(
            svg=charts.comparison_chart(
                compare_rows,
                previous_label=previous_label,
                current_label=current_label,
                chart_id=f"{id_prefix}comparison",
            ),
            table=charts.comparison_table(
                compare_rows, previous_label=previous_label, current_label=current_label
            ),
            heading=_("Comparison per area"),
            anchor="comparison",
        )
        texts = {r.key: localized(r, "text") for r in summary.requirements}
        figures.comparison_requirements = charts.comparison_table(
            [
                charts.ComparisonRow(
                    label=f"{numbers.get(c.key, '')} {texts.get(c.key, c.key)}",
                    previous=c.previous,
                    current=c.score,
                )
                for c in comparison.requirements
            ],
            previous_label=previous_label,
            current_label=current_label,
            caption=_("Comparison per requirement (same requirement keys)"),
            label_column=_("Requirement"),
        )
    return figures
