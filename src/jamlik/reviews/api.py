"""The Reviews endpoints (docs/api.md#endpoints-reviews: reviews, breakout groups, good
examples, the board report), plus the few more the pages need so the API can do what the UI
does.

Scoping and permissions (see also ``selectors``): every staff user reads reviews, examples
and group notes; forming groups, moving people, writing notes, changing reviews and
exporting the board report are for administrators and city coordinators (403 for org
coordinators). ``GET /events/{id}/breakouts`` answers every staff user with all groups, but
an org coordinator's ``members`` list only the registrations of their own subtree.
A conference (not a workshop) answers 409 ``not_a_workshop`` when asked to form groups:
the request is well-formed, the event's kind refuses it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from jamlik.core.api import FileJobOut, errors, job_accepted, paginate
from jamlik.core.i18n import request_language
from jamlik.core.schemas import organisation_ref
from jamlik.core.scoping import scope_for
from jamlik.reviews import policies, selectors, services
from jamlik.reviews.inputs import (
    BreakoutsIn,
    ExampleIn,
    ExamplePatch,
    MilestoneIn,
    MilestonePatch,
    MoveIn,
    NotesIn,
    ReportIn,
    ReportIO,
    ReviewIn,
    ReviewPatch,
)

router = Router(tags=["reviews"])


# ---- Schemas ---------------------------------------------------------------------------------


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    done: bool
    done_at: dt.datetime | None
    note: str
    status: str


class ReviewOut(Schema):
    id: int
    title: str
    purpose: str
    campaigns: list[int]
    workshops: list[int]
    owner: int | None = Field(None, validation_alias="owner_id")
    committee: str
    diary_number: str
    case_officer: str
    milestones: list[MilestoneOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_campaigns(obj: Any) -> list[int]:
        return [c.pk for c in obj.campaigns.all()]

    @staticmethod
    def resolve_workshops(obj: Any) -> list[int]:
        return [e.pk for e in obj.workshops.all()]

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())


class BreakoutOut(Schema):
    id: int
    number: int
    size: int = Field(..., description="Members in the group (all of them, whoever asks).")
    members: list[int]


class NotesOut(Schema):
    number: int
    shared: str
    questions: str
    wishes: str
    updated_at: dt.datetime | None


class ExampleOut(Schema):
    id: int
    title: str
    text: str
    organisation: int = Field(..., validation_alias="organisation_id")
    requirements: list[str] = Field(..., validation_alias="requirement_keys")
    review: int | None = Field(None, validation_alias="review_id")
    created_at: dt.datetime


class ExampleFilter(Schema):
    q: str | None = Field(None, max_length=200)
    requirement: str | None = Field(None, max_length=100)
    organisation: int | None = None


# ---- Reviews ---------------------------------------------------------------------------------


@router.get("/reviews", response=list[ReviewOut])
def list_reviews(request: HttpRequest, response: HttpResponse) -> Any:
    return paginate(request, response, selectors.review_list(user=request.user))


@router.post("/reviews", response={201: ReviewOut, **errors(403)})
def create_review(request: HttpRequest, payload: ReviewIn) -> Any:
    policies.require(policies.may_edit_review, request.user)
    review = services.review_create(
        actor=request.user,
        data=payload,
        campaigns=selectors.campaign_refs(payload.campaigns, user=request.user),
        workshops=selectors.workshop_refs(payload.workshops),
    )
    return Status(201, selectors.review_get(user=request.user, pk=review.pk))


@router.get("/reviews/{review_id}", response=ReviewOut)
def get_review(request: HttpRequest, review_id: int) -> Any:
    return selectors.review_get(user=request.user, pk=review_id)


@router.patch("/reviews/{review_id}", response={200: ReviewOut, **errors(403)})
def update_review(request: HttpRequest, review_id: int, payload: ReviewPatch) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    policies.require(policies.may_edit_review, request.user)
    services.review_update(
        actor=request.user,
        review=review,
        data=payload,
        campaigns=None
        if payload.campaigns is None
        else selectors.campaign_refs(payload.campaigns, user=request.user),
        workshops=None if payload.workshops is None else selectors.workshop_refs(payload.workshops),
    )
    return selectors.review_get(user=request.user, pk=review.pk)


@router.post("/reviews/{review_id}/milestones", response={201: MilestoneOut, **errors(403)})
def create_milestone(request: HttpRequest, review_id: int, payload: MilestoneIn) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    return Status(201, services.milestone_create(actor=request.user, review=review, data=payload))


@router.patch(
    "/reviews/{review_id}/milestones/{milestone_id}",
    response={200: MilestoneOut, **errors(403)},
)
def update_milestone(
    request: HttpRequest, review_id: int, milestone_id: int, payload: MilestonePatch
) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    milestone = selectors.milestone_get(user=request.user, review=review, pk=milestone_id)
    return services.milestone_update(actor=request.user, milestone=milestone, data=payload)


@router.get("/reviews/{review_id}/report", response=ReportIO)
def get_report(request: HttpRequest, review_id: int) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    return services.board_report_initial(review)


@router.put("/reviews/{review_id}/report", response={200: ReportIO, **errors(403)})
def put_report(request: HttpRequest, review_id: int, payload: ReportIn) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    # PUT: a field the body leaves out takes its default.
    return services.board_report_save(actor=request.user, review=review, data=payload, replace=True)


# The report takes seconds, so these are built by the worker as well: 202 with the job
# (``Location``: ``/jobs/{id}``), as ``POST exports/report`` answers.
@router.get("/reviews/{review_id}/report.pdf", response={202: FileJobOut, **errors(403)})
def report_pdf(request: HttpRequest, response: HttpResponse, review_id: int) -> Any:
    return _start_report(request, response, review_id, docx=False)


@router.get("/reviews/{review_id}/report.docx", response={202: FileJobOut, **errors(403)})
def report_docx(request: HttpRequest, response: HttpResponse, review_id: int) -> Any:
    return _start_report(request, response, review_id, docx=True)


def _start_report(request: HttpRequest, response: HttpResponse, review_id: int, docx: bool) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    job = services.board_report_start(
        actor=request.user, review=review, docx=docx, language=request_language(request)
    )
    return job_accepted(job, response)


@router.post("/reviews/{review_id}/exports/report", response={202: FileJobOut, **errors(403)})
def start_report_pdf(request: HttpRequest, response: HttpResponse, review_id: int) -> Any:
    """The board report as PDF, built by the worker: 202 with the job (``Location``:
    ``/jobs/{id}``); its file, the same as ``report.pdf``, is at ``/jobs/{id}/file`` once
    ``status`` is ``done``."""
    return _start_report(request, response, review_id, docx=False)


@router.post("/reviews/{review_id}/exports/report-docx", response={202: FileJobOut, **errors(403)})
def start_report_docx(request: HttpRequest, response: HttpResponse, review_id: int) -> Any:
    """The board report as DOCX, built by the worker (as ``exports/report``); its file is the
    same as ``report.docx``."""
    return _start_report(request, response, review_id, docx=True)


# ---- Breakout groups -------------------------------------------------------------------------


def _breakout_out(breakouts: list[Any], *, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": b.pk,
            "number": b.number,
            "size": b.total,
            "members": sorted(m.registration_id for m in b.visible_members),
        }
        for b in breakouts
    ]


@router.get("/events/{event_id}/breakouts", response=list[BreakoutOut])
def list_breakouts(request: HttpRequest, event_id: int) -> Any:
    event = selectors.event_get(user=request.user, pk=event_id)
    return _breakout_out(selectors.breakout_list(user=request.user, event=event), user=request.user)


@router.post("/events/{event_id}/breakouts", response={201: list[BreakoutOut], **errors(403, 409)})
def form_breakouts(request: HttpRequest, event_id: int, payload: BreakoutsIn) -> Any:
    event = selectors.event_get(user=request.user, pk=event_id)
    services.breakouts_form(actor=request.user, event=event, data=payload)
    return Status(
        201,
        _breakout_out(selectors.breakout_list(user=request.user, event=event), user=request.user),
    )


@router.post(
    "/events/{event_id}/breakouts/{number}/members",
    response={200: BreakoutOut, **errors(403)},
)
def move_member(request: HttpRequest, event_id: int, number: int, payload: MoveIn) -> Any:
    """Put a participant into group ``number`` (out of their present group)."""
    event = selectors.event_get(user=request.user, pk=event_id)
    policies.require(policies.may_form_breakouts, request.user)
    breakout = selectors.breakout_get(user=request.user, event=event, number=number)
    registration = selectors.registration_for_event(
        user=request.user, event=event, pk=payload.registration, field="registration"
    )
    services.breakout_move_member(
        actor=request.user, event=event, registration=registration, to=breakout
    )
    groups = selectors.breakout_list(user=request.user, event=event)
    return next(g for g in _breakout_out(groups, user=request.user) if g["number"] == number)


@router.get("/events/{event_id}/breakouts/{number}/notes", response=NotesOut)
def get_notes(request: HttpRequest, event_id: int, number: int) -> Any:
    event = selectors.event_get(user=request.user, pk=event_id)
    breakout = selectors.breakout_get(user=request.user, event=event, number=number)
    notes = getattr(breakout, "notes", None)
    return {
        "number": breakout.number,
        "shared": notes.shared if notes else "",
        "questions": notes.questions if notes else "",
        "wishes": notes.wishes if notes else "",
        "updated_at": notes.updated_at if notes else None,
    }


@router.put("/events/{event_id}/breakouts/{number}/notes", response={200: NotesOut, **errors(403)})
def put_notes(request: HttpRequest, event_id: int, number: int, payload: NotesIn) -> Any:
    event = selectors.event_get(user=request.user, pk=event_id)
    breakout = selectors.breakout_get(user=request.user, event=event, number=number)
    notes = services.breakout_notes_save(actor=request.user, breakout=breakout, data=payload)
    return {
        "number": breakout.number,
        "shared": notes.shared,
        "questions": notes.questions,
        "wishes": notes.wishes,
        "updated_at": notes.updated_at,
    }


# ---- Good examples ---------------------------------------------------------------------------


@router.get("/examples", response=list[ExampleOut])
def list_examples(
    request: HttpRequest, response: HttpResponse, filters: Query[ExampleFilter]
) -> Any:
    organisation = organisation_ref(filters.organisation, field="organisation")
    examples = selectors.example_search(
        user=request.user, q=filters.q, requirement=filters.requirement, organisation=organisation
    )
    return paginate(request, response, examples)


@router.post("/examples", response={201: ExampleOut})
def create_example(request: HttpRequest, payload: ExampleIn) -> Any:
    example = services.example_create(
        actor=request.user,
        data=payload,
        organisation=organisation_ref(
            payload.organisation, field="organisation", scope=scope_for(request.user)
        ),
        review=selectors.review_ref(payload.review),
    )
    return Status(201, example)


@router.get("/examples/{example_id}", response=ExampleOut)
def get_example(request: HttpRequest, example_id: int) -> Any:
    return selectors.example_get(user=request.user, pk=example_id)


@router.patch("/examples/{example_id}", response=ExampleOut)
def update_example(request: HttpRequest, example_id: int, payload: ExamplePatch) -> Any:
    example = selectors.example_get(user=request.user, pk=example_id)
    # The objects the body names, for the service; a review of null takes the example off it.
    references: dict[str, Any] = {}
    if payload.organisation is not None:
        references["organisation"] = organisation_ref(
            payload.organisation, field="organisation", scope=scope_for(request.user)
        )
    if "review" in payload.given():
        references["review"] = selectors.review_ref(payload.review)
    return services.example_update(actor=request.user, example=example, data=payload, **references)


@router.delete("/examples/{example_id}", response={204: None})
def delete_example(request: HttpRequest, example_id: int) -> Any:
    example = selectors.example_get(user=request.user, pk=example_id)
    services.example_delete(actor=request.user, example=example)
    return Status(204, None)
