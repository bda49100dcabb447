"""Test data for assessments: a small framework whose scores are easy to compute by hand,
campaigns made through the service, and helpers that answer and submit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jamlik.assessments import services
from jamlik.assessments.models import Campaign, Framework, Response

# Two areas; r2 has its own maturity scale (0–3), the others yes/partly/no with n/a and
# don't know (no score). Normalised: yes 100, partly 50, no 0; maturity 0, 33.3, 66.7, 100.
SMALL_FRAMEWORK = """\
key: test-ramverk
version: "{version}"
title: Testramverk {version}
description: Ett litet ramverk för tester.
scales:
  compliance:
    - {{value: "yes", label: Uppfyllt, score: 2}}
    - {{value: "partly", label: Delvis uppfyllt, score: 1}}
    - {{value: "no", label: Ej uppfyllt, score: 0}}
    - {{value: "na", label: Ej tillämpligt, score: null}}
    - {{value: "dont_know", label: Vet ej, score: null}}
  maturity:
    - {{value: "0", label: "0 – saknas", score: 0}}
    - {{value: "1", label: "1 – påbörjat", score: 1}}
    - {{value: "2", label: "2 – etablerat", score: 2}}
    - {{value: "3", label: "3 – etablerat och utvärderat", score: 3}}
default_scale: compliance
areas:
  - key: a1
    title: Område ett
    requirements:
      - key: r1
        text: Krav ett
        reference: "Lag 1 §"
        guidance: Vägledning ett
      - key: r2
        text: Krav två
        reference: "Lag 2 §"
        scale: maturity
  - key: a2
    title: Område två
    requirements:
      - key: r3
        text: Krav tre
        reference: "Lag 3 §"
        check: true
"""

ALL_YES = {"r1": "yes", "r2": "3", "r3": "yes"}


def framework(version: str = "1") -> Framework:
    return services.framework_load(
        source=SMALL_FRAMEWORK.format(version=version), name=f"test-{version}.yaml"
    ).framework


def campaign(
    *,
    organisations: list[Any],
    fw: Framework | None = None,
    title: str = "Självskattning",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    reminder_interval_days: int = 7,
) -> Campaign:
    now = timezone.now()
    return services.campaign_create(
        actor=None,
        title=title,
        framework=fw or Framework.objects.filter(key="test-ramverk").first() or framework(),
        organisations=organisations,
        opens_at=opens_at or now - dt.timedelta(days=1),
        closes_at=closes_at or now + dt.timedelta(days=30),
        reminder_interval_days=reminder_interval_days,
    )


def answer(response: Response, values: dict[str, str], comments: dict[str, str] | None = None):
    comments = comments or {}
    items = [
        {"requirement": key, "value": value, "comment": comments.get(key, "")}
        for key, value in values.items()
    ]
    return services.answers_save(actor=None, response=response, answers=items)


def submit(response: Response, values: dict[str, str] | None = None, **comments: str):
    answer(response, values or ALL_YES, comments)
    return services.response_submit(actor=None, response=response)


def many_units(parent: Any, count: int) -> list[Any]:
    """``count`` units under ``parent``, inserted in bulk with correct paths (fast enough for
    query-count tests with hundreds of units)."""
    from jamlik.orgs.models import Kind, Organisation

    start = Organisation.objects.count()
    rows = [
        Organisation(
            kind=Kind.UNIT,
            parent=parent,
            name=f"{parent.name} enhet {i}",
            code=f"{parent.code}-M{start + i}"[:20],
            depth=parent.depth + 1,
        )
        for i in range(count)
    ]
    created = Organisation.objects.bulk_create(rows)
    if created and created[0].pk is None:  # backends that do not return ids
        created = list(Organisation.objects.filter(parent=parent, path="").order_by("pk"))
    for org in created:
        org.path = f"{parent.path}{org.pk}/"
    Organisation.objects.bulk_update(created, ["path"])
    return created


def answer_in_bulk(campaign: Campaign, *, submitted_every: int = 1) -> None:
    """Answers to every requirement for every response, cycling through the scale values;
    every ``submitted_every``-th response is submitted, the others are drafts."""
    from jamlik.assessments.frameworks import normalised_score
    from jamlik.assessments.models import Answer, ResponseStatus

    requirements = list(campaign.framework.requirements.order_by("order"))
    answers = []
    responses = list(campaign.responses.order_by("pk"))
    for index, response in enumerate(responses):
        for r_index, requirement in enumerate(requirements):
            scale = campaign.framework.scale(requirement.scale_name)
            value = scale[(index + r_index) % len(scale)]["value"]
            answers.append(
                Answer(
                    response=response,
                    requirement=requirement,
                    value=value,
                    comment=f"Kommentar {index}" if r_index == 0 else "",
                    normalised=normalised_score(scale, value),
                )
            )
        response.status = (
            ResponseStatus.SUBMITTED if index % submitted_every == 0 else ResponseStatus.DRAFT
        )
        response.submitted_at = timezone.now() if response.status == "submitted" else None
    Answer.objects.bulk_create(answers, batch_size=1000)
    Response.objects.bulk_update(responses, ["status", "submitted_at"])
