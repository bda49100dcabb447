"""The Actions endpoints: list with filters, create, read and change actions in scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status
from pydantic import StrictInt

from jamlik.assessments import selectors, services
from jamlik.assessments.api.common import (
    DateIn,
    DateTimeOut,
    Key,
    _organisations,
    router,
)
from jamlik.assessments.models import (
    Action,
    ActionStatus,
)
from jamlik.core.api import paginate
from jamlik.core.schemas import InputSchema, Name, OptionalText


class ActionIn(InputSchema):
    organisation: StrictInt
    requirement: Key
    campaign: StrictInt | None = None
    title: Name
    description: OptionalText = ""
    owner: Name
    due: DateIn
    status: ActionStatus = ActionStatus.PLANNED


class ActionPatch(InputSchema):
    organisation: StrictInt | None = None
    requirement: Key | None = None
    campaign: StrictInt | None = None
    title: Name | None = None
    description: OptionalText | None = None
    owner: Name | None = None
    due: DateIn | None = None
    status: ActionStatus | None = None


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


def _action_data(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("organisation") is not None:
        (data["organisation"],) = _organisations(
            [data["organisation"]], field="organisation", user=request.user
        )
    if "campaign" in data and data["campaign"] is not None:
        data["campaign"] = selectors.campaign_ref(
            data["campaign"], user=request.user, field="campaign"
        )
    if data.get("status") is not None:
        data["status"] = ActionStatus(data["status"]).value
    return data


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
    data = _action_data(request, payload.model_dump())
    return Status(201, services.action_create(actor=request.user, **data))


@router.get("/actions/{action_id}", response=ActionOut)
def get_action(request: HttpRequest, action_id: int) -> Any:
    return selectors.action_get(user=request.user, pk=action_id)


@router.patch("/actions/{action_id}", response=ActionOut)
def update_action(request: HttpRequest, action_id: int, payload: ActionPatch) -> Any:
    action = selectors.action_get(user=request.user, pk=action_id)
    data = payload.model_dump(exclude_unset=True)
    for required in ("organisation", "requirement", "title", "owner", "due", "status"):
        if required in data and data[required] is None:
            del data[required]
    return services.action_update(actor=request.user, action=action, **_action_data(request, data))
