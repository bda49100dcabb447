"""The PDF summary report of a campaign, rendered with WeasyPrint from a template.

The first page is the basis for a committee's matter (tjänsteutlåtande): committee, date,
diary number, case officer and a summary (written by the coordinator, or drawn from the
figures when left empty). Then: the response rate per organisation, the score per area
(chart and table), organisations × areas (heat map and table), the weakest requirements,
the comparison with an earlier campaign when one is chosen, the comments grouped by
requirement, and as an appendix the distribution of answers per requirement.

Every figure comes from ``selectors.campaign_summary`` (the same as the page, the API and the
XLSX export), drawn by ``charts`` through ``figures``: the report adds layout, not numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.assessments import chartrules, selectors
from jamlik.assessments.figures import Figures, build_figures
from jamlik.assessments.models import Campaign
from jamlik.core import display
from jamlik.orgs.models import Organisation

# Comments per requirement printed in the report; the XLSX export holds every one.
COMMENTS_PER_REQUIREMENT = 10


@dataclass
class Matter:
    """The cover page of a committee's matter: who, when, which case, in short."""

    committee: str = ""
    date: dt.date | None = None
    diary_number: str = ""
    case_officer: str = ""
    summary: str = ""


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
                    "best_title": best.title,
                    "worst": display.fmt_score(worst.score),
                    "worst_title": worst.title,
                }
            )
    if figures.weakest:
        weakest = figures.weakest[0]
        sentences.append(
            _("The weakest requirement is %(number)s “%(text)s” (%(score)s).")
            % {
                "number": figures.numbers.get(weakest.key, ""),
                "text": weakest.text,
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
