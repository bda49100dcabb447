"""The campaign's XLSX export: the raw answers, the summary, the heat map and the units'
status, one sheet each, headings in the request's language (Swedish by default), filters on.

It reads the same ``selectors.campaign_summary`` as the API, the pages and the PDF report
(``pdf.py``), so the figures agree everywhere. The raw answers are streamed from the
database in chunks into the workbook (``xlsxstream``), so a city-wide campaign's hundred
thousand answers take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import pgettext

from jamlik.assessments import selectors
from jamlik.assessments.models import Answer, Campaign, Response, ResponseStatus
from jamlik.assessments.texts import localized
from jamlik.core.scoping import scope_for
from jamlik.core.xlsxstream import one_decimal, percent, xlsx_stream_bytes
from jamlik.orgs.models import Organisation

# Excel's limit is 1,048,576 rows a sheet; larger exports go on to "Svar 2", "Svar 3", ….
ROWS_PER_SHEET = 1_000_000
CHUNK = 5_000


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Spreadsheets have no time zones: write Stockholm time without one."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _labels(campaign: Campaign) -> dict[tuple[str, str], str]:
    """The answer labels by (scale, value), in the active language (texts.localized)."""
    return {
        (scale, option["value"]): localized(option, "label")
        for scale, options in campaign.framework.scales.items()
        for option in options
    }


def _submitted_responses(
    *, user: Any, campaign: Campaign, organisation: Organisation | None
) -> QuerySet[Response]:
    responses = scope_for(user).filter(
        Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED), via="unit"
    )
    if organisation is not None:
        responses = responses.filter(unit__path__startswith=organisation.path)
    return responses


def _answer_rows(
    campaign: Campaign,
    responses: QuerySet[Response],
    labels: dict[tuple[str, str], str],
    progress: Callable[[int], None],
) -> Iterator[list]:
    """The Svar sheet's rows, by unit and requirement. The big query reads only the answers'
    own columns; the unit's and the requirement's cells (the same on many rows) come from two
    small lookups, one row each per response and per requirement."""
    requirement_cells = {
        pk: (
            localized({"title": area, "title_en": area_en}, "title"),
            key,
            localized({"text": text, "text_en": text_en}, "text"),
            reference,
            scale,
        )
        for pk, area, area_en, key, text, text_en, reference, scale in (
            campaign.framework.requirements.values_list(
                "pk",
                "area__title",
                "area__title_en",
                "key",
                "text",
                "text_en",
                "reference",
                "scale_name",
            )
        )
    }
    response_cells = {
        pk: (org_name, unit, code, _local(submitted_at))
        for pk, org_name, unit, code, submitted_at in responses.values_list(
            "pk", "organisation__name", "unit__name", "unit__code", "submitted_at"
        ).iterator(chunk_size=CHUNK)
    }
    answers = (
        Answer.objects.filter(response__in=responses.values("pk"))
        .exclude(value="")
        .order_by("response__unit__path", "response_id", "requirement__order")
        .values_list("response_id", "requirement_id", "value", "normalised", "comment")
    )
    for done, (response_id, requirement_id, value, score, comment) in enumerate(
        answers.iterator(chunk_size=CHUNK), start=1
    ):
        org_name, unit, code, submitted_at = response_cells[response_id]
        area, key, text, reference, scale = requirement_cells[requirement_id]
        yield [org_name, unit, code, submitted_at, area, key, text, reference,
               labels.get((scale, value), value), value, one_decimal(score), comment]  # fmt: skip
        if done % CHUNK == 0:
            progress(done)


def _summary_rows(summary: selectors.Summary, columns: list[tuple[str, str]]) -> list[list[Any]]:
    areas = {a.key: a for a in summary.areas}
    previous_area: dict[str, float | None] = {}
    previous_requirement: dict[str, float | None] = {}
    if summary.comparison is not None:
        previous_area = {c.key: c.previous for c in summary.comparison.areas}
        previous_requirement = {c.key: c.previous for c in summary.comparison.requirements}
    rows: list[list[Any]] = []
    area_label, requirement_label = pgettext("xlsx", "Area"), pgettext("xlsx", "Requirement")
    current_area = None
    for requirement in summary.requirements:
        if requirement.area != current_area:
            current_area = requirement.area
            area = areas[current_area]
            row = [area_label, area.key, localized(area, "title"), "", "", area.answered, area.scored,
                   one_decimal(area.score)]  # fmt: skip
            row += [None] * len(columns)
            if summary.comparison is not None:
                row += _change_cells(area.score, previous_area.get(area.key))
            rows.append(row)
        row = [
            requirement_label,
            requirement.key,
            localized(area, "title"),
            localized(requirement, "text"),
            requirement.reference,
            requirement.answered,
            requirement.scored,
            one_decimal(requirement.score),
        ]
        scale = {o["value"] for o in requirement.options}
        row += [requirement.counts.get(v) if v in scale else None for _s, v in columns]
        if summary.comparison is not None:
            row += _change_cells(requirement.score, previous_requirement.get(requirement.key))
        rows.append(row)
    return rows


def _change_cells(score: float | None, previous: float | None) -> list[Any]:
    change = score - previous if score is not None and previous is not None else None
    return [one_decimal(previous), one_decimal(change)]


def _value_columns(campaign: Campaign) -> list[tuple[str, str]]:
    """(scale, value) of every scale value the framework's requirements use, in scale order."""
    used = list(
        dict.fromkeys(
            campaign.framework.requirements.order_by("order").values_list("scale_name", flat=True)
        )
    )
    return [
        (scale, option["value"])
        for scale in used
        for option in campaign.framework.scales.get(scale, [])
    ]


def _unit_rows(
    *, user: Any, campaign: Campaign, organisation: Organisation | None
) -> Iterator[list[Any]]:
    responses = scope_for(user).filter(Response.objects.filter(campaign=campaign), via="unit")
    if organisation is not None:
        responses = responses.filter(unit__path__startswith=organisation.path)
    statuses = dict(ResponseStatus.choices)
    rows = responses.order_by("unit__path").values_list(
        "organisation__name", "unit__name", "unit__code", "status", "submitted_at", "submitted_by"
    )
    for org_name, unit, code, status, submitted_at, submitted_by in rows.iterator(chunk_size=CHUNK):
        yield [org_name, unit, code, str(statuses.get(status, status)), _local(submitted_at),
               submitted_by]  # fmt: skip


def campaign_xlsx(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    compare_to: Campaign | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The workbook: Svar (raw submitted answers), Sammanfattning (areas and requirements),
    Organisationer (the heat map) and Enheter (every unit's status).

    ``progress(done, total)``, when given, is called as the answers are written (they are
    nearly all of the work): ``done`` answers of ``total``, last with ``done == total``."""
    summary = selectors.campaign_summary(
        user=user, campaign=campaign, organisation=organisation, compare_to=compare_to
    )
    labels = _labels(campaign)
    columns = _value_columns(campaign)
    answer_header = [
        pgettext("xlsx", "Organisation"),
        pgettext("xlsx", "Unit"),
        pgettext("xlsx", "Unit code"),
        pgettext("xlsx", "Submitted"),
        pgettext("xlsx", "Area"),
        pgettext("xlsx", "Requirement"),
        pgettext("xlsx", "Requirement text"),
        pgettext("xlsx", "Legal reference"),
        pgettext("xlsx", "Answer"),
        pgettext("xlsx", "Answer code"),
        pgettext("xlsx", "Score (0–100)"),
        pgettext("xlsx", "Comment"),
    ]
    sheets: list[tuple[str, list[str], Any]] = []
    responses = _submitted_responses(user=user, campaign=campaign, organisation=organisation)
    total = Answer.objects.filter(response__in=responses.values("pk")).exclude(value="").count()

    def answers_written(done: int) -> None:
        if progress is not None:
            progress(done, total)

    rows = _answer_rows(campaign, responses, labels, answers_written)
    # One sheet holds at most ROWS_PER_SHEET answers; the rest go on "Svar 2", "Svar 3", ….
    for number in range(max(1, math.ceil(total / ROWS_PER_SHEET))):
        title = pgettext("xlsx", "Answers") + (f" {number + 1}" if number else "")
        sheets.append((title, answer_header, itertools.islice(rows, ROWS_PER_SHEET)))
    summary_header = [
        pgettext("xlsx", "Level"),
        pgettext("xlsx", "Key"),
        pgettext("xlsx", "Area"),
        pgettext("xlsx", "Requirement text"),
        pgettext("xlsx", "Legal reference"),
        pgettext("xlsx", "Answers"),
        pgettext("xlsx", "Answers with a score"),
        pgettext("xlsx", "Score (0–100)"),
    ] + [labels[c] for c in columns]
    if summary.comparison is not None:
        summary_header += [
            pgettext("xlsx", "Previous score (%(title)s)") % {"title": summary.comparison.title},
            pgettext("xlsx", "Change"),
        ]
    sheets.append((pgettext("xlsx", "Summary"), summary_header, _summary_rows(summary, columns)))
    if summary.comparison is not None and summary.comparison.successions:
        # Merged, renamed or split organisations compared with their predecessors.
        sheets.append(
            (
                pgettext("xlsx", "Predecessors"),
                [pgettext("xlsx", "Compared with %(title)s") % {"title": summary.comparison.title}],
                [[note] for note in summary.comparison.notes],
            )
        )
    sheets.append(
        (
            pgettext("xlsx", "Organisations"),
            [
                pgettext("xlsx", "Organisation"),
                pgettext("xlsx", "Units"),
                pgettext("xlsx", "Submitted"),
                pgettext("xlsx", "Response rate"),
            ]
            + [localized(a, "title") for a in summary.areas],
            [
                [
                    o.name,
                    o.responses,
                    o.submitted,
                    percent(o.submitted / o.responses if o.responses else 0),
                ]
                + [one_decimal(o.areas.get(a.key)) for a in summary.areas]
                for o in summary.organisations
            ],
        )
    )
    sheets.append(
        (
            pgettext("xlsx", "Units"),
            [
                pgettext("xlsx", "Organisation"),
                pgettext("xlsx", "Unit"),
                pgettext("xlsx", "Unit code"),
                pgettext("xlsx", "Status"),
                pgettext("xlsx", "Submitted"),
                pgettext("xlsx", "Submitted by"),
            ],
            _unit_rows(user=user, campaign=campaign, organisation=organisation),
        )
    )
    content = xlsx_stream_bytes(sheets)
    answers_written(total)
    return content
