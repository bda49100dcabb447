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
    label_en: str = ""  # the English label, blank when none (texts.localized picks)


@dataclass
class CommentGroup:
    key: str
    text: str
    comments: list[CommentItem] = field(default_factory=list)
    text_en: str = ""  # the English text, blank when none (texts.localized picks)


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
        "requirement__text_en",
        "requirement__scale_name",
        "response__unit__name",
        "response__organisation__name",
        "value",
        "comment",
    )
    framework = campaign.framework
    groups: dict[str, CommentGroup] = {}
    for key, text, text_en, scale_name, unit, org_name, value, comment in rows:
        group = groups.setdefault(key, CommentGroup(key=key, text=text, text_en=text_en))
        option = next((o for o in framework.scale(scale_name) if o["value"] == value), None)
        label = option["label"] if option else value
        label_en = (option.get("label_en") or "") if option else ""
        group.comments.append(CommentItem(unit, org_name, value, label, comment, label_en))
    return list(groups.values())
