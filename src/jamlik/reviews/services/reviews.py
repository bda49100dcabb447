"""Reviews and their milestones: create, change, mark done, and remind the owner before a
milestone's due date."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jamlik.assessments.models import Campaign
from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid
from jamlik.core.models import User
from jamlik.events.models import Event, EventKind
from jamlik.notifications.services import mail_enqueue
from jamlik.reviews import policies
from jamlik.reviews.inputs import MAX_MILESTONES, MilestoneIn, MilestonePatch, ReviewIn, ReviewPatch
from jamlik.reviews.models import Milestone, MilestoneReminder, Review
from jamlik.reviews.services.common import UNCHANGED, known_fields

logger = logging.getLogger(__name__)

# Reminders go to the owner this many days before a due date; at most one per threshold.
REMINDER_DAYS = (14, 1)

REVIEW_FIELDS = ("title", "purpose", "committee", "diary_number", "case_officer", "owner")


def _snapshot(review: Review) -> dict[str, Any]:
    return snapshot(review, REVIEW_FIELDS)


def _ids(**objects: Sequence[Any] | None) -> dict[str, list[Any]]:
    """The ids of the objects a caller looked up, under the model's field names, so the
    model's rules (how many) hold for a page's choices as for a request's ids."""
    return {name: [o.pk for o in items] for name, items in objects.items() if items is not None}


def _check_workshops(workshops: Sequence[Event] | None) -> None:
    errors = [
        {"field": "workshops", "message": _("“%(title)s” is not a workshop.") % {"title": e.title}}
        for e in workshops or ()
        if e.kind != EventKind.WORKSHOP
    ]
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)


def _check_owner(owner: User | None) -> None:
    if owner is not None and not owner.is_active:
        raise Invalid.field("owner", _("Choose an active user as the owner."))


def _milestone_snapshot(milestone: Milestone) -> dict[str, Any]:
    return snapshot(milestone, ("title", "due", "done", "note"))


@transaction.atomic
def review_create(
    *,
    actor: Any,
    data: ReviewIn | Mapping[str, Any] | None = None,
    campaigns: Sequence[Campaign] = (),
    workshops: Sequence[Event] = (),
    owner: User | None = None,
    **fields: Any,
) -> Review:
    """A review with its campaigns, workshops and milestones: ``data`` or the keyword
    arguments are ``ReviewIn``'s fields; ``campaigns`` and ``workshops`` the objects its ids
    name. The owner (who gets the reminders) is the creating user unless another is named."""
    if actor is not None:
        policies.require(policies.may_edit_review, actor)
    known_fields(fields, ReviewIn)
    payload = ReviewIn.take(data, **fields, **_ids(campaigns=campaigns, workshops=workshops))
    _check_workshops(workshops)
    if owner is None and getattr(actor, "is_authenticated", False):
        owner = actor
    _check_owner(owner)

    review = Review.objects.create(
        title=payload.title,
        purpose=payload.purpose,
        committee=payload.committee,
        diary_number=payload.diary_number,
        case_officer=payload.case_officer,
        owner=owner,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    review.campaigns.set(list(campaigns))
    review.workshops.set(list(workshops))
    now = timezone.now()
    Milestone.objects.bulk_create(
        [
            Milestone(
                review=review,
                title=m.title,
                due=m.due,
                done=m.done,
                done_at=now if m.done else None,
                note=m.note,
                order=i,
            )
            for i, m in enumerate(payload.milestones)
        ]
    )
    audit_log(
        actor=actor,
        action="reviews.review.created",
        obj=review,
        new={
            **_snapshot(review),
            "campaigns": sorted(c.pk for c in campaigns),
            "workshops": sorted(e.pk for e in workshops),
            "milestones": [
                {"title": m.title, "due": m.due.isoformat(), "done": m.done}
                for m in payload.milestones
            ],
        },
    )
    transaction.on_commit(lambda: schedule_reminders(review_id=review.pk))
    return review


@transaction.atomic
def review_update(
    *,
    actor: Any,
    review: Review,
    data: ReviewPatch | Mapping[str, Any] | None = None,
    campaigns: Sequence[Campaign] | None = None,
    workshops: Sequence[Event] | None = None,
    owner: Any = UNCHANGED,
    **fields: Any,
) -> Review:
    """Change the fields given (``ReviewPatch``'s; null is not changing) and ``owner`` when
    given; ``campaigns``/``workshops`` replace the sets when given."""
    if actor is not None:
        policies.require(policies.may_edit_review, actor)
    known_fields(fields, ReviewPatch)
    payload = ReviewPatch.take(data, **fields, **_ids(campaigns=campaigns, workshops=workshops))
    values = {
        field: value
        for field, value in payload.given().items()
        if value is not None and field not in ("campaigns", "workshops")
    }
    _check_workshops(workshops)
    if owner is not UNCHANGED:
        _check_owner(owner)
        values["owner"] = owner
    review = Review.objects.select_for_update().get(pk=review.pk)
    before = _snapshot(review)
    for field, value in values.items():
        setattr(review, field, value)
    review.save()
    old, new = changes(before, _snapshot(review))
    if campaigns is not None:
        previous = sorted(review.campaigns.values_list("pk", flat=True))
        review.campaigns.set(list(campaigns))
        if previous != sorted(c.pk for c in campaigns):
            old["campaigns"], new["campaigns"] = previous, sorted(c.pk for c in campaigns)
    if workshops is not None:
        previous = sorted(review.workshops.values_list("pk", flat=True))
        review.workshops.set(list(workshops))
        if previous != sorted(e.pk for e in workshops):
            old["workshops"], new["workshops"] = previous, sorted(e.pk for e in workshops)
    if new:
        audit_log(actor=actor, action="reviews.review.updated", obj=review, old=old, new=new)
    return review


@transaction.atomic
def milestone_create(
    *,
    actor: Any,
    review: Review,
    data: MilestoneIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Milestone:
    """A milestone of ``review``: ``data`` or the keyword arguments are ``MilestoneIn``'s
    fields."""
    if actor is not None:
        policies.require(policies.may_manage_milestones, actor)
    known_fields(fields, MilestoneIn)
    payload = MilestoneIn.take(data, **fields)
    if review.milestones.count() >= MAX_MILESTONES:
        raise Invalid.field(
            "__all__", _("A review can have at most %(n)s milestones.") % {"n": MAX_MILESTONES}
        )
    order = (review.milestones.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    milestone = Milestone.objects.create(
        review=review,
        order=order,
        title=payload.title,
        due=payload.due,
        done=payload.done,
        done_at=timezone.now() if payload.done else None,
        note=payload.note,
    )
    audit_log(
        actor=actor,
        action="reviews.milestone.created",
        obj=milestone,
        new=_milestone_snapshot(milestone),
    )
    transaction.on_commit(lambda: schedule_reminders(review_id=review.pk))
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: Any,
    milestone: Milestone,
    data: MilestonePatch | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Milestone:
    """Change a milestone's ``title``, ``due``, ``note`` or ``done`` (any of them; null is
    not changing)."""
    if actor is not None:
        policies.require(policies.may_manage_milestones, actor)
    known_fields(fields, MilestonePatch)
    payload = MilestonePatch.take(data, **fields)
    values = {field: value for field, value in payload.given().items() if value is not None}
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = _milestone_snapshot(milestone)
    if "done" in values and values["done"] != milestone.done:
        milestone.done_at = timezone.now() if values["done"] else None
    for field, value in values.items():
        setattr(milestone, field, value)
    milestone.save()
    old, new = changes(before, _milestone_snapshot(milestone))
    if new:
        audit_log(actor=actor, action="reviews.milestone.updated", obj=milestone, old=old, new=new)
    if "due" in new:
        transaction.on_commit(lambda: schedule_reminders(review_id=milestone.review_id))
    return milestone


def milestone_set_done(
    *, actor: Any, milestone: Milestone, done: bool, note: Any = None
) -> Milestone:
    """Mark a milestone done (or not done again), optionally with a note."""
    data: dict[str, Any] = {"done": bool(done)}
    if note is not None:
        data["note"] = note
    return milestone_update(actor=actor, milestone=milestone, data=data)


@transaction.atomic
def milestone_delete(*, actor: Any, milestone: Milestone) -> None:
    if actor is not None:
        policies.require(policies.may_manage_milestones, actor)
    audit_log(
        actor=actor,
        action="reviews.milestone.deleted",
        obj=milestone,
        old=_milestone_snapshot(milestone),
    )
    milestone.delete()


# ---- Reminders -----------------------------------------------------------------------------


def _thresholds_reached(due: dt.date, today: dt.date) -> list[int]:
    days_left = (due - today).days
    if days_left < 0:
        return []
    return sorted(d for d in REMINDER_DAYS if days_left <= d)


def milestone_reminders_send(*, today: dt.date | None = None) -> int:
    """Mail the owner of each review about milestones coming due; returns how many mails.

    For each open milestone due within the largest threshold, the smallest threshold
    reached decides the reminder; a MilestoneReminder row per (milestone, threshold, due
    date) makes it at most once, even when two workers run this at the same time. Every
    threshold already passed is recorded too, so a milestone created six days before its
    due date gets one reminder now and one the day before, not two today.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    candidates = (
        Milestone.objects.filter(
            done=False, due__gte=today, due__lte=horizon, review__owner__isnull=False
        )
        .exclude(review__owner__email="")
        .select_related("review__owner")
        .prefetch_related("reminders")
        .order_by("due", "id")
    )
    sent = 0
    for milestone in candidates:
        reached = _thresholds_reached(milestone.due, today)
        recorded = {(r.days_before, r.due) for r in milestone.reminders.all()}
        if not reached or (reached[0], milestone.due) in recorded:
            continue
        try:
            sent += _send_reminder(milestone, reached, recorded, today)
        except IntegrityError:
            # Another worker sent it first: that is the "at most once".
            continue
    return sent


@transaction.atomic
def _send_reminder(
    milestone: Milestone, reached: list[int], recorded: set[tuple[int, dt.date]], today: dt.date
) -> int:
    for days in reached:
        if (days, milestone.due) not in recorded:
            MilestoneReminder.objects.create(
                milestone=milestone, days_before=days, due=milestone.due
            )
    review = milestone.review
    mail_enqueue(
        kind="reviews.milestone_reminder",
        to=cast(User, review.owner).email,  # candidates have an owner
        template="reviews/email/milestone_reminder",
        context={
            "review": review,
            "milestone": milestone,
            "days_left": (milestone.due - today).days,
            "owner": review.owner,
        },
        about=f"reviews.milestone:{milestone.pk}",
    )
    audit_log(
        actor=None,
        action="reviews.milestone.reminded",
        obj=milestone,
        new={"days_before": reached[0], "due": milestone.due.isoformat()},
    )
    return 1


@task()
def send_milestone_reminders() -> int:
    """Remind review owners of milestones coming due; safe to run any number of times
    (queued by ``schedule_reminders``, so it lives here: the import goes one way)."""
    return milestone_reminders_send()


def schedule_reminders(*, review_id: int) -> None:
    """Ask the worker to run the reminder check on the mornings a reminder of this review
    falls due. Only for task backends that can defer; the daily ``jamlik reviews remind``
    covers the rest, and sending twice is impossible."""
    try:
        if not send_milestone_reminders.get_backend().supports_defer:
            return
        today = timezone.localdate()
        days: set[dt.date] = set()
        for due in Milestone.objects.filter(review_id=review_id, done=False).values_list(
            "due", flat=True
        ):
            for before in REMINDER_DAYS:
                day = due - dt.timedelta(days=before)
                if day >= today:
                    days.add(day)
        tz = timezone.get_current_timezone()
        for day in sorted(days):
            at = dt.datetime.combine(day, dt.time(7, 0), tzinfo=tz)
            send_milestone_reminders.using(run_after=at).enqueue()
    except Exception:  # the daily command still sends the reminders
        logger.exception("could not schedule milestone reminders for review %s", review_id)
