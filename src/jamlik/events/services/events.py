"""Events, their programme, allocations and organisation links: create and change, with the
validation of docs/api.md#status-codes (400 for what is invalid in itself, 409 for what the rules refuse now).

Changes that can move seats (capacity, quotas, the release date, the status) run under the
event lock like every other seat decision, and hand freed or new seats to the people waiting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jamlik.core import validation
from jamlik.core.audit import audit_log, changes, snapshot
from jamlik.core.errors import Invalid, RateLimited
from jamlik.core.ratelimit import rate_limit_hit, window_remaining
from jamlik.events import clock, policies
from jamlik.events.errors import (
    AllocationInUse,
    CapacityBelowTaken,
    QuotaBelowTaken,
    invalid,
)
from jamlik.events.models import (
    ACTIVE_STATUSES,
    Allocation,
    AllocationMember,
    Category,
    Event,
    EventKind,
    EventMessage,
    EventStatus,
    OrganisationLink,
    Registration,
    Session,
    Status,
)
from jamlik.events.services import mail
from jamlik.events.services.seats import housekeep, open_seats, promote, quota_binds

EVENT_FIELDS = (
    "title",
    "description",
    "venue",
    "starts_at",
    "ends_at",
    "capacity",
    "opens_at",
    "quota_lock_until",
    "closes_at",
    "categories",
    "approval_required",
    "approval_hold_hours",
    "waitlist_enabled",
    "kind",
    "status",
    "contact_email",
)
SESSION_FIELDS = (
    "title",
    "description",
    "speakers",
    "room",
    "starts_at",
    "ends_at",
    "capacity",
)
MAX_CAPACITY = 1_000_000
MAX_HOLD_HOURS = 24 * 60

LOST_LINK_PER_ADDRESS = 5
LOST_LINK_PER_CLIENT = 30


# ---- Field rules -------------------------------------------------------------------------------


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise ValidationError(_("Enter a valid date and time (ISO 8601)."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _whole(value: Any, *, low: int, high: int, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."))
    if value < low:
        raise ValidationError(_("Must be at least %(n)s.") % {"n": low})
    if value > high:
        raise ValidationError(_("Must be at most %(n)s.") % {"n": high})
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_("Enter true or false."))
    return value


def _choice(value: Any, choices: Any) -> str:
    value = getattr(value, "value", value)
    if value not in choices.values:
        raise ValidationError(
            _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}
        )
    return value


def _categories(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ValidationError(_("Choose at least one category."))
    chosen = [_choice(v, Category) for v in value]
    return [c for c in Category.values if c in chosen]


_EVENT_RULES = {
    "title": lambda v: validation.clean_text(v),
    "description": lambda v: validation.clean_text(
        v, max_length=validation.TEXT_MAX, required=False, multiline=True
    ),
    "venue": lambda v: validation.clean_text(v, required=False),
    "starts_at": _aware,
    "ends_at": _aware,
    "opens_at": _aware,
    "quota_lock_until": _aware,
    "closes_at": _aware,
    "capacity": lambda v: _whole(v, low=1, high=MAX_CAPACITY),
    "categories": _categories,
    "approval_required": _flag,
    "approval_hold_hours": lambda v: _whole(v, low=1, high=MAX_HOLD_HOURS),
    "waitlist_enabled": _flag,
    "kind": lambda v: _choice(v, EventKind),
    "status": lambda v: _choice(v, EventStatus),
    "contact_email": lambda v: validation.clean_email(v, required=False),
}

_SESSION_RULES = {
    "title": lambda v: validation.clean_text(v),
    "description": lambda v: validation.clean_text(
        v, max_length=validation.TEXT_MAX, required=False, multiline=True
    ),
    "speakers": lambda v: validation.clean_text(v, max_length=1000, required=False),
    "room": lambda v: validation.clean_text(v, required=False),
    "starts_at": _aware,
    "ends_at": _aware,
    "capacity": lambda v: _whole(v, low=0, high=MAX_CAPACITY, allow_none=True),
}


def _clean(data: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name, value in data.items():
        if name not in rules:
            continue
        try:
            cleaned[name] = rules[name](value)
        except ValidationError as exc:
            errors.append({"field": name, "message": exc.messages[0]})
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)
    return cleaned


def _required(data: dict[str, Any], names: Iterable[str]) -> None:
    missing = [n for n in names if data.get(n) in (None, "")]
    if missing:
        message = _("This field is required.")
        raise Invalid(message, errors=[{"field": n, "message": message} for n in missing])


def _check_dates(event: Event) -> None:
    """Times in order: opens ≤ release ≤ closes ≤ end, opens < closes, start < end."""
    errors = []

    def wrong(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if event.ends_at <= event.starts_at:
        wrong("ends_at", _("The event must end after it starts."))
    if event.opens_at and event.closes_at and event.closes_at <= event.opens_at:
        wrong("closes_at", _("Registration must close after it opens."))
    if event.opens_at and event.opens_at >= event.ends_at:
        wrong("opens_at", _("Registration must open before the event ends."))
    if event.closes_at and event.closes_at > event.ends_at:
        wrong("closes_at", _("Registration cannot close after the event has ended."))
    if event.quota_lock_until:
        if event.opens_at and event.quota_lock_until < event.opens_at:
            wrong("quota_lock_until", _("The release date cannot come before registration opens."))
        if event.closes_at and event.quota_lock_until > event.closes_at:
            wrong("quota_lock_until", _("The release date cannot come after registration closes."))
        if event.quota_lock_until > event.ends_at:
            wrong("quota_lock_until", _("The release date cannot come after the event."))
    if errors:
        raise Invalid(errors[0]["message"], code="dates_order", errors=errors)


def _quota_sum(event: Event, *, excluding: int | None = None) -> int:
    allocations = Allocation.objects.filter(event=event)
    if excluding is not None:
        allocations = allocations.exclude(pk=excluding)
    return allocations.aggregate(total=Sum("quota"))["total"] or 0


def _quota_sum_error(total: int, capacity: int, field: str) -> Invalid:
    return invalid(
        field,
        _("The quotas add up to %(sum)s, more than the event's %(capacity)s seats.")
        % {"sum": total, "capacity": capacity},
        "quota_sum",
    )


def _event_snapshot(event: Event) -> dict[str, Any]:
    return snapshot(event, EVENT_FIELDS)


def _schedule_release(event: Event) -> None:
    """Ask the worker to serve the release at ``quota_lock_until`` (when its backend can wait
    for a time; the tick command and every read catch it otherwise)."""
    if event.quota_lock_until is None or event.released_at is not None:
        return
    from jamlik.events import tasks

    when = event.quota_lock_until
    event_id = event.pk

    def enqueue() -> None:
        backend = tasks.release_event.get_backend()
        if backend.supports_defer and when > clock.now():
            tasks.release_event.using(run_after=when).enqueue(event_id)

    transaction.on_commit(enqueue)


# ---- Events ----------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, actor: Any, **data: Any) -> Event:
    """A new event; a draft unless ``status`` says otherwise."""
    if actor is not None:
        policies.require(policies.may_edit_event, actor)
    _required(data, ("title", "starts_at", "ends_at", "capacity"))
    cleaned = _clean(data, _EVENT_RULES)
    cleaned.setdefault("categories", list(Category.values))
    event = Event(**cleaned)
    if getattr(actor, "is_authenticated", False):
        event.created_by = actor
    _check_dates(event)
    event.save()
    audit_log(
        actor=actor,
        action="events.event.created",
        obj=event,
        new=changes({}, _event_snapshot(event))[1],
    )
    _schedule_release(event)
    return event


@transaction.atomic
def event_update(*, actor: Any, event: Event, **data: Any) -> Event:
    """Change an event. Capacity below the seats taken is a 409; below the quotas a 400.
    Moving ``quota_lock_until`` into the past releases at once; into the future puts the
    quotas in force again."""
    if actor is not None:
        policies.require(policies.may_edit_event, actor)
    for name in ("title", "starts_at", "ends_at", "capacity", "categories", "kind", "status"):
        if name in data and data[name] is None:
            del data[name]
    cleaned = _clean(data, _EVENT_RULES)
    seats = open_seats(event.pk)
    event = seats.event
    before = _event_snapshot(event)
    for name, value in cleaned.items():
        setattr(event, name, value)
    _check_dates(event)
    if event.capacity < event.taken:
        raise CapacityBelowTaken(event.taken)
    total = _quota_sum(event)
    if total > event.capacity:
        raise _quota_sum_error(total, event.capacity, "capacity")
    if before["quota_lock_until"] != event.quota_lock_until:
        if event.quota_lock_until is None or event.quota_lock_until > seats.at:
            event.released_at = None
    old, new = changes(before, _event_snapshot(event))
    event.save()
    housekeep(seats)
    promote(seats)
    seats.flush()
    if new:
        audit_log(actor=actor, action="events.event.updated", obj=event, old=old, new=new)
    if "quota_lock_until" in new:
        _schedule_release(event)
    event.refresh_from_db()
    return event


# ---- Allocations --------------------------------------------------------------------------------


def _check_members(event: Event, organisations: list[Any], *, allocation_id: int | None) -> list:
    unique = list({o.pk: o for o in organisations}.values())
    clashes = AllocationMember.objects.filter(
        event=event, organisation_id__in=[o.pk for o in unique]
    ).select_related("organisation", "allocation")
    if allocation_id is not None:
        clashes = clashes.exclude(allocation_id=allocation_id)
    clash = clashes.first()
    if clash is not None:
        raise invalid(
            "organisations",
            _("%(organisation)s is already in the allocation “%(allocation)s”.")
            % {"organisation": clash.organisation.name, "allocation": clash.allocation.name},
            "organisation_in_two_allocations",
        )
    return unique


def _set_members(allocation: Allocation, organisations: list[Any]) -> None:
    wanted = {o.pk for o in organisations}
    current = set(allocation.members.values_list("organisation_id", flat=True))
    allocation.members.filter(organisation_id__in=current - wanted).delete()
    AllocationMember.objects.bulk_create(
        [
            AllocationMember(event_id=allocation.event_id, allocation=allocation, organisation_id=o)
            for o in wanted - current
        ]
    )
    for organisation in organisations:
        link_ensure(event=allocation.event, organisation=organisation)


def _allocation_snapshot(allocation: Allocation, organisations: list[Any] | None = None) -> dict:
    return {
        **snapshot(allocation, ("name", "quota")),
        "organisations": sorted(o.pk for o in (organisations if organisations is not None else [])),
    }


@transaction.atomic
def allocation_create(
    *, actor: Any, event: Event, name: Any, quota: Any, organisations: list[Any]
) -> Allocation:
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    cleaned = _clean(
        {"name": name, "quota": quota},
        {
            "name": lambda v: validation.clean_text(v),
            "quota": lambda v: _whole(v, low=0, high=MAX_CAPACITY),
        },
    )
    seats = open_seats(event.pk)
    event = seats.event
    total = _quota_sum(event) + cleaned["quota"]
    if total > event.capacity:
        raise _quota_sum_error(total, event.capacity, "quota")
    members = _check_members(event, list(organisations or []), allocation_id=None)
    allocation = Allocation.objects.create(event=event, **cleaned)
    allocation.event = event
    _set_members(allocation, members)
    audit_log(
        actor=actor,
        action="events.allocation.created",
        obj=allocation,
        new=_allocation_snapshot(allocation, members),
    )
    return allocation


_UNSET: Any = object()


@transaction.atomic
def allocation_update(
    *,
    actor: Any,
    allocation: Allocation,
    name: Any = _UNSET,
    quota: Any = _UNSET,
    organisations: Any = _UNSET,
) -> Allocation:
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    data = {}
    if name is not _UNSET and name is not None:
        data["name"] = name
    if quota is not _UNSET and quota is not None:
        data["quota"] = quota
    cleaned = _clean(
        data,
        {
            "name": lambda v: validation.clean_text(v),
            "quota": lambda v: _whole(v, low=0, high=MAX_CAPACITY),
        },
    )
    seats = open_seats(allocation.event_id)
    event = seats.event
    allocation = seats.allocations[allocation.pk]
    allocation.event = event
    current_members = list(allocation.organisations.all())
    before = _allocation_snapshot(allocation, current_members)
    if "quota" in cleaned:
        total = _quota_sum(event, excluding=allocation.pk) + cleaned["quota"]
        if total > event.capacity:
            raise _quota_sum_error(total, event.capacity, "quota")
        if quota_binds(event, seats.at) and cleaned["quota"] < allocation.taken:
            raise QuotaBelowTaken(allocation.taken)
    for field, value in cleaned.items():
        setattr(allocation, field, value)
    allocation.save(update_fields=list(cleaned) or None)
    members = current_members
    if organisations is not _UNSET and organisations is not None:
        members = _check_members(event, list(organisations), allocation_id=allocation.pk)
        _set_members(allocation, members)
    promote(seats)
    seats.flush()
    old, new = changes(before, _allocation_snapshot(allocation, members))
    if new:
        audit_log(actor=actor, action="events.allocation.updated", obj=allocation, old=old, new=new)
    allocation.refresh_from_db()
    return allocation


@transaction.atomic
def allocation_delete(*, actor: Any, allocation: Allocation) -> None:
    if actor is not None:
        policies.require(policies.may_manage_allocations, actor)
    open_seats(allocation.event_id)
    if Registration.objects.filter(allocation=allocation, status__in=ACTIVE_STATUSES).exists():
        raise AllocationInUse()
    audit_log(
        actor=actor,
        action="events.allocation.deleted",
        obj=allocation,
        old={"name": allocation.name, "quota": allocation.quota},
    )
    allocation.delete()


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


# ---- Links ----------------------------------------------------------------------------------------


def link_ensure(*, event: Event, organisation: Any) -> OrganisationLink:
    """The organisation's active link for the event, made when missing."""
    link = OrganisationLink.objects.filter(
        event=event, organisation=organisation, revoked_at__isnull=True
    ).first()
    if link is None:
        link = OrganisationLink.objects.create(event=event, organisation=organisation)
    return link


@transaction.atomic
def link_regenerate(*, actor: Any, link: OrganisationLink) -> OrganisationLink:
    """Revoke a link (it stops working at once) and make a new one for the organisation."""
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    link_revoke(actor=actor, link=link)
    fresh = OrganisationLink.objects.create(event_id=link.event_id, organisation=link.organisation)
    audit_log(actor=actor, action="events.link.created", obj=fresh, new={"replaces": link.pk})
    return fresh


@transaction.atomic
def link_revoke(*, actor: Any, link: OrganisationLink) -> OrganisationLink:
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    if link.revoked_at is None:
        link.revoked_at = clock.now()
        link.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="events.link.revoked", obj=link, new={"revoked": True})
    return link


@transaction.atomic
def links_send(
    *, actor: Any, event: Event, organisations: list[Any] | None = None
) -> list[OrganisationLink]:
    """Mail each organisation's link to its functional mailbox (all organisations in an
    allocation when ``organisations`` is None). Organisations without a mailbox are skipped."""
    if actor is not None:
        policies.require(policies.may_send_links, actor)
    members = AllocationMember.objects.filter(event=event).select_related("organisation")
    if organisations is not None:
        members = members.filter(organisation_id__in=[o.pk for o in organisations])
    sent = []
    now = clock.now()
    for member in members.order_by("organisation__name", "organisation_id"):
        organisation = member.organisation
        if not organisation.mailbox:
            continue
        link = link_ensure(event=event, organisation=organisation)
        link.organisation = organisation
        mail.organisation_link(link, event=event)
        link.sent_at = now
        link.save(update_fields=["sent_at"])
        sent.append(link)
    audit_log(
        actor=actor,
        action="events.links.sent",
        obj=event,
        new={"organisations": [link.organisation_id for link in sent]},
    )
    return sent


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def lost_link_request(*, event: Event, email: Any, client: str) -> OrganisationLink | None:
    """ "Lost your link?": when the address's domain belongs to an organisation with a link for
    the event (its own or its nearest ancestor's), mail that link to the address. The caller
    answers the same whatever this returns. Rate-limited per address and per client (429)."""
    from jamlik.orgs.selectors import organisation_for_email

    try:
        email = validation.clean_email(email)
    except ValidationError as exc:
        raise invalid("email", exc.messages[0], "invalid") from None
    window = timedelta(hours=1)
    if not rate_limit_hit(
        key=f"events.lost_link.client:{_digest(client)}", limit=LOST_LINK_PER_CLIENT, window=window
    ) or not rate_limit_hit(
        key=f"events.lost_link.address:{_digest(email.lower())}",
        limit=LOST_LINK_PER_ADDRESS,
        window=window,
    ):
        raise RateLimited(retry_after=window_remaining(window))
    organisation = organisation_for_email(email)
    if organisation is None:
        return None
    chain = [int(p) for p in organisation.path.strip("/").split("/") if p]
    links = {
        link.organisation_id: link
        for link in OrganisationLink.objects.filter(
            event=event, organisation_id__in=chain, revoked_at__isnull=True
        ).select_related("organisation")
    }
    link = next((links[o] for o in reversed(chain) if o in links), None)
    if link is None:
        return None
    with transaction.atomic():
        mail.organisation_link(link, event=event, to=email)
    return link


# ---- Messages to participants ----------------------------------------------------------------------


@transaction.atomic
def event_message_send(
    *,
    actor: Any,
    event: Event,
    subject: Any,
    body: Any,
    statuses: Sequence[str] | None = None,
) -> EventMessage:
    """Mail a message from the organiser to the event's participants (confirmed and held by
    default), limited to the people the sender may see."""
    if actor is not None:
        policies.require(policies.may_message_participants, actor)
    from jamlik.core.scoping import scope_for

    cleaned = _clean(
        {"subject": subject, "body": body},
        {
            "subject": lambda v: validation.clean_text(v),
            "body": lambda v: validation.clean_text(
                v, max_length=validation.TEXT_MAX, multiline=True
            ),
        },
    )
    chosen = statuses or [Status.CONFIRMED, Status.PENDING_APPROVAL]
    bad = [s for s in chosen if s not in ACTIVE_STATUSES]
    if bad:
        raise invalid(
            "statuses",
            _("Choose among: %(values)s.") % {"values": ", ".join(ACTIVE_STATUSES)},
            "invalid",
        )
    recipients = scope_for(actor).filter(
        Registration.objects.filter(event=event, status__in=chosen), via="organisation"
    )
    message = EventMessage.objects.create(
        event=event,
        subject=cleaned["subject"],
        body=cleaned["body"],
        statuses=list(chosen),
        sent_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    count = 0
    for registration in recipients.order_by("id").iterator(chunk_size=500):
        mail.organiser_message(registration, event=event, message=message)
        count += 1
    message.recipients = count
    message.save(update_fields=["recipients"])
    audit_log(
        actor=actor,
        action="events.message.sent",
        obj=message,
        new={"recipients": count, "statuses": list(chosen)},
    )
    return message
