"""The work the background worker does on a schedule: serve releases that are due, expire
approval holds, send the reminder before an event (once per registration), and anonymise
registrations a set time after their event (statistics per organisation survive)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from jamlik.core.audit import audit_log
from jamlik.events import clock, policies
from jamlik.events.models import (
    HELD_STATUSES,
    Event,
    EventStatus,
    Registration,
    RegistrationNeeds,
    Status,
)
from jamlik.events.services import mail
from jamlik.events.services.seats import event_release_if_due

REMINDER_BEFORE = timedelta(days=2)
ANONYMOUS_DOMAIN = "anonymised.invalid"


def events_housekeep_due() -> int:
    """Serve every release that is due and every hold that ran out; returns events touched."""
    at = clock.now()
    due = Event.objects.filter(status=EventStatus.PUBLISHED).filter(
        Q(quota_lock_until__lte=at, released_at__isnull=True)
        | Q(
            Q(held_count__gt=0) | Q(online_held_count__gt=0),
            registrations__status__in=HELD_STATUSES,
            registrations__hold_expires_at__lte=at,
        )
    )
    touched = 0
    for event in due.distinct().order_by("id"):
        event_release_if_due(event=event)
        touched += 1
    return touched


def reminders_send() -> int:
    """Remind confirmed participants of events starting within two days, at most once each."""
    at = clock.now()
    events = Event.objects.filter(
        status=EventStatus.PUBLISHED, starts_at__gt=at, starts_at__lte=at + REMINDER_BEFORE
    )
    sent = 0
    for event in events:
        candidates = Registration.objects.filter(
            event=event, status=Status.CONFIRMED, reminded_at__isnull=True
        ).values_list("id", flat=True)
        for registration_id in list(candidates):
            with transaction.atomic():
                # Claim the reminder first: a second worker finds it taken and sends nothing.
                claimed = Registration.objects.filter(
                    pk=registration_id, status=Status.CONFIRMED, reminded_at__isnull=True
                ).update(reminded_at=at)
                if not claimed:
                    continue
                registration = Registration.objects.get(pk=registration_id)
                mail.reminder(registration, event=event)
                sent += 1
    return sent


def _anonymise(queryset: Any, at: Any) -> int:
    """Blank the personal fields of the registrations in ``queryset``; organisation,
    allocation, category, status, sessions and check-in stay for the statistics."""
    from jamlik.notifications.models import OutboxMessage

    ids = list(queryset.filter(anonymised_at__isnull=True).values_list("id", flat=True))
    if not ids:
        return 0
    Registration.objects.filter(pk__in=ids).update(
        name="",
        email=Concat(
            Value("anonymous-"),
            Cast("id", output_field=CharField()),
            Value(f"@{ANONYMOUS_DOMAIN}"),
        ),
        title="",
        manager_email="",
        person_key="",
        anonymised_at=at,
    )
    RegistrationNeeds.objects.filter(registration_id__in=ids).delete()
    # The mails about them held names and addresses too (one still queued that long after
    # the event has nothing left to say).
    OutboxMessage.objects.filter(about__in=[f"events.registration:{pk}" for pk in ids]).delete()
    return len(ids)


def registrations_anonymise_due() -> int:
    """Anonymise the registrations of events that ended ANONYMISE_AFTER_DAYS days ago."""
    at = clock.now()
    days = settings.JAMLIK.get("ANONYMISE_AFTER_DAYS", 90)
    total = 0
    for event in Event.objects.filter(ends_at__lte=at - timedelta(days=days)):
        with transaction.atomic():
            count = _anonymise(Registration.objects.filter(event=event), at)
            if count:
                audit_log(
                    actor=None,
                    action="events.registrations.anonymised",
                    obj=event,
                    new={"registrations": count},
                )
            total += count
    return total


def needs_erase_due() -> int:
    """Erase dietary and accessibility needs a set time after each event (sooner than the
    registrations: ``Event.needs_erase_after_days``, services.privacy)."""
    from jamlik.events.services.privacy import needs_erase_due as erase

    return erase()


def registration_may_erase(*, actor: Any, registration: Registration) -> bool:
    """Whether ``registration_anonymise`` would erase something for ``actor`` now (the
    system, ``None``, or who ``policies.may_erase_registration`` allows)."""
    allowed = actor is None or policies.may_erase_registration(actor)
    return allowed and registration.anonymised_at is None


@transaction.atomic
def registration_anonymise(*, actor: Any, registration: Registration) -> Registration:
    """Erase one person's data on request (the registration stays for the statistics). An
    active registration is cancelled first, so its seat goes to the next person."""
    if actor is not None:
        policies.require(policies.may_erase_registration, actor)
    if registration.anonymised_at is not None:
        return registration
    if registration.is_active and clock.now() < registration.event.ends_at:
        from jamlik.events.services.registrations import registration_cancel

        registration = registration_cancel(registration=registration, actor=actor)
    _anonymise(Registration.objects.filter(pk=registration.pk), clock.now())
    audit_log(
        actor=actor, action="events.registration.anonymised", obj=registration, new={"done": True}
    )
    registration.refresh_from_db()
    return registration
