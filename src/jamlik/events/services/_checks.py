"""What registering and changing a registration check: the person, the sessions chosen, the
room left, the phase; the active registration of an address, the allocation of an organisation."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from jamlik.core.errors import Invalid, NotFound
from jamlik.events.decisions import QUOTA_PHASE, phase_refusal
from jamlik.events.errors import (
    Closed,
    NotOpen,
    QuotaPhase,
    SessionFull,
    invalid,
)
from jamlik.events.inputs import MAX_SESSIONS, RegistrationIn
from jamlik.events.models import (
    ACTIVE_STATUSES,
    AllocationMember,
    Event,
    Registration,
    Session,
)
from jamlik.events.services.seats import (
    Seats,
    nearest_allocation,
)

PERSON_FIELDS = {"name", "email", "category", "title", "dietary", "accessibility", "manager_email"}


# ---- Checks -------------------------------------------------------------------------------------


def person_for_event(event: Event, payload: RegistrationIn) -> dict[str, Any]:
    """The person's fields of a registration, with the rules that depend on the event: a
    category it is open to, and the manager's address when a manager must approve (400)."""
    errors = []
    if payload.category not in (event.categories or []):
        message = _("This event is not open to that category.")
        errors.append(("category", message, "category_not_allowed"))
    if event.approval_required and not payload.manager_email:
        message = _("Your manager's e-mail address is needed for the approval.")
        errors.append(("manager_email", message, "manager_email_required"))
    if errors:
        code = errors[0][2] if len(errors) == 1 else "invalid"
        raise Invalid(
            errors[0][1], code=code, errors=[{"field": f, "message": m} for f, m, _c in errors]
        )
    return payload.model_dump(include=PERSON_FIELDS)


def chosen_sessions(sessions: dict[int, Session], session_ids: Iterable[Any]) -> list[Session]:
    """The sessions named by id: all of this event, at most one per time slot (400).
    ``sessions``: the event's sessions by id (all of them, or at least those named)."""
    ids = list(session_ids or [])
    if not ids:
        return []
    if len(ids) > MAX_SESSIONS:
        raise invalid("sessions", _("Too many sessions."), "invalid")
    unique = list(dict.fromkeys(ids))
    unknown = [i for i in unique if not isinstance(i, int) or i not in sessions]
    if unknown:
        raise invalid(
            "sessions",
            _("Unknown session: %(id)s.") % {"id": str(unknown[0])[:30]},
            "unknown_session",
        )
    chosen = sorted((sessions[i] for i in unique), key=lambda s: (s.starts_at, s.pk))
    for earlier, later in itertools.pairwise(chosen):
        if earlier.overlaps(later):
            raise invalid(
                "sessions",
                _("“%(a)s” and “%(b)s” are at the same time; choose one of them.")
                % {"a": earlier.title, "b": later.title},
                "slot_conflict",
            )
    return chosen


def _check_session_ids(session_ids: list[Any]) -> None:
    """What can be said of chosen session ids without reading the programme (400)."""
    if len(session_ids) > MAX_SESSIONS:
        raise invalid("sessions", _("Too many sessions."), "invalid")
    for value in session_ids:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 2**63 - 1:
            raise invalid(
                "sessions",
                _("Unknown session: %(id)s.") % {"id": str(value)[:30]},
                "unknown_session",
            )


def _check_room(sessions: Iterable[Session], *, keeping: AbstractSet[int] = frozenset()) -> None:
    for session in sessions:
        if session.pk not in keeping and session.is_full:
            raise SessionFull(session.title)


def _check_phase(seats: Seats, *, via_link: bool) -> None:
    """The phase rule of ``decisions.visitor_options`` (``phase_refusal``), as a refusal."""
    event = seats.event
    reason = phase_refusal(event, seats.at, via_link=via_link)
    if reason == "not_open":
        raise NotOpen(event.opens_at)
    if reason == QUOTA_PHASE:
        raise QuotaPhase(event.quota_lock_until)
    if reason is not None:
        raise Closed()


def active_registration_for(event: Event, email: str) -> Registration | None:
    """The active registration of an address (case-insensitive), through the
    (event, lower(email)) index."""
    # The id first: most lookups find nothing, and the row is read only when one is found.
    found = (
        Registration.objects.alias(email_lower=Lower("email"))
        .filter(event=event, email_lower=email.lower(), status__in=ACTIVE_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else Registration.objects.filter(pk=found).first()


def allocation_for(event_id: int, organisation: Any) -> int | None:
    """The allocation an organisation counts against: its own, else its nearest ancestor's."""
    if organisation is None:
        return None
    chain = organisation.ancestor_ids
    members = dict(
        AllocationMember.objects.filter(event_id=event_id, organisation_id__in=chain).values_list(
            "organisation_id", "allocation_id"
        )
    )
    return nearest_allocation(chain, members)


def _reload(seats: Seats, registration: Registration) -> Registration:
    fresh = (
        Registration.objects.select_related("organisation")
        .filter(pk=registration.pk, event=seats.event)
        .first()
    )
    if fresh is None:
        raise NotFound()
    fresh.event = seats.event
    return fresh
