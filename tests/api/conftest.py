"""A small world behind every path of the API, for the tests that walk the OpenAPI document:
one object of each kind (an event with an allocation, a session and registrations, an event
with approval, a workshop with groups, a campaign with a response, an action, a review with a
milestone, a good example, a finished file job) and the value each path parameter takes to reach it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from jamlik.api import api
from jamlik.assessments import services as assessment_services
from jamlik.core import services as core_services
from jamlik.core.models import ApiToken, AuditEntry, FileJob
from jamlik.events.models import OrganisationLink, Registration
from jamlik.notifications.models import OutboxMessage
from jamlik.reviews import services as review_services
from jamlik.reviews.models import Review
from jamlik.reviews.services.documentation import documentation_save
from tests.factories import assessments as assessment_factories
from tests.factories import reviews as review_factories
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

METHODS = ("get", "post", "put", "patch", "delete")


def openapi_document() -> dict[str, Any]:
    return api.get_openapi_schema()


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every operation in the OpenAPI document."""
    document = openapi_document()
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@dataclass
class World:
    personas: Any
    event: Any
    approval_event: Any
    workshop: Any
    allocation: Any
    session: Any
    registration: Any
    held: Any
    link: Any
    campaign: Any
    response: Any
    action: Any
    review: Any
    milestone: Any
    example: Any
    token: Any
    file_job: Any
    tokens: dict[str, str] = field(default_factory=dict)
    # After the event: a participant who checked in, and their evaluation link.
    attendee: Any = None
    invite: Any = None

    def path(self, path: str) -> str:
        """``path`` with every parameter replaced by the id or token of this world's object."""
        ids = {
            "user_id": self.personas.coordinator_a.pk,
            "token_id": self.token.pk,
            "organisation_id": self.personas.org_a.pk,
            "event_id": self.workshop.pk if "/breakouts" in path else self.event.pk,
            "allocation_id": self.allocation.pk,
            "session_id": self.session.pk,
            "registration_id": self.registration.pk,
            "framework_id": self.campaign.framework_id,
            "campaign_id": self.campaign.pk,
            "response_id": self.response.pk,
            "action_id": self.action.pk,
            "review_id": self.review.pk,
            "milestone_id": self.milestone.pk,
            "number": 1,
            "example_id": self.example.pk,
            "job_id": self.file_job.pk,
            "year": 2019,  # the yearly documentation's year
            "requirement_key": "r1",
        }
        if "{evidence_id}" in path:
            ids["evidence_id"] = self.evidence().pk
        if "/public/links/" in path:
            ids["token"] = self.link.token
        elif "/certificate.pdf" in path:
            ids["token"] = self.attendee.manage_token
        elif "/public/evaluations/" in path:
            ids["token"] = self.invite.token
        elif "/public/registrations/" in path or "/public/offers/" in path:
            ids["token"] = self.registration.manage_token
        elif "/public/approvals/" in path:
            ids["token"] = self.held.approval_token
        elif "/public/invitations/" in path:
            ids["token"] = self.invitation().token
        elif "/public/responses/" in path:
            ids["token"] = self.response.token
        if "/assignments/" in path:  # delegation: a colleague's assignment of the response
            assignment = self.assignment()
            ids["assignment_id"] = assignment.pk
            if "/public/assignments/" in path:
                ids["token"] = assignment.token
        return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)

    def invitation(self) -> Any:
        """A named invitation to the event, made (without mail) when a path needs it."""
        from jamlik.events.models import Invitation

        found = Invitation.objects.filter(event=self.event).first()
        if found is None:
            found = Invitation.objects.create(
                event=self.event, email="inbjuden@a.example", organisation=self.personas.org_a
            )
        return found

    def evidence(self) -> Any:
        """A file kept as evidence of the response's answer to r1, made when a path needs it."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from jamlik.assessments.models import Evidence
        from jamlik.assessments.services.evidence import evidence_add

        found = Evidence.objects.filter(response=self.response).first()
        if found is None:
            found = evidence_add(
                actor=None,
                response=self.response,
                requirement_key="r1",
                file=SimpleUploadedFile("rutin.txt", b"Rutin mot kr\xc3\xa4nkningar\n"),
            )
        return found

    def assignment(self) -> Any:
        """A colleague's assignment of the response, made (without mail) when a path needs it."""
        from jamlik.assessments.models import Assignment

        found = Assignment.objects.filter(response=self.response).first()
        if found is None:
            found = Assignment.objects.create(
                response=self.response, email="kollega@a.example", requirement_keys=["r1"]
            )
        return found

    def snapshot(self) -> dict[str, Any]:
        """What a refused request must leave as it was: the audit trail (every change is
        audited), registrations, queued mail and the objects the body tests aim at."""
        self.event.refresh_from_db()
        return {
            "audit": AuditEntry.objects.count(),
            "registrations": Registration.objects.count(),
            "outbox": OutboxMessage.objects.count(),
            "event_title": self.event.title,
            "reviews": Review.objects.count(),
        }


@pytest.fixture
def world(personas) -> World:
    event = EventFactory(title="Konferensen")
    allocation = AllocationFactory(event=event, quota=5, organisations=[personas.org_a])
    session = SessionFactory(event=event)
    registration = register(event, personas.org_a, sessions=[session.pk]).registration
    approval_event = EventFactory(title="Med godkännande", approval_required=True)
    AllocationFactory(event=approval_event, quota=5, organisations=[personas.org_a])
    held = register(approval_event, personas.org_a).registration
    workshop = review_factories.workshop()
    review_factories.participants(workshop, {personas.org_a: 2, personas.org_b: 2})
    review_services.breakouts_form(actor=None, event=workshop, size=2)
    campaign = assessment_factories.campaign(organisations=[personas.org_a])
    response = campaign.responses.get()
    action = assessment_services.action_create(
        actor=None,
        organisation=personas.unit_a,
        requirement="r1",
        title="Åtgärd",
        owner="HR",
        due=dt.date.today() + dt.timedelta(days=30),
    )
    review = review_factories.review(campaigns=[campaign])
    example = review_services.example_create(
        actor=None, title="Exempel", text="Så gjorde vi.", organisation=personas.org_a
    )
    # A yearly documentation of organisation A for 2019, so its file paths answer 200.
    documentation_save(actor=None, organisation=personas.org_a, year=2019, author="Eva")
    core_services.api_token_create(actor=None, user=personas.coordinator_a)
    file_job = FileJob.objects.create(
        owner=personas.admin,
        kind=assessment_services.CAMPAIGN_XLSX,
        params={"campaign": campaign.pk},
        status="done",
        done=1,
        total=1,
        filename="export.xlsx",
        content_type="application/octet-stream",
        content=b"PK",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return World(
        personas=personas,
        event=event,
        approval_event=approval_event,
        workshop=workshop,
        allocation=allocation,
        session=session,
        registration=registration,
        held=held,
        link=OrganisationLink.objects.get(event=event, organisation=personas.org_a),
        campaign=campaign,
        response=response,
        action=action,
        review=review,
        milestone=review.milestones.first(),
        example=example,
        token=ApiToken.objects.filter(user=personas.coordinator_a).first(),
        file_job=file_job,
        **_after_the_event(event, personas),
    )


def _after_the_event(event: Any, personas: Any) -> dict[str, Any]:
    """A participant checked in and an evaluation with their link (no mail)."""
    from jamlik.events.models import Evaluation, EvaluationInvite, EvaluationQuestion

    attendee = register(event, personas.org_a).registration
    Registration.objects.filter(pk=attendee.pk).update(checked_in_at=timezone.now())
    attendee.refresh_from_db()
    evaluation = Evaluation.objects.create(event=event)
    EvaluationQuestion.objects.create(evaluation=evaluation, kind="scale", text="Betyg?")
    invite = EvaluationInvite.objects.create(
        evaluation=evaluation, registration=attendee, sent_at=timezone.now()
    )
    return {"attendee": attendee, "invite": invite}


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures of a fuzz run (tests/api/test_fuzz.py): calls and 5xx answers."""
    import sys

    fuzz = sys.modules.get("tests.api.test_fuzz")
    if fuzz is None or not fuzz.STATS:
        return
    stats = fuzz.STATS
    calls = sum(v for k, v in stats.items() if k.endswith(" calls"))
    errors = sum(v for k, v in stats.items() if k.endswith(" 5xx"))
    terminalreporter.write_line(
        f"fuzz: {calls} calls, {errors} 5xx ("
        + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()))
        + ")"
    )
    for line in fuzz.SERVER_ERRORS[:50]:
        terminalreporter.write_line(f"fuzz 5xx: {line}")
