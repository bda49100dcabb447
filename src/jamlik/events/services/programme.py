"""The programme: sessions of an event (create, update, delete)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log, changes
from jamlik.events import policies
from jamlik.events.errors import (
    invalid,
)
from jamlik.events.inputs import SessionIn, SessionPatch, session_time_error
from jamlik.events.models import (
    Event,
    Session,
)
from jamlik.events.services.seats import open_seats

# ---- Programme -------------------------------------------------------------------------------------

SESSION_FIELDS = tuple(SessionIn.model_fields)


def _check_session(session: Session, event: Event) -> None:
    """A new session's own times are ``SessionIn``'s rule; a change is checked here on the
    stored times with the change applied. Both must lie within the event."""
    message = session_time_error(session.starts_at, session.ends_at)
    if message:
        raise invalid("ends_at", message, "dates_order")
    if session.starts_at < event.starts_at or session.ends_at > event.ends_at:
        raise invalid(
            "starts_at", _("The session must lie within the event's times."), "dates_order"
        )


@transaction.atomic
def session_create(
    *,
    actor: Any,
    event: Event,
    data: SessionIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Session:
    if actor is not None:
        policies.require(policies.may_manage_programme, actor)
    payload = SessionIn.take(data, **fields)
    seats = open_seats(event.pk)
    session = Session(event=seats.event, **payload.model_dump())
    _check_session(session, seats.event)
    session.save()
    audit_log(
        actor=actor,
        action="events.session.created",
        obj=session,
        new={"title": session.title, "capacity": session.capacity},
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor: Any,
    session: Session,
    data: SessionPatch | Mapping[str, Any] | None = None,
    **fields: Any,
) -> Session:
    if actor is not None:
        policies.require(policies.may_manage_programme, actor)
    payload = SessionPatch.take(data, **fields)
    seats = open_seats(session.event_id)
    session = seats.sessions[session.pk]
    before = {name: getattr(session, name) for name in SESSION_FIELDS}
    for name, value in payload.given().items():
        setattr(session, name, value)
    _check_session(session, seats.event)
    if session.capacity is not None and session.capacity < session.taken_count:
        raise invalid(
            "capacity",
            _("%(n)s people have chosen this session; the capacity cannot be lower.")
            % {"n": session.taken_count},
            "capacity_below_taken",
        )
    session.save()
    old, new = changes(before, {name: getattr(session, name) for name in SESSION_FIELDS})
    if new:
        audit_log(actor=actor, action="events.session.updated", obj=session, old=old, new=new)
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: Session) -> None:
    if actor is not None:
        policies.require(policies.may_manage_programme, actor)
    open_seats(session.event_id)
    audit_log(
        actor=actor, action="events.session.deleted", obj=session, old={"title": session.title}
    )
    session.delete()
