"""Reads after the event: the evaluation and its results (never a person next to an
answer), the invitation behind a personal link, the attendee behind a certificate, and next
year's allocation proposal (docs/rules.md#events-evaluation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q

from jamlik.core.errors import NotFound
from jamlik.events import allocation_proposal as rules
from jamlik.events import evaluation as evaluation_rules
from jamlik.events import policies
from jamlik.events.models import (
    Allocation,
    AllocationMember,
    Evaluation,
    EvaluationAnswer,
    EvaluationInvite,
    Event,
    EventStatus,
    Registration,
    Status,
)
from jamlik.events.selectors._common import PUBLIC_STATUSES, _is_token
from jamlik.events.selectors.registrations import registration_by_manage_token


def evaluation_of(event: Event) -> Evaluation | None:
    """The event's evaluation with its questions, or None when none was set up."""
    return Evaluation.objects.filter(event=event).prefetch_related("questions").first()


def questions_of(evaluation: Evaluation | None) -> list[evaluation_rules.Question]:
    if evaluation is None:
        return []
    return [
        evaluation_rules.Question(id=q.pk, kind=q.kind, text=q.text, required=q.required)
        for q in evaluation.questions.all()
    ]


@dataclass
class EvaluationResults:
    evaluation: Evaluation | None
    invited: int = 0
    answered: int = 0
    minimum: int = 0
    questions: list[evaluation_rules.QuestionResult] = field(default_factory=list)


def evaluation_results(*, user: Any, event: Event) -> EvaluationResults:
    """Per question what may be shown (``evaluation.question_result``): event-level only,
    for those ``may_see_evaluation`` allows. Reads the answer rows by question only."""
    policies.require(policies.may_see_evaluation, user)
    found = evaluation_of(event)
    results = EvaluationResults(evaluation=found, minimum=evaluation_rules.min_answers())
    if found is None:
        return results
    counts = EvaluationInvite.objects.filter(evaluation=found).aggregate(
        invited=Count("id"), answered=Count("id", filter=Q(answered=True))
    )
    results.invited, results.answered = counts["invited"], counts["answered"]
    questions = questions_of(found)
    answers = [
        evaluation_rules.Answer(question=row[0], scale=row[1], yes=row[2], text=row[3])
        for row in EvaluationAnswer.objects.filter(question__evaluation=found).values_list(
            "question_id", "scale", "yes", "text"
        )
    ]
    results.questions = [
        evaluation_rules.question_result(q, answers, minimum=results.minimum) for q in questions
    ]
    return results


def invite_by_token(token: str) -> EvaluationInvite:
    """The invitation behind a personal evaluation link, with its evaluation, event and
    questions; 404 for an unknown token or an event the public may not see."""
    if not _is_token(token):
        raise NotFound()
    invite = (
        EvaluationInvite.objects.select_related("evaluation__event")
        .prefetch_related("evaluation__questions")
        .filter(token=token, evaluation__event__status__in=PUBLIC_STATUSES)
        .first()
    )
    if invite is None:
        raise NotFound()
    return invite


def attended(registration: Registration) -> bool:
    """Whether the registration's person came: confirmed and checked in."""
    return registration.status == Status.CONFIRMED and registration.checked_in_at is not None


def attendee_by_manage_token(token: str) -> Registration:
    """The registration behind a manage link, if its person came; else 404 (a certificate
    for anybody else does not exist)."""
    registration = registration_by_manage_token(token)
    if not attended(registration):
        raise evaluation_rules.NotAttended()
    return registration


def attendees(event: Event) -> Any:
    """Who came: confirmed, checked in, not anonymised (the evaluation goes to them)."""
    return Registration.objects.filter(
        event=event,
        status=Status.CONFIRMED,
        checked_in_at__isnull=False,
        anonymised_at__isnull=True,
    ).order_by("id")


# ---- Next year's allocation ------------------------------------------------------------------


@dataclass
class ProposalRow:
    allocation: Allocation
    organisations: list[Any]
    use: rules.Use
    proposed: int

    @property
    def name(self) -> str:
        return self.allocation.name

    @property
    def no_show_percent(self) -> int | None:
        rate = self.use.no_show_rate
        return None if rate is None else round(rate * 100)


@dataclass
class Proposal:
    event: Event
    rows: list[ProposalRow]

    @property
    def total_quota(self) -> int:
        return sum(r.use.quota for r in self.rows)

    @property
    def total_proposed(self) -> int:
        return sum(r.proposed for r in self.rows)


def allocation_proposal(*, user: Any, event: Event) -> Proposal:
    """Per allocation: this year's quota, confirmed, no-shows and waiting (the registrations
    counted against it), and the proposed quota (``allocation_proposal.proposed_quota``).
    One grouped query and one for the members."""
    policies.require(policies.may_see_allocation_proposal, user)
    return proposal_for(event)


def proposal_for(event: Event) -> Proposal:
    """``allocation_proposal`` without the policy (the service asked it already)."""
    allocations = (
        Allocation.objects.filter(event=event)
        .annotate(
            n_confirmed=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
            n_no_shows=Count(
                "registrations",
                filter=Q(
                    registrations__status=Status.CONFIRMED,
                    registrations__checked_in_at__isnull=True,
                ),
            ),
            n_waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=AllocationMember.objects.select_related("organisation").order_by(
                    "organisation__name", "organisation_id"
                ),
            )
        )
        .order_by("id")
    )
    rows = []
    for allocation in allocations:
        use = rules.Use(
            quota=allocation.quota,
            confirmed=allocation.n_confirmed,
            no_shows=allocation.n_no_shows,
            waiting=allocation.n_waiting,
        )
        rows.append(
            ProposalRow(
                allocation=allocation,
                organisations=[m.organisation for m in allocation.members.all()],
                use=use,
                proposed=rules.proposed_quota(use),
            )
        )
    return Proposal(event=event, rows=rows)


def draft_events(*, user: Any, excluding: Event | None = None) -> list[Event]:
    """The draft events a proposal can be copied into, the soonest first."""
    events = Event.objects.filter(status=EventStatus.DRAFT)
    if excluding is not None:
        events = events.exclude(pk=excluding.pk)
    return list(events.order_by("starts_at", "id"))
