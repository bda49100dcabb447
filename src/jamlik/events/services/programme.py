"""The programme: sessions of an event (create, update, delete)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log, changes
from jamlik.events import policies
from jamlik.events.errors import (
    invalid,
)
from jamlik.events.models import (
    Event,
    Session,
)
from jamlik.events.services._rules import _SESSION_RULES, SESSION_FIELDS, _clean, _required
from jamlik.events.services.seats import open_seats

# ---- Programme -------------------------------------------------------------------------------------


def _check_session(session: Session, event: Event) -> None:
    if session.ends_at <= session.starts_at:
        raise invalid("ends_at", _("The session must end after it starts."), "dates_order")
    if session.starts_at < event.starts_at or session.ends_at > event.ends_at:
        raise invalid(
            "starts_at", _("The session must lie within the event's times."), "dates_order"
        )


@transaction.atomic
def session_create(*, actor: Any, event: Event, **data: Any) -> Session:
    if actor is not None:
        policies.require(policies.may_manage_programme, actor)
    _required(data, ("title", "starts_at", "ends_at"))
    cleaned = _clean(data, _SESSION_RULES)
    seats = open_seats(event.pk)
    session = Session(event=seats.event, **cleaned)
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
def session_update(*, actor: Any, session: Session, **data: Any) -> Session:
    if actor is not None:
        policies.require(policies.may_manage_programme, actor)
    for name in ("title", "starts_at", "ends_at"):
        if name in data and data[name] is None:
            del data[name]
    cleaned = _clean(data, _SESSION_RULES)
    seats = open_seats(session.event_id)
    session = seats.sessions[session.pk]
    before = {name: getattr(session, name) for name in SESSION_FIELDS}
    for name, value in cleaned.items():
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
