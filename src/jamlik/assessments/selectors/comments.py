"""The campaign's comments, grouped by requirement, scoped like the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jamlik.assessments.models import (
    Answer,
    Campaign,
    ResponseStatus,
)
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation


@dataclass
class CommentItem:
    unit: str
    organisation: str
    value: str
    label: str
    comment: str


@dataclass
class CommentGroup:
    key: str
    text: str
    comments: list[CommentItem] = field(default_factory=list)


def campaign_comments(
    *,
    user: Any,
    campaign: Campaign,
    organisation: Organisation | None = None,
    requirement: str | None = None,
) -> list[CommentGroup]:
    """The comments of submitted responses, grouped by requirement in framework order."""
    answers = Answer.objects.filter(
        response__campaign=campaign, response__status=ResponseStatus.SUBMITTED
    ).exclude(comment="")
    answers = scope_for(user).filter(answers, via="response__unit")
    if organisation is not None:
        answers = answers.filter(response__unit__path__startswith=organisation.path)
    if requirement:
        answers = answers.filter(requirement__key=requirement)
    rows = answers.order_by("requirement__order", "response__unit__name", "pk").values_list(
        "requirement__key",
        "requirement__text",
        "requirement__scale_name",
        "response__unit__name",
        "response__organisation__name",
        "value",
        "comment",
    )
    framework = campaign.framework
    groups: dict[str, CommentGroup] = {}
    for key, text, scale_name, unit, org_name, value, comment in rows:
        group = groups.setdefault(key, CommentGroup(key=key, text=text))
        label = next(
            (o["label"] for o in framework.scale(scale_name) if o["value"] == value), value
        )
        group.comments.append(CommentItem(unit, org_name, value, label, comment))
    return list(groups.values())
