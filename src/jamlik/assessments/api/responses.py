"""The Responses endpoints (staff): a response, its respondents, answers (PUT semantics),
submit, reopen and versions; the answer schemas the respondent's endpoints share."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, Field, Schema, Status

from jamlik.assessments import selectors, services
from jamlik.assessments.api.campaigns import ResponseOut
from jamlik.assessments.api.common import (
    MAX_ANSWERS,
    DateTimeOut,
    router,
)
from jamlik.assessments.inputs import AnswerIn, ReopenIn, RespondentsIn, SignOffIn, SubmitIn
from jamlik.assessments.models import (
    Response,
    SignOff,
)
from jamlik.assessments.selectors.campaigns import response_signoffs
from jamlik.assessments.services.signoff import response_sign_off
from jamlik.core.api import errors


class ResponseDetailOut(ResponseOut):
    campaign: int = Field(..., validation_alias="campaign_id")
    unit_name: str
    respondents: list[str]
    invited_at: DateTimeOut | None
    reminded_at: DateTimeOut | None
    signed_off_at: DateTimeOut | None = None  # (addition) the current version's acceptance

    @staticmethod
    def resolve_unit_name(response: Response) -> str:
        return response.unit.name


class AnswerOut(Schema):
    requirement: str
    value: str
    label: str
    score: float | None
    comment: str
    updated_at: DateTimeOut
    label_en: str = ""  # the English label; "" when the framework has none


def _answers_out(response: Response) -> list[dict[str, Any]]:
    framework = response.campaign.framework
    answers = []
    for answer in selectors.answer_list(response=response):
        options = framework.scale(answer.requirement.scale_name)
        option = next((o for o in options if o["value"] == answer.value), {})
        answers.append(
            {
                "requirement": answer.requirement.key,
                "value": answer.value,
                "label": option.get("label", ""),
                "label_en": option.get("label_en") or "",
                "score": answer.normalised,
                "comment": answer.comment,
                "updated_at": answer.updated_at,
            }
        )
    return answers


class VersionOut(Schema):
    number: int
    submitted_at: DateTimeOut
    submitted_by: str
    answers: list[dict[str, Any]]


# The bodies of reopen and submit are optional: without one these defaults apply, while a
# body that is there must be an object (a default of None would let ``null`` through).
_NO_NAME = SubmitIn()
_NO_REASON = ReopenIn()


# ---- Responses ---------------------------------------------------------------------------


@router.get("/responses/{response_id}", response=ResponseDetailOut)
def get_response(request: HttpRequest, response_id: int) -> Any:
    return selectors.response_get(user=request.user, pk=response_id)


@router.put("/responses/{response_id}/respondents", response=ResponseDetailOut)
def set_respondents(request: HttpRequest, response_id: int, payload: RespondentsIn) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.response_respondents_set(actor=request.user, response=response, data=payload)
    return selectors.response_get(user=request.user, pk=response_id)


@router.get("/responses/{response_id}/answers", response=list[AnswerOut])
def get_answers(request: HttpRequest, response_id: int) -> Any:
    return _answers_out(selectors.response_get(user=request.user, pk=response_id))


@router.put("/responses/{response_id}/answers", response={200: list[AnswerOut], **errors(409)})
def put_answers(
    request: HttpRequest,
    response_id: int,
    payload: Body[Annotated[list[AnswerIn], Field(max_length=MAX_ANSWERS)]],
) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.answers_save(actor=request.user, response=response, answers=payload)
    return _answers_out(response)


@router.post("/responses/{response_id}/submit", response={200: ResponseDetailOut, **errors(409)})
def submit_response(request: HttpRequest, response_id: int) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.response_submit(actor=request.user, response=response)
    return selectors.response_get(user=request.user, pk=response_id)


@router.post("/responses/{response_id}/reopen", response={200: ResponseDetailOut, **errors(409)})
def reopen_response(request: HttpRequest, response_id: int, payload: ReopenIn = _NO_REASON) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    services.response_reopen(actor=request.user, response=response, data=payload)
    return selectors.response_get(user=request.user, pk=response_id)


@router.get("/responses/{response_id}/versions", response=list[VersionOut])
def list_versions(request: HttpRequest, response_id: int) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    return selectors.response_versions(response=response)


# ---- Sign-off (addition) -----------------------------------------------------------------


class SignOffOut(Schema):
    id: int
    response: int = Field(..., validation_alias="response_id")
    version: int  # the number of the submitted version judged
    decision: str
    comment: str
    signed_by_name: str
    signed_by_title: str
    recorded_by: int | None = Field(None, validation_alias="signed_by_id")
    signed_at: DateTimeOut

    @staticmethod
    def resolve_version(signoff: SignOff) -> int:
        return signoff.version.number


@router.post("/responses/{response_id}/signoff", response={201: SignOffOut, **errors(403, 409)})
def sign_off_response(request: HttpRequest, response_id: int, payload: SignOffIn) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    return Status(201, response_sign_off(actor=request.user, response=response, data=payload))


@router.get("/responses/{response_id}/signoffs", response=list[SignOffOut])
def list_signoffs(request: HttpRequest, response_id: int) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    return response_signoffs(response=response)
