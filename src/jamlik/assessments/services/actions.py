"""Actions (åtgärder): create and change, within the actor's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.assessments import policies
from jamlik.assessments.frameworks import KEY_RE
from jamlik.assessments.models import (
    Action,
    ActionStatus,
    Requirement,
)
from jamlik.assessments.services.common import (
    require_in_scope,
)
from jamlik.core import validation
from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid
from jamlik.core.scoping import scope_for
from jamlik.orgs.models import Organisation

# ---- Actions -----------------------------------------------------------------------------

ACTION_FIELDS = (
    "organisation",
    "requirement",
    "campaign",
    "title",
    "description",
    "owner",
    "due",
    "status",
)


def _action_snapshot(action: Action) -> dict[str, Any]:
    fields = ("organisation", "requirement_key", "campaign", "title", "description", "owner")
    return snapshot(action, (*fields, "due", "status"), rename={"requirement_key": "requirement"})


def _apply_action_fields(action: Action, data: dict[str, Any], *, actor: Any) -> None:
    errors: list[dict[str, Any]] = []

    def text(field: str, max_length: int, required: bool, multiline: bool = False) -> None:
        try:
            value = validation.clean_text(
                data[field], max_length=max_length, required=required, multiline=multiline
            )
            setattr(action, field, value)
        except ValidationError as exc:
            errors.append({"field": field, "message": exc.messages[0]})

    if "title" in data:
        text("title", validation.NAME_MAX, True)
    if "owner" in data:
        text("owner", validation.NAME_MAX, True)
    if "description" in data:
        text("description", validation.TEXT_MAX, False, multiline=True)
    if "status" in data:
        if data["status"] not in ActionStatus.values:
            errors.append(
                {
                    "field": "status",
                    "message": _("Choose one of: %(values)s.")
                    % {"values": ", ".join(ActionStatus.values)},
                }
            )
        else:
            action.status = data["status"]
    if "due" in data:
        if not isinstance(data["due"], dt.date) or isinstance(data["due"], dt.datetime):
            errors.append({"field": "due", "message": _("Enter a valid date (YYYY-MM-DD).")})
        else:
            action.due = data["due"]
    if "organisation" in data:
        organisation = data["organisation"]
        if not isinstance(organisation, Organisation) or (
            actor is not None and not scope_for(actor).covers(organisation)
        ):
            errors.append({"field": "organisation", "message": _("Unknown organisation.")})
        else:
            action.organisation = organisation
    if "campaign" in data:
        action.campaign = data["campaign"]
    if "requirement" in data:
        key = data["requirement"]
        valid = isinstance(key, str) and KEY_RE.match(key)
        known = Requirement.objects.filter(key=key) if valid else None
        if action.campaign is not None and known is not None:
            known = known.filter(framework_id=action.campaign.framework_id)
        if known is None or not known.exists():
            errors.append(
                {
                    "field": "requirement",
                    "message": _("Unknown requirement: %(key)s.") % {"key": str(key)[:100]},
                }
            )
        else:
            action.requirement_key = key
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)


@transaction.atomic
def action_create(*, actor: Any, **data: Any) -> Action:
    if actor is not None:
        policies.require(policies.may_manage_actions, actor)
    missing = [f for f in ("organisation", "requirement", "title", "owner", "due") if f not in data]
    if missing:
        raise Invalid(
            _("This field is required."),
            errors=[{"field": f, "message": _("This field is required.")} for f in missing],
        )
    action = Action(status=ActionStatus.PLANNED)
    _apply_action_fields(action, {k: v for k, v in data.items() if k in ACTION_FIELDS}, actor=actor)
    action.save()
    audit_log(
        actor=actor, action="assessments.action.created", obj=action, new=_action_snapshot(action)
    )
    return action


@transaction.atomic
def action_update(*, actor: Any, action: Action, **data: Any) -> Action:
    if actor is not None:
        policies.require(policies.may_manage_actions, actor)
    action = Action.objects.select_for_update().select_related("organisation").get(pk=action.pk)
    require_in_scope(actor, action.organisation)
    before = _action_snapshot(action)
    fields = {k: v for k, v in data.items() if k in ACTION_FIELDS}
    if "requirement" not in fields and "campaign" in fields and fields["campaign"] is not None:
        fields["requirement"] = action.requirement_key  # still in the new campaign's framework?
    _apply_action_fields(action, fields, actor=actor)
    action.save()
    old, new = changes(before, _action_snapshot(action))
    if new:
        audit_log(actor=actor, action="assessments.action.updated", obj=action, old=old, new=new)
    return action
