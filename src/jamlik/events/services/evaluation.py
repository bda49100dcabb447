"""After the event (docs/rules.md#events-evaluation): the organiser's evaluation questions,
the mail to those who came (a personal evaluation link and their certificate), the
anonymous answers, and next year's quotas copied into a draft event.

The mail goes to every registration that was confirmed and checked in, once: its
``EvaluationInvite`` row (unique on evaluation and registration) is inserted in the
transaction that queues the mail, so the tick and the organiser's "send now" never send
twice. The tick sends it for an evaluation with questions once its event has ended (up to
``SEND_HORIZON`` after, so an old event does not wake up); "send now" any time after the end,
also to those checked in later. Once sent, the questions no longer change (the answers
would no longer fit them).

An answer is stored without the person: the invitation only turns ``answered``; the
answer rows carry the question, the value and the date, nothing else. Nothing of it goes
to the audit log (which names the actor).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log
from jamlik.core.errors import Invalid
from jamlik.events import clock, links, policies
from jamlik.events import evaluation as rules
from jamlik.events.inputs import AllocationProposalCopyIn, EvaluationIn
from jamlik.events.models import (
    Allocation,
    Evaluation,
    EvaluationAnswer,
    EvaluationInvite,
    EvaluationQuestion,
    Event,
    EventStatus,
    Registration,
)
from jamlik.events.selectors import evaluation as reads
from jamlik.notifications.services import mail_enqueue

logger = logging.getLogger(__name__)

KIND = "events.evaluation"
TEMPLATE = "events/email/evaluation"
# The tick sends an evaluation at most this long after its event's end.
SEND_HORIZON = timedelta(days=30)


def evaluation_url(invite: EvaluationInvite) -> str:
    return f"{settings.BASE_URL}/u/{invite.token}"


def certificate_url(registration: Registration) -> str:
    return f"{settings.BASE_URL}/m/{registration.manage_token}/certificate.pdf"


def has_ended(event: Event) -> bool:
    return clock.now() >= event.ends_at


# ---- The questions ----------------------------------------------------------------------------


@transaction.atomic
def evaluation_save(
    *, actor: Any, event: Event, data: EvaluationIn | Mapping[str, Any] | None = None, **fields: Any
) -> Evaluation:
    """Set the evaluation's introduction, automatic sending and questions (replacing them);
    refused once it was sent."""
    if actor is not None:
        policies.require(policies.may_manage_evaluation, actor)
    payload = EvaluationIn.take(data, **fields)
    evaluation, _created = Evaluation.objects.select_for_update().get_or_create(event=event)
    questions = [(q.kind, q.text, q.required) for q in payload.questions]
    before = [(q.kind, q.text, q.required) for q in evaluation.questions.all()]
    if evaluation.sent_at is not None and questions != before:
        raise rules.EvaluationSent()
    evaluation.intro = payload.intro
    evaluation.auto_send = payload.auto_send
    evaluation.save()
    if questions != before:
        evaluation.questions.all().delete()
        EvaluationQuestion.objects.bulk_create(
            EvaluationQuestion(
                evaluation=evaluation, position=n, kind=kind, text=text, required=required
            )
            for n, (kind, text, required) in enumerate(questions, start=1)
        )
    audit_log(
        actor=actor,
        action="events.evaluation.saved",
        obj=event,
        new={"auto_send": payload.auto_send, "questions": len(questions)},
    )
    return evaluation


# ---- Sending ----------------------------------------------------------------------------------


def _mail(
    invite: EvaluationInvite,
    registration: Registration,
    evaluation: Evaluation,
    *,
    has_questions: bool,
) -> None:
    event = evaluation.event
    mail_enqueue(
        kind=KIND,
        to=registration.email,
        template=TEMPLATE,
        context={
            "event": event,
            "registration": registration,
            "intro": evaluation.intro,
            "has_questions": has_questions,
            "evaluation_url": evaluation_url(invite),
            "certificate_url": certificate_url(registration),
        },
        language=registration.language or "sv",
        about=f"events.registration:{registration.pk}",
        reply_to=event.contact_email,
        envelope_from=links.bounce_address(event),
    )


def _send(evaluation: Evaluation) -> int:
    """Invite every attendee not invited yet; returns how many were."""
    invited = set(
        EvaluationInvite.objects.filter(evaluation=evaluation).values_list(
            "registration_id", flat=True
        )
    )
    at = clock.now()
    has_questions = evaluation.questions.exists()
    sent = 0
    for registration in reads.attendees(evaluation.event):
        if registration.pk in invited:
            continue
        try:
            with transaction.atomic():
                invite = EvaluationInvite.objects.create(
                    evaluation=evaluation, registration=registration, sent_at=at
                )
                _mail(invite, registration, evaluation, has_questions=has_questions)
        except IntegrityError:
            # Another run invited them first: it sends the mail, not us.
            logger.info("evaluation invite of registration %s already sent", registration.pk)
            continue
        sent += 1
    if evaluation.sent_at is None:
        Evaluation.objects.filter(pk=evaluation.pk, sent_at__isnull=True).update(sent_at=at)
        evaluation.sent_at = at
    return sent


def evaluation_send(*, actor: Any, event: Event) -> int:
    """The organiser's "send now": the mail to every attendee not invited yet, once the
    event has ended. Returns how many were invited now."""
    if actor is not None:
        policies.require(policies.may_manage_evaluation, actor)
    if not has_ended(event):
        raise rules.EventNotEnded()
    evaluation = reads.evaluation_of(event)
    if evaluation is None or not evaluation.questions.exists():
        raise rules.NoQuestions()
    evaluation.event = event
    sent = _send(evaluation)
    with transaction.atomic():
        audit_log(actor=actor, action="events.evaluation.sent", obj=event, new={"invited": sent})
    return sent


def evaluations_send_due() -> int:
    """The tick's part: send every evaluation whose event has ended (within
    ``SEND_HORIZON``), set to be sent automatically and not sent yet. Returns the invites."""
    at = clock.now()
    due = (
        Evaluation.objects.filter(
            auto_send=True,
            sent_at__isnull=True,
            event__ends_at__lte=at,
            event__ends_at__gt=at - SEND_HORIZON,
            event__status__in=(EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED),
            questions__isnull=False,
        )
        .distinct()
        .select_related("event")
        .order_by("id")
    )
    total = 0
    for evaluation in due:
        total += _send(evaluation)
    return total


# ---- Answering --------------------------------------------------------------------------------


def evaluation_answer(*, token: str, values: Mapping[int, Any]) -> None:
    """Store one person's answers, anonymously, once. ``values`` maps question ids to the
    answers as sent (see ``evaluation.parse_answer``). 404 for an unknown link, 409 when it
    was used already, 400 for invalid answers."""
    invite = reads.invite_by_token(token)
    questions = reads.questions_of(invite.evaluation)
    answers = rules.parse_answers(questions, values)
    on = timezone.localdate(clock.now())
    with transaction.atomic():
        # The flag first, conditionally: of two submissions at once only one turns it.
        if not EvaluationInvite.objects.filter(pk=invite.pk, answered=False).update(answered=True):
            raise rules.AlreadyAnswered()
        EvaluationAnswer.objects.bulk_create(
            EvaluationAnswer(
                question_id=a.question, scale=a.scale, yes=a.yes, text=a.text, answered_on=on
            )
            for a in answers
        )


# ---- Next year's allocation -------------------------------------------------------------------


@transaction.atomic
def allocation_proposal_copy(
    *,
    actor: Any,
    event: Event,
    data: AllocationProposalCopyIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> list[Allocation]:
    """Create the proposal's allocations (same names and organisations, the proposed quotas
    fitted to the free capacity) in a draft event, through ``allocation_create``."""
    from jamlik.events.allocation_proposal import fit_to_capacity
    from jamlik.events.services.allocations import allocation_create, quota_sum

    if actor is not None:
        policies.require(policies.may_see_allocation_proposal, actor)
        policies.require(policies.may_manage_allocations, actor)
    payload = AllocationProposalCopyIn.take(data, **fields)
    target = Event.objects.filter(pk=payload.target).first()
    if target is None or target.status != EventStatus.DRAFT or target.pk == event.pk:
        raise Invalid.field(
            "target",
            _("Choose a draft event to copy the allocation into."),
            code="target_not_draft",
        )
    proposal = reads.proposal_for(event)
    room = max(0, target.capacity - quota_sum(target))
    quotas = fit_to_capacity([r.proposed for r in proposal.rows], room)
    created = [
        allocation_create(
            actor=actor,
            event=target,
            name=row.name,
            quota=quota,
            organisations=[o.pk for o in row.organisations],
        )
        for row, quota in zip(proposal.rows, quotas, strict=True)
        if row.organisations
    ]
    audit_log(
        actor=actor,
        action="events.allocation_proposal.copied",
        obj=target,
        new={"from_event": event.pk, "allocations": [a.pk for a in created]},
    )
    return created
