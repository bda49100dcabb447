"""The respondent's endpoints (``/public/responses/{token}/…``, ``auth=None``): the
response with its framework, answers and actions, saving answers and submitting."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, Field, Schema

from jamlik.assessments import selectors, services
from jamlik.assessments.api.common import (
    MAX_ANSWERS,
    DateTimeOut,
    router,
)
from jamlik.assessments.api.frameworks import FrameworkOut, _framework_out
from jamlik.assessments.api.responses import (
    _NO_NAME,
    AnswerIn,
    AnswerOut,
    SubmitIn,
    _answers_out,
)
from jamlik.assessments.models import (
    Action,
    ResponseStatus,
)
from jamlik.core.api import errors


class PublicCampaignOut(Schema):
    id: int
    title: str
    opens_at: DateTimeOut
    closes_at: DateTimeOut
    status: str


class PublicUnitOut(Schema):
    id: int
    name: str


class PublicActionOut(Schema):
    requirement: str = Field(..., validation_alias="requirement_key")
    title: str
    owner: str
    due: dt.date
    status: str
    overdue: bool

    @staticmethod
    def resolve_overdue(action: Action) -> bool:
        return action.is_overdue()


class PublicResponseOut(Schema):
    campaign: PublicCampaignOut
    unit: PublicUnitOut
    status: str
    submitted_at: DateTimeOut | None
    framework: FrameworkOut
    answers: list[AnswerOut]
    actions: list[PublicActionOut]


# ---- The respondent's link ---------------------------------------------------------------


@router.get("/public/responses/{token}", response=PublicResponseOut, auth=None)
def public_response(request: HttpRequest, token: str) -> Any:
    response = selectors.response_for_token(token)
    framework = selectors.framework_get(user=None, pk=response.campaign.framework_id)
    actions = selectors.actions_for_requirements(user=None, organisation=response.unit)
    return {
        "campaign": {
            "id": response.campaign.pk,
            "title": response.campaign.title,
            "opens_at": response.campaign.opens_at,
            "closes_at": response.campaign.closes_at,
            "status": response.campaign.status,
        },
        "unit": {"id": response.unit.pk, "name": response.unit.name},
        "status": response.status,
        "submitted_at": response.submitted_at,
        "framework": _framework_out(framework),
        "answers": _answers_out(response),
        "actions": [a for items in actions.values() for a in items],
    }


@router.get("/public/responses/{token}/answers", response=list[AnswerOut], auth=None)
def public_get_answers(request: HttpRequest, token: str) -> Any:
    return _answers_out(selectors.response_for_token(token))


@router.put(
    "/public/responses/{token}/answers",
    response={200: list[AnswerOut], **errors(409)},
    auth=None,
)
def public_put_answers(
    request: HttpRequest,
    token: str,
    payload: Body[Annotated[list[AnswerIn], Field(max_length=MAX_ANSWERS)]],
) -> Any:
    response = selectors.response_for_token(token)
    services.answers_save(
        actor=None,
        response=response,
        answers=payload,
        by_respondent=True,
    )
    return _answers_out(response)


class PublicSubmittedOut(Schema):
    status: str
    submitted_at: DateTimeOut | None
    version: int


@router.post(
    "/public/responses/{token}/submit",
    response={200: PublicSubmittedOut, **errors(409)},
    auth=None,
)
def public_submit(request: HttpRequest, token: str, payload: SubmitIn = _NO_NAME) -> Any:
    response = selectors.response_for_token(token)
    version = services.response_submit(
        actor=None,
        response=response,
        by_respondent=True,
        data=payload,
    )
    return {"status": ResponseStatus.SUBMITTED, "submitted_at": version.submitted_at,
            "version": version.number}  # fmt: skip
