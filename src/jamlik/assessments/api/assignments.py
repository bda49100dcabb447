"""Delegation inside a unit (docs/api.md#endpoints-assessments, docs/rules.md#assessments-
assignments): a response's assignments for staff (``/responses/{id}/assignments``) and for
the unit's respondent through their link (``/public/responses/{token}/assignments``), and the
colleague's own link (``/public/assignments/{token}``: the requirements handed to them and
their answers, PUT semantics as the respondent's)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, Field, Schema, Status

from jamlik.assessments import selectors
from jamlik.assessments.api.common import MAX_ANSWERS, DateTimeOut, router
from jamlik.assessments.api.frameworks import RequirementOut, ScaleOptionOut
from jamlik.assessments.api.public import PublicCampaignOut, PublicUnitOut
from jamlik.assessments.api.responses import AnswerIn, AnswerOut, _answers_out
from jamlik.assessments.inputs import AssignmentIn
from jamlik.assessments.models import Assignment, Response
from jamlik.assessments.selectors.assignments import (
    answered_through,
    assignment_for_token,
    assignment_get,
    assignments_of,
)
from jamlik.assessments.services import assignments as service
from jamlik.core.api import errors


class AssignedOut(Schema):
    key: str
    answered: bool  # the current answer was given through this assignment
    answered_at: DateTimeOut | None
    answered_by_other: bool  # the requirement's answer was given or changed by someone else


class AssignmentOut(Schema):
    id: int
    response: int
    email: str
    name: str
    requirement_keys: list[str]
    language: str
    active: bool
    created_at: DateTimeOut
    created_by: int | None  # the staff user; null when the respondent link handed it out
    sent_at: DateTimeOut | None
    withdrawn_at: DateTimeOut | None
    last_answered_at: DateTimeOut | None
    requirements: list[AssignedOut]


def _assignment_out(
    assignment: Assignment, answers: dict[str, tuple[int | None, Any]]
) -> dict[str, Any]:
    requirements = []
    for key in assignment.requirement_keys:
        given = answers.get(key)
        mine = given is not None and given[0] == assignment.pk
        requirements.append(
            {
                "key": key,
                "answered": mine,
                "answered_at": given[1] if mine and given else None,
                "answered_by_other": given is not None and not mine,
            }
        )
    return {
        "id": assignment.pk,
        "response": assignment.response_id,
        "email": assignment.email,
        "name": assignment.name,
        "requirement_keys": list(assignment.requirement_keys),
        "language": assignment.language,
        "active": assignment.active,
        "created_at": assignment.created_at,
        "created_by": assignment.created_by_id,
        "sent_at": assignment.sent_at,
        "withdrawn_at": assignment.withdrawn_at,
        "last_answered_at": assignment.last_answered_at,
        "requirements": requirements,
    }


def _list_out(response: Response) -> list[dict[str, Any]]:
    answers = answered_through(response=response)
    return [_assignment_out(a, answers) for a in assignments_of(response=response)]


def _one_out(assignment: Assignment) -> dict[str, Any]:
    return _assignment_out(assignment, answered_through(response=assignment.response))


# ---- Staff -------------------------------------------------------------------------------


@router.get("/responses/{response_id}/assignments", response=list[AssignmentOut])
def list_assignments(request: HttpRequest, response_id: int) -> Any:
    return _list_out(selectors.response_get(user=request.user, pk=response_id))


@router.post(
    "/responses/{response_id}/assignments", response={201: AssignmentOut, **errors(403, 409)}
)
def create_assignment(request: HttpRequest, response_id: int, payload: AssignmentIn) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    assignment = service.assignment_create(actor=request.user, response=response, data=payload)
    return Status(201, _one_out(assignment))


@router.post(
    "/responses/{response_id}/assignments/{assignment_id}/withdraw",
    response={200: AssignmentOut, **errors(403, 409)},
)
def withdraw_assignment(request: HttpRequest, response_id: int, assignment_id: int) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    assignment = assignment_get(response=response, pk=assignment_id)
    return _one_out(service.assignment_withdraw(actor=request.user, assignment=assignment))


@router.post(
    "/responses/{response_id}/assignments/{assignment_id}/resend",
    response={200: AssignmentOut, **errors(403, 409)},
)
def resend_assignment(request: HttpRequest, response_id: int, assignment_id: int) -> Any:
    response = selectors.response_get(user=request.user, pk=response_id)
    assignment = assignment_get(response=response, pk=assignment_id)
    return _one_out(service.assignment_resend(actor=request.user, assignment=assignment))


# ---- The unit's respondent, through the respondent link ----------------------------------


@router.get("/public/responses/{token}/assignments", response=list[AssignmentOut], auth=None)
def public_list_assignments(request: HttpRequest, token: str) -> Any:
    return _list_out(selectors.response_for_token(token))


@router.post(
    "/public/responses/{token}/assignments",
    response={201: AssignmentOut, **errors(409)},
    auth=None,
)
def public_create_assignment(request: HttpRequest, token: str, payload: AssignmentIn) -> Any:
    response = selectors.response_for_token(token)
    assignment = service.assignment_create(
        actor=None, response=response, data=payload, by_respondent=True
    )
    return Status(201, _one_out(assignment))


@router.post(
    "/public/responses/{token}/assignments/{assignment_id}/withdraw",
    response={200: AssignmentOut, **errors(409)},
    auth=None,
)
def public_withdraw_assignment(request: HttpRequest, token: str, assignment_id: int) -> Any:
    response = selectors.response_for_token(token)
    assignment = assignment_get(response=response, pk=assignment_id)
    return _one_out(
        service.assignment_withdraw(actor=None, assignment=assignment, by_respondent=True)
    )


@router.post(
    "/public/responses/{token}/assignments/{assignment_id}/resend",
    response={200: AssignmentOut, **errors(409)},
    auth=None,
)
def public_resend_assignment(request: HttpRequest, token: str, assignment_id: int) -> Any:
    response = selectors.response_for_token(token)
    assignment = assignment_get(response=response, pk=assignment_id)
    return _one_out(
        service.assignment_resend(actor=None, assignment=assignment, by_respondent=True)
    )


# ---- The colleague's link ----------------------------------------------------------------


class AssignedRequirementOut(RequirementOut):
    number: str  # as on the unit's form: "2.3"
    scale: list[ScaleOptionOut] | None = None  # always given here (the resolved scale)


class PublicAssignmentOut(Schema):
    campaign: PublicCampaignOut
    unit: PublicUnitOut
    status: str  # the response's
    name: str
    may_answer: bool  # open now (the campaign open, or the response reopened; not submitted)
    requirements: list[AssignedRequirementOut]
    answers: list[AnswerOut]


def _assigned_answers(assignment: Assignment) -> list[dict[str, Any]]:
    keys = set(assignment.requirement_keys)
    return [a for a in _answers_out(assignment.response) if a["requirement"] in keys]


@router.get("/public/assignments/{token}", response=PublicAssignmentOut, auth=None)
def public_assignment(request: HttpRequest, token: str) -> Any:
    assignment = assignment_for_token(token)
    response = assignment.response
    framework = response.campaign.framework
    keys = set(assignment.requirement_keys)
    requirements = [
        {
            "number": f"{a_index}.{r_index}",
            "key": r.key,
            "text": r.text,
            "reference": r.reference,
            "guidance": r.guidance,
            "check": r.needs_check,
            "text_en": r.text_en,
            "guidance_en": r.guidance_en,
            "scale": framework.scale(r.scale_name),
        }
        for a_index, (_area, items) in enumerate(selectors.framework_structure(framework), 1)
        for r_index, r in enumerate(items, 1)
        if r.key in keys
    ]
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
        "name": assignment.name,
        "may_answer": service.assignment_may_answer(assignment),
        "requirements": requirements,
        "answers": _assigned_answers(assignment),
    }


@router.get("/public/assignments/{token}/answers", response=list[AnswerOut], auth=None)
def public_assignment_answers(request: HttpRequest, token: str) -> Any:
    return _assigned_answers(assignment_for_token(token))


@router.put(
    "/public/assignments/{token}/answers",
    response={200: list[AnswerOut], **errors(403, 409)},
    auth=None,
)
def public_put_assignment_answers(
    request: HttpRequest,
    token: str,
    payload: Body[Annotated[list[AnswerIn], Field(max_length=MAX_ANSWERS)]],
) -> Any:
    assignment = assignment_for_token(token)
    service.assignment_answers_save(assignment=assignment, answers=payload)
    return _assigned_answers(assignment)
