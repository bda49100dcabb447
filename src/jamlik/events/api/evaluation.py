"""After the event (docs/api.md#events-evaluation): the evaluation's questions and results
(``GET/PUT /events/{event_id}/evaluation``, ``POST …/evaluation/send``), the anonymous
answers through the personal link (``GET/POST /public/evaluations/{token}``), the
certificate of participation (``GET /public/registrations/{token}/certificate.pdf``) and
next year's allocation (``GET /events/{event_id}/allocation-proposal``, ``POST …/copy``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema, Status
from pydantic import StrictBool, StrictInt

from jamlik.core.api import errors
from jamlik.core.schemas import DateTimeOut, InputSchema
from jamlik.events import evaluation as rules
from jamlik.events import policies, selectors
from jamlik.events.api._common import _allowed, public_router, router
from jamlik.events.inputs import AllocationProposalCopyIn, EvaluationIn
from jamlik.events.selectors import evaluation as reads
from jamlik.events.services import certificates
from jamlik.events.services import evaluation as service

# ---- Schemas ---------------------------------------------------------------------------------


class EvaluationQuestionOut(Schema):
    id: int
    kind: str
    text: str
    required: bool


class QuestionResultOut(Schema):
    id: int
    kind: str
    text: str
    answers: int
    shown: bool
    distribution: dict[str, int]
    mean: float | None
    texts: list[str]


class EvaluationOut(Schema):
    event: int
    intro: str
    auto_send: bool
    sent_at: DateTimeOut | None
    questions: list[EvaluationQuestionOut]
    attendees: int
    invited: int
    answered: int
    min_answers: int
    results: list[QuestionResultOut]


class EvaluationSent(Schema):
    invited: int


class PublicEvaluationOut(Schema):
    event: int
    event_title: str
    intro: str
    answered: bool
    questions: list[EvaluationQuestionOut]


class AnswerIn(InputSchema):
    question: StrictInt
    value: StrictInt | StrictBool | Annotated[str, Field(max_length=rules.MAX_TEXT_ANSWER)] | None


class AnswersIn(InputSchema):
    answers: Annotated[list[AnswerIn], Field(max_length=rules.MAX_QUESTIONS)]


class AnswersSaved(Schema):
    answered: Literal[True]


class ProposalRowOut(Schema):
    allocation: int
    name: str
    organisations: list[int]
    quota: int
    confirmed: int
    no_shows: int
    no_show_rate: float | None
    waiting: int
    proposed: int


class ProposalOut(Schema):
    event: int
    ended: bool
    total_quota: int
    total_proposed: int
    allocations: list[ProposalRowOut]


class ProposalCopied(Schema):
    event: int
    allocations: list[int]


# ---- Answers ---------------------------------------------------------------------------------


def _questions(evaluation: Any) -> list[dict[str, Any]]:
    if evaluation is None:
        return []
    return [
        {"id": q.pk, "kind": q.kind, "text": q.text, "required": q.required}
        for q in evaluation.questions.all()
    ]


def _evaluation(user: Any, event: Any) -> dict[str, Any]:
    results = reads.evaluation_results(user=user, event=event)
    found = results.evaluation
    return {
        "event": event.pk,
        "intro": found.intro if found else "",
        "auto_send": found.auto_send if found else True,
        "sent_at": found.sent_at if found else None,
        "questions": _questions(found),
        "attendees": reads.attendees(event).count(),
        "invited": results.invited,
        "answered": results.answered,
        "min_answers": results.minimum,
        "results": [
            {
                "id": q.id,
                "kind": q.kind,
                "text": q.text,
                "answers": q.answers,
                "shown": q.shown,
                "distribution": q.distribution,
                "mean": q.mean,
                "texts": q.texts,
            }
            for q in results.questions
        ],
    }


def _proposal(proposal: reads.Proposal) -> dict[str, Any]:
    from jamlik.events import clock

    return {
        "event": proposal.event.pk,
        "ended": clock.now() >= proposal.event.ends_at,
        "total_quota": proposal.total_quota,
        "total_proposed": proposal.total_proposed,
        "allocations": [
            {
                "allocation": row.allocation.pk,
                "name": row.name,
                "organisations": [o.pk for o in row.organisations],
                "quota": row.use.quota,
                "confirmed": row.use.confirmed,
                "no_shows": row.use.no_shows,
                "no_show_rate": (
                    None if row.use.no_show_rate is None else round(row.use.no_show_rate, 3)
                ),
                "waiting": row.use.waiting,
                "proposed": row.proposed,
            }
            for row in proposal.rows
        ],
    }


# ---- Staff -----------------------------------------------------------------------------------


@router.get("/events/{event_id}/evaluation", response={200: EvaluationOut, **errors(403)})
def event_evaluation(request: HttpRequest, event_id: int) -> Any:
    """The evaluation's questions and, per question, its results: distribution, mean and
    free texts only from ``min_answers`` answers on (``shown``). City coordinators and
    administrators; event-level only (docs/rules.md#events-evaluation)."""
    user = _allowed(request, policies.may_see_evaluation)
    event = selectors.event_get(user=user, pk=event_id)
    return _evaluation(user, event)


@router.put("/events/{event_id}/evaluation", response={200: EvaluationOut, **errors(403, 409)})
def event_evaluation_put(request: HttpRequest, event_id: int, payload: EvaluationIn) -> Any:
    """Set the introduction, automatic sending and the questions (replacing them); 409
    ``evaluation_sent`` for other questions once it was sent."""
    user = _allowed(request, policies.may_manage_evaluation)
    event = selectors.event_get(user=user, pk=event_id)
    service.evaluation_save(actor=user, event=event, data=payload)
    return _evaluation(user, event)


@router.post(
    "/events/{event_id}/evaluation/send", response={200: EvaluationSent, **errors(403, 409)}
)
def event_evaluation_send(request: HttpRequest, event_id: int) -> Any:
    """Send now: the mail to every participant who checked in and was not invited yet (409
    before the event's end or without questions)."""
    user = _allowed(request, policies.may_manage_evaluation)
    event = selectors.event_get(user=user, pk=event_id)
    return {"invited": service.evaluation_send(actor=user, event=event)}


@router.get("/events/{event_id}/allocation-proposal", response={200: ProposalOut, **errors(403)})
def event_allocation_proposal(request: HttpRequest, event_id: int) -> Any:
    """Per allocation: this year's quota, confirmed, no-shows, no-show rate, waiting list and
    the proposed quota for next year (docs/rules.md#events-allocation-proposal)."""
    user = _allowed(request, policies.may_see_allocation_proposal)
    event = selectors.event_get(user=user, pk=event_id)
    return _proposal(reads.allocation_proposal(user=user, event=event))


@router.post(
    "/events/{event_id}/allocation-proposal/copy",
    response={201: ProposalCopied, **errors(403)},
)
def event_allocation_proposal_copy(
    request: HttpRequest, event_id: int, payload: AllocationProposalCopyIn
) -> Any:
    """Create the proposal's allocations in the draft event ``target`` (scaled down to its
    free seats if needed) through the allocation service."""
    user = _allowed(request, policies.may_see_allocation_proposal)
    policies.require(policies.may_manage_allocations, user)
    event = selectors.event_get(user=user, pk=event_id)
    created = service.allocation_proposal_copy(actor=user, event=event, data=payload)
    return Status(201, {"event": payload.target, "allocations": [a.pk for a in created]})


# ---- Public ----------------------------------------------------------------------------------


@public_router.get("/public/evaluations/{token}", response=PublicEvaluationOut, auth=None)
def public_evaluation(request: HttpRequest, token: str) -> Any:
    invite = reads.invite_by_token(token)
    evaluation = invite.evaluation
    return {
        "event": evaluation.event_id,
        "event_title": evaluation.event.title,
        "intro": evaluation.intro,
        "answered": invite.answered,
        "questions": _questions(evaluation),
    }


@public_router.post(
    "/public/evaluations/{token}",
    response={201: AnswersSaved, **errors(409)},
    auth=None,
)
def public_evaluation_answer(request: HttpRequest, token: str, payload: AnswersIn) -> Any:
    """One person's answers, stored without the person (once: 409 ``evaluation_answered``)."""
    values = {a.question: a.value for a in payload.answers}
    service.evaluation_answer(token=token, values=values)
    return Status(201, {"answered": True})


@public_router.get("/public/registrations/{token}/certificate.pdf", auth=None)
def public_registration_certificate(request: HttpRequest, token: str) -> HttpResponse:
    """The certificate of participation (PDF, in the registration's language) of a person
    who checked in; 404 for anybody else."""
    filename, content_type, content = certificates.certificate_by_manage_token(token)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
