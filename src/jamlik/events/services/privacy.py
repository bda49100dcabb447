"""Privacy writes: marking a registration's protected identity ("skyddade personuppgifter")
and erasing dietary and accessibility needs after the event (docs/rules.md#privacy)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jamlik.core.audit import audit_log
from jamlik.events import clock, policies, privacy
from jamlik.events.models import Event, Registration, RegistrationNeeds


@transaction.atomic
def registration_set_protected(
    *, actor: Any, registration: Registration, protected: bool
) -> Registration:
    """Mark or unmark a registration's protected identity. ``actor`` None: the person
    themselves on their manage page (the token is their proof); otherwise a city
    coordinator or administrator (``may_see_protected_identity``)."""
    if actor is not None:
        policies.require(policies.may_see_protected_identity, actor)
    protected = bool(protected)
    if registration.protected_identity == protected:
        return registration
    Registration.objects.filter(pk=registration.pk).update(protected_identity=protected)
    audit_log(
        actor=actor,
        action="events.registration.protected_identity",
        obj=registration,
        old={"protected_identity": registration.protected_identity},
        new={"protected_identity": protected},
    )
    registration.protected_identity = protected
    return registration


def needs_erase_due() -> int:
    """Erase the dietary and accessibility needs of every event that ended its own
    ``needs_erase_after_days`` ago (the worker's tick); one audit row per event. Returns
    how many registrations' needs were erased."""
    at = clock.now()
    # The per-event threshold in SQL would need interval arithmetic that differs between
    # SQLite and PostgreSQL; the events that ended at least a day ago are few, so the
    # comparison is made here.
    total = 0
    candidates = (
        Event.objects.filter(ends_at__lte=at, registrations__needs__isnull=False)
        .distinct()
        .order_by("id")
        .only("id", "ends_at", "needs_erase_after_days", "title")
    )
    for event in candidates:
        if not privacy.needs_erase_due(event.ends_at, event.needs_erase_after_days, at):
            continue
        with transaction.atomic():
            count, _ = RegistrationNeeds.objects.filter(registration__event=event).delete()
            if count:
                audit_log(
                    actor=None,
                    action="events.needs.erased",
                    obj=event,
                    new={"registrations": count, "days": event.needs_erase_after_days},
                )
            total += count
    return total
