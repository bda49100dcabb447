"""The Actions endpoints: list with filters, create, read and change actions in scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status

from jamlik.assessments import selectors, services
from jamlik.assessments.api.common import (
    DateTimeOut,
    Key,
    _organisations,
    router,
)
from jamlik.assessments.inputs import ActionIn, ActionPatch
from jamlik.assessments.models import (
    Action,
    ActionStatus,
)
from jamlik.core.api import paginate


class ActionOut(Schema):
    id: int
    organisation: int = Field(..., validation_alias="organisation_id")
    requirement: str = Field(..., validation_alias="requirement_key")
    campaign: int | None = Field(None, validation_alias="campaign_id")
    title: str
    description: str
    owner: str
    due: dt.date
    status: str
    overdue: bool
    created_at: DateTimeOut
    updated_at: DateTimeOut

    @staticmethod
    def resolve_overdue(action: Action) -> bool:
        return action.is_overdue()


class ActionFilter(Schema):
    organisation: int | None = None
    status: ActionStatus | None = None
    overdue: bool = False
    campaign: int | None = None
    requirement: Key | None = None


# ---- Actions -----------------------------------------------------------------------------


def _references(request: HttpRequest, payload: ActionIn | ActionPatch) -> dict[str, Any]:
    """The organisation and campaign a body names by id, as objects in the caller's scope;
    only those sent (``campaign: null`` removes a PATCHed action's campaign)."""
    sent = payload.model_fields_set
    references: dict[str, Any] = {}
    if payload.organisation is not None:
        (references["organisation"],) = _organisations(
            [payload.organisation], field="organisation", user=request.user
        )
    if "campaign" in sent:
        references["campaign"] = (
            selectors.campaign_ref(payload.campaign, user=request.user, field="campaign")
            if payload.campaign is not None
            else None
        )
    return references


@router.get("/actions", response=list[ActionOut])
def list_actions(request: HttpRequest, response: HttpResponse, filters: Query[ActionFilter]) -> Any:
    actions = selectors.action_list(
        user=request.user,
        organisation=selectors.organisation_filter(filters.organisation, user=request.user),
        status=filters.status.value if filters.status else None,
        overdue=filters.overdue,
        campaign=(
            selectors.campaign_ref(filters.campaign, user=request.user, field="campaign")
            if filters.campaign is not None
            else None
        ),
        requirement=filters.requirement,
    )
    return paginate(request, response, actions)


@router.post("/actions", response={201: ActionOut})
def create_action(request: HttpRequest, payload: ActionIn) -> Any:
    references = _references(request, payload)
    return Status(201, services.action_create(actor=request.user, data=payload, **references))


@router.get("/actions/{action_id}", response=ActionOut)
def get_action(request: HttpRequest, action_id: int) -> Any:
    return selectors.action_get(user=request.user, pk=action_id)


@router.patch("/actions/{action_id}", response=ActionOut)
def update_action(request: HttpRequest, action_id: int, payload: ActionPatch) -> Any:
    action = selectors.action_get(user=request.user, pk=action_id)
    references = _references(request, payload)
    return services.action_update(actor=request.user, action=action, data=payload, **references)
