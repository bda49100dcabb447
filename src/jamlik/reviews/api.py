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

from jamlik.core.api import errors, paginate
from jamlik.core.schemas import (
    Comment,
    InputSchema,
    Name,
    OptionalName,
    OptionalText,
    Text,
    organisation_ref,
)
from jamlik.core.scoping import scope_for
from jamlik.reviews import policies, reports, selectors, services
from jamlik.reviews.services.common import MAX_MILESTONES, MAX_REFERENCES

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


class MilestoneIn(InputSchema):
    title: Name
    due: dt.date
    done: bool = False
    note: Comment = ""


class ReviewIn(InputSchema):
    title: Name
    purpose: OptionalText = ""
    campaigns: list[int] = Field(default_factory=list, max_length=MAX_REFERENCES)
    workshops: list[int] = Field(default_factory=list, max_length=MAX_REFERENCES)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=MAX_MILESTONES)
    committee: OptionalName = ""
    diary_number: str = Field("", max_length=50)
    case_officer: OptionalName = ""


class ReviewPatch(InputSchema):
    title: Name | None = None
    purpose: OptionalText | None = None
    campaigns: list[int] | None = Field(None, max_length=MAX_REFERENCES)
    workshops: list[int] | None = Field(None, max_length=MAX_REFERENCES)
    committee: OptionalName | None = None
    diary_number: str | None = Field(None, max_length=50)
    case_officer: OptionalName | None = None


class MilestonePatch(InputSchema):
    title: Name | None = None
    due: dt.date | None = None
    done: bool | None = None
    note: Comment | None = None


class BreakoutsIn(InputSchema):
    size: int
    seed: int = 0


class BreakoutOut(Schema):
    id: int
    number: int
    size: int = Field(..., description="Members in the group (all of them, whoever asks).")
    members: list[int]


class MoveIn(InputSchema):
    registration: int


class NotesIn(InputSchema):
    shared: OptionalText = ""
    questions: OptionalText = ""
    wishes: OptionalText = ""


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


class ExampleIn(InputSchema):
    title: Name
    text: Text
    organisation: int
    requirements: list[str] = Field(default_factory=list, max_length=MAX_REFERENCES)
    review: int | None = None


class ExamplePatch(InputSchema):
    title: Name | None = None
    text: Text | None = None
    organisation: int | None = None
    requirements: list[str] | None = Field(None, max_length=MAX_REFERENCES)
    review: int | None = None


class ExampleFilter(Schema):
    q: str | None = Field(None, max_length=200)
    requirement: str | None = Field(None, max_length=100)
    organisation: int | None = None


class ReportIO(Schema):
    summary: OptionalText = ""
    method: OptionalText = ""
    results: OptionalText = ""
    workshop_lessons: OptionalText = ""
    joint_efforts: OptionalText = ""
    proposed_decision: OptionalText = ""
    committee: OptionalName = ""
    date: dt.date | None = None
    diary_number: str = Field("", max_length=50)
    case_officer: OptionalName = ""
    economic_assessment: OptionalText = ""
    ecological_assessment: OptionalText = ""
    social_assessment: OptionalText = ""
    cooperation: OptionalText = ""
    appendices: OptionalText = ""


class ReportIn(InputSchema, ReportIO):
    """The same fields as a request body (ReportIO also answers with the stored report)."""


# ---- Reviews ---------------------------------------------------------------------------------


@router.get("/reviews", response=list[ReviewOut])
def list_reviews(request: HttpRequest, response: HttpResponse) -> Any:
    return paginate(request, response, selectors.review_list(user=request.user))


@router.post("/reviews", response={201: ReviewOut, **errors(403)})
def create_review(request: HttpRequest, payload: ReviewIn) -> Any:
    policies.require(policies.may_edit_review, request.user)
    review = services.review_create(
        actor=request.user,
        title=payload.title,
        purpose=payload.purpose,
        campaigns=selectors.campaign_refs(payload.campaigns, user=request.user),
        workshops=selectors.workshop_refs(payload.workshops),
        milestones=[m.model_dump() for m in payload.milestones],
        committee=payload.committee,
        diary_number=payload.diary_number,
        case_officer=payload.case_officer,
    )
    return Status(201, selectors.review_get(user=request.user, pk=review.pk))


@router.get("/reviews/{review_id}", response=ReviewOut)
def get_review(request: HttpRequest, review_id: int) -> Any:
    return selectors.review_get(user=request.user, pk=review_id)


@router.patch("/reviews/{review_id}", response={200: ReviewOut, **errors(403)})
def update_review(request: HttpRequest, review_id: int, payload: ReviewPatch) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    policies.require(policies.may_edit_review, request.user)
    data = payload.model_dump(exclude_unset=True)
    fields = {k: v for k, v in data.items() if k not in ("campaigns", "workshops")}
    for required in ("title", "purpose", "committee", "diary_number", "case_officer"):
        if required in fields and fields[required] is None:
            del fields[required]
    campaigns = data.get("campaigns")
    workshops = data.get("workshops")
    services.review_update(
        actor=request.user,
        review=review,
        campaigns=None
        if campaigns is None
        else selectors.campaign_refs(campaigns, user=request.user),
        workshops=None if workshops is None else selectors.workshop_refs(workshops),
        **fields,
    )
    return selectors.review_get(user=request.user, pk=review.pk)


@router.post("/reviews/{review_id}/milestones", response={201: MilestoneOut, **errors(403)})
def create_milestone(request: HttpRequest, review_id: int, payload: MilestoneIn) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    return Status(
        201, services.milestone_create(actor=request.user, review=review, **payload.model_dump())
    )


@router.patch(
    "/reviews/{review_id}/milestones/{milestone_id}",
    response={200: MilestoneOut, **errors(403)},
)
def update_milestone(
    request: HttpRequest, review_id: int, milestone_id: int, payload: MilestonePatch
) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    milestone = selectors.milestone_get(user=request.user, review=review, pk=milestone_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.milestone_update(actor=request.user, milestone=milestone, **data)


@router.get("/reviews/{review_id}/report", response=ReportIO)
def get_report(request: HttpRequest, review_id: int) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    return services.board_report_initial(review)


@router.put("/reviews/{review_id}/report", response={200: ReportIO, **errors(403)})
def put_report(request: HttpRequest, review_id: int, payload: ReportIn) -> Any:
    review = selectors.review_get(user=request.user, pk=review_id)
    return services.board_report_save(actor=request.user, review=review, **payload.model_dump())


@router.get("/reviews/{review_id}/report.pdf", response={200: None, **errors(403)})
def report_pdf(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=review_id)
    return reports.pdf_response(user=request.user, review=review)


@router.get("/reviews/{review_id}/report.docx", response={200: None, **errors(403)})
def report_docx(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=review_id)
    return reports.docx_response(user=request.user, review=review)


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
    services.breakouts_form(actor=request.user, event=event, size=payload.size, seed=payload.seed)
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
    notes = services.breakout_notes_save(actor=request.user, breakout=breakout, **payload.dict())
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
        title=payload.title,
        text=payload.text,
        organisation=organisation_ref(
            payload.organisation, field="organisation", scope=scope_for(request.user)
        ),
        requirement_keys=payload.requirements,
        review=selectors.review_ref(payload.review),
    )
    return Status(201, example)


@router.get("/examples/{example_id}", response=ExampleOut)
def get_example(request: HttpRequest, example_id: int) -> Any:
    return selectors.example_get(user=request.user, pk=example_id)


@router.patch("/examples/{example_id}", response=ExampleOut)
def update_example(request: HttpRequest, example_id: int, payload: ExamplePatch) -> Any:
    example = selectors.example_get(user=request.user, pk=example_id)
    data = payload.model_dump(exclude_unset=True)
    fields: dict[str, Any] = {}
    for key in ("title", "text"):
        if data.get(key) is not None:
            fields[key] = data[key]
    if data.get("organisation") is not None:
        fields["organisation"] = organisation_ref(
            data["organisation"], field="organisation", scope=scope_for(request.user)
        )
    if data.get("requirements") is not None:
        fields["requirement_keys"] = data["requirements"]
    if "review" in data:
        fields["review"] = selectors.review_ref(data["review"])
    return services.example_update(actor=request.user, example=example, **fields)


@router.delete("/examples/{example_id}", response={204: None})
def delete_example(request: HttpRequest, example_id: int) -> Any:
    example = selectors.example_get(user=request.user, pk=example_id)
    services.example_delete(actor=request.user, example=example)
    return Status(204, None)
