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

from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.models import User
from jamlik.events.models import EventKind
from jamlik.notifications.services import mail_enqueue
from jamlik.reviews import policies
from jamlik.reviews.models import Milestone, MilestoneReminder, Review
from jamlik.reviews.services.common import (
    DIARY_NUMBER_MAX,
    MAX_MILESTONES,
    MAX_REFERENCES,
    Cleaner,
)

logger = logging.getLogger(__name__)

# Reminders go to the owner this many days before a due date; at most one per threshold.
REMINDER_DAYS = (14, 1)
# The earliest and latest due dates accepted: a typo such as 0202 or 20211 is an error.
EARLIEST_DUE = dt.date(2000, 1, 1)
LATEST_DUE = dt.date(2100, 12, 31)

REVIEW_FIELDS = ("title", "purpose", "committee", "diary_number", "case_officer", "owner")


def _snapshot(review: Review) -> dict[str, Any]:
    return snapshot(
        review, ("title", "purpose", "committee", "diary_number", "case_officer", "owner")
    )


def _clean_review_fields(data: Mapping[str, Any], cleaner: Cleaner) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in data:
        out["title"] = cleaner.text("title", data["title"])
    if "purpose" in data:
        out["purpose"] = cleaner.long_text("purpose", data["purpose"])
    for field in ("committee", "case_officer"):
        if field in data:
            out[field] = cleaner.text(field, data[field], required=False)
    if "diary_number" in data:
        out["diary_number"] = cleaner.text(
            "diary_number", data["diary_number"], max_length=DIARY_NUMBER_MAX, required=False
        )
    if "owner" in data:
        owner = data["owner"]
        if owner is not None and not getattr(owner, "is_active", False):
            cleaner.add("owner", _("Choose an active user as the owner."))
        out["owner"] = owner
    return out


def _check_references(
    cleaner: Cleaner, campaigns: Sequence[Any] | None, workshops: Sequence[Any] | None
) -> None:
    if campaigns is not None and len(campaigns) > MAX_REFERENCES:
        cleaner.add("campaigns", _("Too many items."))
    if workshops is not None:
        if len(workshops) > MAX_REFERENCES:
            cleaner.add("workshops", _("Too many items."))
        for event in workshops:
            if event.kind != EventKind.WORKSHOP:
                cleaner.add(
                    "workshops",
                    _("“%(title)s” is not a workshop.") % {"title": event.title},
                )


def _clean_due(cleaner: Cleaner, field: str, due: Any) -> dt.date | None:
    if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
        cleaner.add(field, _("Enter a valid date (YYYY-MM-DD)."))
        return None
    if not EARLIEST_DUE <= due <= LATEST_DUE:
        cleaner.add(
            field,
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DUE.isoformat(), "last": LATEST_DUE.isoformat()},
        )
        return None
    return due


def _clean_milestone(cleaner: Cleaner, prefix: str, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in data:
        out["title"] = cleaner.text(f"{prefix}title", data["title"])
    if "due" in data:
        out["due"] = _clean_due(cleaner, f"{prefix}due", data["due"])
    if "note" in data:
        out["note"] = cleaner.long_text(f"{prefix}note", data["note"] or "")
    if "done" in data:
        out["done"] = bool(data["done"])
    return out


def _milestone_snapshot(milestone: Milestone) -> dict[str, Any]:
    return snapshot(milestone, ("title", "due", "done", "note"))


@transaction.atomic
def review_create(
    *,
    actor: Any,
    title: Any,
    purpose: Any = "",
    campaigns: Sequence[Any] = (),
    workshops: Sequence[Any] = (),
    milestones: Sequence[Mapping[str, Any]] = (),
    owner: Any = None,
    committee: Any = "",
    diary_number: Any = "",
    case_officer: Any = "",
) -> Review:
    """A review with its campaigns, workshops and milestones. The owner (who gets the
    reminders) is the creating user unless another one is named."""
    if actor is not None:
        policies.require(policies.may_edit_review, actor)
    cleaner = Cleaner()
    if owner is None and getattr(actor, "is_authenticated", False):
        owner = actor
    fields = _clean_review_fields(
        {
            "title": title,
            "purpose": purpose,
            "committee": committee,
            "diary_number": diary_number,
            "case_officer": case_officer,
            "owner": owner,
        },
        cleaner,
    )
    _check_references(cleaner, campaigns, workshops)
    if len(milestones) > MAX_MILESTONES:
        cleaner.add("milestones", _("Too many items."))
        milestones = ()
    cleaned_milestones = [
        _clean_milestone(cleaner, f"milestones.{i}.", {"done": False, "note": "", **m})
        for i, m in enumerate(milestones)
    ]
    for i, m in enumerate(cleaned_milestones):
        for required in ("title", "due"):
            if required not in m:
                cleaner.add(f"milestones.{i}.{required}", _("This field is required."))
    cleaner.check()

    review = Review(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    for field, value in fields.items():
        setattr(review, field, value)
    review.full_clean()
    review.save()
    review.campaigns.set(list(campaigns))
    review.workshops.set(list(workshops))
    now = timezone.now()
    Milestone.objects.bulk_create(
        [
            Milestone(
                review=review,
                title=m["title"],
                due=m["due"],
                done=m["done"],
                done_at=now if m["done"] else None,
                note=m["note"],
                order=i,
            )
            for i, m in enumerate(cleaned_milestones)
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
                {"title": m["title"], "due": m["due"].isoformat(), "done": m["done"]}
                for m in cleaned_milestones
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
    campaigns: Sequence[Any] | None = None,
    workshops: Sequence[Any] | None = None,
    **data: Any,
) -> Review:
    """Change the fields given (``title``, ``purpose``, ``committee``, ``diary_number``,
    ``case_officer``, ``owner``); ``campaigns``/``workshops`` replace the sets when given."""
    if actor is not None:
        policies.require(policies.may_edit_review, actor)
    unknown = set(data) - set(REVIEW_FIELDS)
    if unknown:
        raise TypeError(f"unknown review fields: {sorted(unknown)}")
    review = Review.objects.select_for_update().get(pk=review.pk)
    cleaner = Cleaner()
    fields = _clean_review_fields(data, cleaner)
    _check_references(cleaner, campaigns, workshops)
    cleaner.check()
    before = _snapshot(review)
    for field, value in fields.items():
        setattr(review, field, value)
    review.full_clean()
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
    *, actor: Any, review: Review, title: Any, due: Any, done: bool = False, note: Any = ""
) -> Milestone:
    if actor is not None:
        policies.require(policies.may_manage_milestones, actor)
    cleaner = Cleaner()
    fields = _clean_milestone(cleaner, "", {"title": title, "due": due, "done": done, "note": note})
    if review.milestones.count() >= MAX_MILESTONES:
        cleaner.add(
            "__all__", _("A review can have at most %(n)s milestones.") % {"n": MAX_MILESTONES}
        )
    cleaner.check()
    order = (review.milestones.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    milestone = Milestone(
        review=review,
        order=order,
        done_at=timezone.now() if fields["done"] else None,
        **fields,
    )
    milestone.full_clean()
    milestone.save()
    audit_log(
        actor=actor,
        action="reviews.milestone.created",
        obj=milestone,
        new=_milestone_snapshot(milestone),
    )
    transaction.on_commit(lambda: schedule_reminders(review_id=review.pk))
    return milestone


@transaction.atomic
def milestone_update(*, actor: Any, milestone: Milestone, **data: Any) -> Milestone:
    """Change a milestone's ``title``, ``due``, ``note`` or ``done`` (any of them)."""
    if actor is not None:
        policies.require(policies.may_manage_milestones, actor)
    unknown = set(data) - {"title", "due", "note", "done"}
    if unknown:
        raise TypeError(f"unknown milestone fields: {sorted(unknown)}")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    cleaner = Cleaner()
    fields = _clean_milestone(cleaner, "", data)
    cleaner.check()
    before = _milestone_snapshot(milestone)
    if "done" in fields and fields["done"] != milestone.done:
        milestone.done_at = timezone.now() if fields["done"] else None
    for field, value in fields.items():
        setattr(milestone, field, value)
    milestone.full_clean()
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
    return milestone_update(actor=actor, milestone=milestone, **data)


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


def schedule_reminders(*, review_id: int) -> None:
    """Ask the worker to run the reminder check on the mornings a reminder of this review
    falls due. Only for task backends that can defer; the daily ``jamlik reviews remind``
    covers the rest, and sending twice is impossible."""
    from jamlik.reviews.tasks import send_milestone_reminders

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
