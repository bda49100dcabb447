"""Scoped reads of actions (åtgärder): the filtered list, one action, the open actions
beside requirements."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from jamlik.assessments.models import (
    OPEN_ACTION_STATUSES,
    Action,
    Campaign,
)
from jamlik.core.lookups import get_or_404
from jamlik.core.scoping import Scope, scope_for
from jamlik.orgs.models import Organisation


def action_list(
    *,
    user: Any,
    organisation: Organisation | None = None,
    status: str | None = None,
    overdue: bool = False,
    campaign: Campaign | None = None,
    requirement: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Action]:
    actions = scope_for(user).filter(Action.objects.select_related("organisation"))
    if organisation is not None:
        actions = actions.filter(organisation__path__startswith=organisation.path)
    if status:
        actions = actions.filter(status=status)
    if overdue:
        actions = actions.filter(
            due__lt=today or timezone.localdate(), status__in=OPEN_ACTION_STATUSES
        )
    if campaign is not None:
        actions = actions.filter(campaign=campaign)
    if requirement:
        actions = actions.filter(requirement_key=requirement)
    return actions.order_by("due", "pk")


def action_get(*, user: Any, pk: Any) -> Action:
    return get_or_404(scope_for(user).filter(Action.objects.select_related("organisation")), pk)


def actions_for_requirements(
    *,
    user: Any,
    organisation: Organisation,
    keys: list[str] | None = None,
    include_descendants: bool = False,
    open_only: bool = False,
) -> dict[str, list[Action]]:
    """Actions by requirement key for an organisation: its own and those of the
    organisations above it (an administration's action concerns its units too), and with
    ``include_descendants`` those below it. ``user`` None is a unit's respondent, who sees
    the actions of their own unit and above. One query."""
    scope = scope_for(user) if user is not None else Scope(everything=True)
    ancestor_ids = [int(p) for p in organisation.path.strip("/").split("/") if p]
    where = Q(organisation_id__in=ancestor_ids)
    if include_descendants:
        where |= Q(organisation__path__startswith=organisation.path)
    actions = scope.filter(Action.objects.filter(where).select_related("organisation"))
    if keys is not None:
        actions = actions.filter(requirement_key__in=list(keys))
    if open_only:
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    result: dict[str, list[Action]] = defaultdict(list)
    for action in actions.order_by("due", "pk"):
        result[action.requirement_key].append(action)
    return dict(result)
