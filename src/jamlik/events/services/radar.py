"""Reminders of unused seats before the release (docs/rules.md#events-release).

An event's ``unused_seat_reminder_days`` (default 7 and 2) names the days before its release
(``quota_lock_until``) on which every allocation that still has unused seats (quota minus
confirmed and held) is reminded: a mail to the functional mailbox of each of its
organisations, with that organisation's registration link, and to the org coordinators of
those organisations (in their language; Swedish, the default, while users have no language
of their own). The periodic tick sends them (``tasks.tick_work``).

Each reminder is sent once: its ``UnusedSeatReminder`` row (unique on allocation and days)
is inserted first, in the transaction that queues the mails; a second worker that comes to
the same reminder fails on the unique row and sends nothing. A reminder whose day passed
while nothing ran (the tick down, say) is caught up by the next due one: one mail then,
with a row for each day it covers. Nothing is sent after the release, for an event not
published, or for an allocation without unused seats (its day stays open: should seats be
freed before the release, the reminder goes out then).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch

from jamlik.core.audit import audit_log
from jamlik.events import clock, links, policies
from jamlik.events.models import (
    Allocation,
    AllocationMember,
    Event,
    EventStatus,
    OrganisationLink,
    UnusedSeatReminder,
)
from jamlik.notifications.services import mail_enqueue

logger = logging.getLogger(__name__)

KIND = "events.unused_seats"
TEMPLATE = "events/email/unused_seats"
LANGUAGES = ("sv", "en")
# The furthest a reminder can lie before the release (inputs.MAX_REMINDER_DAY).
HORIZON = timedelta(days=365)


def due_days(event: Event, at: datetime) -> list[int]:
    """The configured days of ``event`` whose moment has come at ``at`` while the release is
    still to come, largest first: ``release - days <= at < release``."""
    release = event.quota_lock_until
    if release is None or event.released_at is not None or at >= release:
        return []
    days = event.unused_seat_reminder_days or []
    return sorted(
        {int(n) for n in days if isinstance(n, int) and at >= release - timedelta(days=n)},
        reverse=True,
    )


def recipient_language(user: Any) -> str:
    """A user's language for mail: their own if they have one the app speaks, else Swedish."""
    language = str(getattr(user, "language", "") or "sv")[:2].lower()
    return language if language in LANGUAGES else "sv"


def unused_seat_mail(
    *,
    to: str,
    event: Event,
    allocation: Allocation,
    organisation: Any,
    link: OrganisationLink | None,
    unused: int,
    days_left: int,
    about: str,
    language: str = "sv",
    coordinator: bool = False,
) -> None:
    """Queue one reminder mail in the outbox (the caller's transaction)."""
    mail_enqueue(
        kind=KIND,
        to=to,
        template=TEMPLATE,
        context={
            "event": event,
            "allocation": allocation,
            "organisation": organisation,
            "link_url": links.organisation_link_url(link) if link is not None else "",
            "unused": unused,
            "days_left": days_left,
            "release_at": event.quota_lock_until,
            "coordinator": coordinator,
        },
        language=language,
        about=about,
        reply_to=event.contact_email,
        envelope_from=links.bounce_address(event),
    )


def unused_seat_reminders_send(*, actor: Any = None) -> int:
    """Send every reminder of unused seats that is due now; returns the allocations
    reminded. ``actor=None`` is the system (the tick)."""
    if actor is not None:
        policies.require(policies.may_send_unused_seat_reminders, actor)
    at = clock.now()
    events = Event.objects.filter(
        status=EventStatus.PUBLISHED,
        # An invitation-only event's links register nobody: its organisers chase invitees.
        invitation_only=False,
        released_at__isnull=True,
        quota_lock_until__gt=at,
        quota_lock_until__lte=at + HORIZON,
    ).order_by("quota_lock_until", "id")
    reminded = 0
    for event in events:
        due = due_days(event, at)
        if due:
            reminded += _remind_event(event, due, at)
    return reminded


def _remind_event(event: Event, due: list[int], at: datetime) -> int:
    allocations = list(
        Allocation.objects.filter(event=event, quota__gt=F("confirmed_count") + F("held_count"))
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
    if not allocations:
        return 0
    sent = set(
        UnusedSeatReminder.objects.filter(allocation__event=event).values_list(
            "allocation_id", "days_before"
        )
    )
    links_by_organisation = {
        link.organisation_id: link
        for link in OrganisationLink.objects.filter(event=event, revoked_at__isnull=True)
    }
    coordinators = _coordinators(allocations)
    reminded = 0
    for allocation in allocations:
        pending = [n for n in due if (allocation.pk, n) not in sent]
        if not pending:
            continue
        try:
            with transaction.atomic():
                if _remind_allocation(
                    event, allocation, pending, at, links_by_organisation, coordinators
                ):
                    reminded += 1
        except IntegrityError:
            # Another worker inserted the row first: it sends this reminder, not us.
            logger.info("unused seat reminder of allocation %s already sent", allocation.pk)
    return reminded


def _coordinators(allocations: list[Allocation]) -> dict[int, list[Any]]:
    """The active org coordinators with an address, by the organisation they belong to."""
    from jamlik.core.models import Role, User

    organisation_ids = {m.organisation_id for a in allocations for m in a.members.all()}
    found: dict[int, list[Any]] = defaultdict(list)
    users = (
        User.objects.filter(
            role=Role.ORG_COORDINATOR, is_active=True, organisation_id__in=organisation_ids
        )
        .exclude(email="")
        .order_by("id")
    )
    for user in users:
        found[user.organisation_id].append(user)
    return found


def _remind_allocation(
    event: Event,
    allocation: Allocation,
    pending: list[int],
    at: datetime,
    links_by_organisation: dict[int, OrganisationLink],
    coordinators: dict[int, list[Any]],
) -> bool:
    """Insert the reminder's rows, then queue its mails; False (and nothing inserted) when
    the seats were taken meanwhile."""
    fresh = (
        Allocation.objects.filter(pk=allocation.pk)
        .values("quota", "confirmed_count", "held_count")
        .first()
    )
    if fresh is None:
        return False
    unused = max(0, fresh["quota"] - fresh["confirmed_count"] - fresh["held_count"])
    if unused <= 0:
        return False
    rows = [
        UnusedSeatReminder.objects.create(
            allocation=allocation, days_before=n, sent_at=at, unused=unused
        )
        for n in pending
    ]
    reminder = rows[-1]  # the latest day: what this mail stands for
    release = event.quota_lock_until
    assert release is not None  # due_days saw it
    days_left = max(0, (release - at).days)
    addresses: set[str] = set()
    for member in allocation.members.all():
        organisation = member.organisation
        link = links_by_organisation.get(organisation.pk)
        mailbox = (organisation.mailbox or "").strip()
        if mailbox and mailbox.lower() not in addresses:
            addresses.add(mailbox.lower())
            unused_seat_mail(
                to=mailbox,
                event=event,
                allocation=allocation,
                organisation=organisation,
                link=link,
                unused=unused,
                days_left=days_left,
                # About the organisation's link, so a failure shows on the links page and in
                # the start page's failed-mail panel as the link's own mail does.
                about=f"events.link:{link.pk}" if link else f"{KIND}:{reminder.pk}",
            )
        for user in coordinators.get(organisation.pk, []):
            if user.email.lower() in addresses:
                continue
            addresses.add(user.email.lower())
            unused_seat_mail(
                to=user.email,
                event=event,
                allocation=allocation,
                organisation=organisation,
                link=link,
                unused=unused,
                days_left=days_left,
                about=f"{KIND}:{reminder.pk}",
                language=recipient_language(user),
                coordinator=True,
            )
    audit_log(
        actor=None,
        action="events.unused_seats.reminded",
        obj=allocation,
        new={"days_before": pending, "unused": unused, "mails": len(addresses)},
    )
    return True
