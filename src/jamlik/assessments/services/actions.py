"""Actions (åtgärder): create and change, within the actor's scope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.assessments import policies
from jamlik.assessments.inputs import ActionChanges, ActionInput
from jamlik.assessments.models import (
    Action,
    ActionStatus,
    Campaign,
    Requirement,
)
from jamlik.assessments.services.common import (
    require_in_scope,
)
from jamlik.core.audit import audit_log, snapshot
from jamlik.core.audit import changes as changes_of
from jamlik.core.errors import Invalid
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation

# ---- Actions -----------------------------------------------------------------------------

# Passed for ``campaign`` when the caller does not change it (None removes it).
UNCHANGED: Any = object()


def _action_snapshot(action: Action) -> dict[str, Any]:
    fields = ("organisation", "requirement_key", "campaign", "title", "description", "owner")
    return snapshot(action, (*fields, "due", "status"), rename={"requirement_key": "requirement"})


def _check_references(action: Action, *, actor: Any, organisation: Any, key: str | None) -> None:
    """What needs the database: the organisation in the actor's scope, the requirement in
    the campaign's framework (or in any framework without a campaign)."""
    errors: list[dict[str, Any]] = []
    if organisation is not None:
        if not isinstance(organisation, Organisation) or (
            actor is not None and not scope_for(actor).covers(organisation)
        ):
            errors.append({"field": "organisation", "message": _("Unknown organisation.")})
        else:
            action.organisation = organisation
    if key is not None:
        known = Requirement.objects.filter(key=key)
        if action.campaign is not None:
            known = known.filter(framework_id=action.campaign.framework_id)
        if not known.exists():
            errors.append(
                {
                    "field": "requirement",
                    "message": _("Unknown requirement: %(key)s.") % {"key": key},
                }
            )
        else:
            action.requirement_key = key
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)


@transaction.atomic
def action_create(
    *,
    actor: Any,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
    data: ActionInput | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Action:
    """Create an action from ``data`` (or the keyword arguments) for ``organisation``,
    optionally tied to ``campaign``."""
    if actor is not None:
        policies.require(policies.may_manage_actions, actor)
    payload = ActionInput.take(data, **fields)
    if organisation is None:
        raise Invalid.field("organisation", _("This field is required."))
    action = Action(
        campaign=campaign,
        title=payload.title,
        description=payload.description,
        owner=payload.owner,
        due=payload.due,
        status=ActionStatus(payload.status).value,
    )
    _check_references(action, actor=actor, organisation=organisation, key=payload.requirement)
    action.save()
    audit_log(
        actor=actor, action="assessments.action.created", obj=action, new=_action_snapshot(action)
    )
    return action


@transaction.atomic
def action_update(
    *,
    actor: Any,
    action: Action,
    organisation: Organisation | None = None,
    campaign: Campaign | None = UNCHANGED,
    data: ActionChanges | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Action:
    """Change what ``data`` (or the keyword arguments) sends; ``organisation`` and
    ``campaign`` when given (``campaign=None`` removes the campaign)."""
    if actor is not None:
        policies.require(policies.may_manage_actions, actor)
    payload = ActionChanges.take(data, **fields)
    action = Action.objects.select_for_update().select_related("organisation").get(pk=action.pk)
    require_in_scope(actor, action.organisation)
    before = _action_snapshot(action)
    changes = payload.changes()
    key = changes.pop("requirement", None)
    if "status" in changes:
        changes["status"] = ActionStatus(changes["status"]).value
    for name, value in changes.items():
        setattr(action, name, value)
    if campaign is not UNCHANGED:
        action.campaign = campaign
        if key is None and campaign is not None:
            key = action.requirement_key  # still in the new campaign's framework?
    _check_references(action, actor=actor, organisation=organisation, key=key)
    action.save()
    old, new = changes_of(before, _action_snapshot(action))
    if new:
        audit_log(actor=actor, action="assessments.action.updated", obj=action, old=old, new=new)
    return action
