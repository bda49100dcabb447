"""The e-mails of the events app (templates ``events/email/<name>_subject.txt`` and
``<name>.txt``).

What happens to a registration reaches its mail one way: the seat services send a notice
(``created``, ``promoted``, … below) in their transaction, and after the commit the worker
runs ``render``, which writes the mail into the outbox (docs/decisions/0023-seat-path-and-notices.md).
The organisers' own mails (a message to the participants, an organisation's link) and the
reminder are written into the outbox directly by the action that sends them."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from jamlik.core.sql import columns, fetch_models, fetch_rows, row_to_model
from jamlik.events import hybrid, links
from jamlik.events.models import (
    Event,
    EventMessage,
    OrganisationLink,
    Registration,
    Session,
    Status,
)
from jamlik.notifications import calendar
from jamlik.notifications.calendar import ics_event
from jamlik.notifications.notices import Notice
from jamlik.notifications.services import Attachment, mail_enqueue
from jamlik.orgs.models import Organisation


def _about(registration: Registration) -> str:
    return f"events.registration:{registration.pk}"


def _context(registration: Registration, event: Event, **extra: Any) -> dict[str, Any]:
    return {
        "event": event,
        "registration": registration,
        "manage_url": links.registration_manage_url(registration),
        "calendar_url": links.calendar_url(registration),
        **extra,
    }


def _send(
    registration: Registration,
    event: Event,
    template: str,
    *,
    kind: str,
    to: str | None = None,
    attachments: list[Attachment] | None = None,
    **extra: Any,
) -> None:
    mail_enqueue(
        kind=kind,
        to=to or registration.email,
        template=f"events/email/{template}",
        context=_context(registration, event, **extra),
        language=registration.language or "sv",
        attachments=attachments,
        about=_about(registration),
        reply_to=event.contact_email,
        envelope_from=links.bounce_address(event),
    )


def calendar_uid(registration: Registration) -> str:
    """The calendar entry's identity: stable for the registration, known before it is saved
    (so the file can be made before the seat decision), and revealing none of its tokens."""
    digest = hashlib.sha256(registration.manage_token.encode()).hexdigest()[:32]
    return f"jamlik-{digest}@jamlik"


def calendar_status(status: str) -> str:
    """The calendar entry's STATUS for a registration's status: a seat held for a manager's
    approval is TENTATIVE, a confirmed one CONFIRMED, and one without a seat (cancelled,
    declined, waiting, …) CANCELLED, which removes the entry."""
    if status == Status.CONFIRMED:
        return calendar.CONFIRMED
    if status == Status.PENDING_APPROVAL:
        return calendar.TENTATIVE
    return calendar.CANCELLED


def calendar_file(
    registration: Registration,
    event: Event,
    *,
    cancelled: bool | None = None,
    sessions: list[Any] | None = None,
) -> bytes:
    """The registration's calendar entry: tentative while a manager's approval is pending,
    confirmed once the seat is; a cancelled one (the registration holds no seat) removes it
    from the calendar. ``cancelled`` overrides the registration's status (False: confirmed)."""
    if cancelled is None:
        status = calendar_status(registration.status)
    else:
        status = calendar.CANCELLED if cancelled else calendar.CONFIRMED
    removed = status == calendar.CANCELLED
    manage_url = links.registration_manage_url(registration)
    # Hybrid: a confirmed entry carries the meeting links in DESCRIPTION and URL, and the
    # link as LOCATION for an online participant (docs/rules.md#events-hybrid).
    meeting = (
        meeting_links_of(registration, event, sessions) if status == calendar.CONFIRMED else []
    )
    return ics_event(
        uid=calendar_uid(registration),
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description="\n".join([manage_url, *(f"{m.title}: {m.url}" for m in meeting)]),
        location=meeting[0].url if meeting and registration.is_online else event.venue,
        url=meeting[0].url if meeting else manage_url,
        status=status,
        sequence=1 if removed else 0,
    )


def meeting_links_of(
    registration: Registration, event: Event, sessions: list[Any] | None = None
) -> list[hybrid.MeetingLink]:
    """Hybrid: the meeting links the registration's holder sees (none unless confirmed): the
    event's and those of the sessions they chose. ``sessions``: the chosen sessions when
    already read."""
    if registration.pk is None or not hybrid.shows_meeting_link(registration.status):
        return []
    if sessions is None:
        sessions = _sessions_of(registration)
    return hybrid.meeting_links(registration.status, event, sessions)


def _calendar_attachment(
    registration: Registration,
    event: Event,
    *,
    cancelled: bool | None = None,
    sessions: list[Any] | None = None,
) -> Attachment:
    return Attachment(
        filename="kalender.ics",
        content_type="text/calendar; charset=utf-8",
        content=calendar_file(registration, event, cancelled=cancelled, sessions=sessions),
    )


QR_SCALE = 6  # pixels a module
QR_BORDER = 2  # light modules around the symbol
# segno's matrix holds 1 for a dark module and 0 for a light one; Pillow's "L" mode wants
# 0 (black) and 255 (white).
_QR_MODULE_TO_GREY = bytes.maketrans(b"\x00\x01", b"\xff\x00")


def checkin_qr_png(registration: Registration) -> bytes:
    import segno
    from PIL import Image, ImageOps

    # A fixed mask (any of the eight is valid) spares the search for the best one, which is
    # most of the cost of the image and sits in the registration's request.
    qr = segno.make(links.checkin_payload(registration), error="m", mask=0)
    # Drawn with Pillow rather than segno's pure-Python PNG writer: the same pixels as
    # segno's save(kind="png", scale=6, border=2) for less than half of its CPU, which
    # counts in a registration storm.
    width, height = len(qr.matrix[0]), len(qr.matrix)
    grey = b"".join(qr.matrix).translate(_QR_MODULE_TO_GREY)
    modules = Image.frombytes("L", (width, height), grey)
    bordered = ImageOps.expand(modules, border=QR_BORDER, fill=255)
    image = bordered.resize(
        (bordered.width * QR_SCALE, bordered.height * QR_SCALE), Image.Resampling.NEAREST
    ).convert("1", dither=Image.Dither.NONE)  # one bit a pixel, as segno writes it
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _confirmation(
    registration: Registration, event: Event, sessions: list[Any] | None = None, **extra: Any
) -> None:
    if sessions is None:
        sessions = _sessions_of(registration)
    _send(
        registration,
        event,
        "confirmation",
        kind="events.confirmation",
        attachments=[
            _calendar_attachment(registration, event, cancelled=False, sessions=sessions),
            Attachment("incheckning.png", "image/png", checkin_qr_png(registration)),
        ],
        sessions=sorted(sessions, key=lambda s: (s.starts_at, s.pk)),
        meeting_links=meeting_links_of(registration, event, sessions),  # hybrid
        **extra,
    )


def _approval_request(registration: Registration, event: Event, **extra: Any) -> None:
    _send(
        registration,
        event,
        "approval_request",
        kind="events.approval_request",
        to=registration.manager_email,
        approval_url=links.approval_url(registration),
        **extra,
    )


# ---- What happened to a registration: the notices the seat services send ---------------------
#
# Each names the registration and what the mail must say of that moment (its status, its
# place in the waiting list); ``render`` below writes the mail when the worker runs it.

CREATED = "events.registration.created"
PROMOTED = "events.registration.promoted"
DECIDED = "events.registration.decided"
CANCELLED = "events.registration.cancelled"
TRANSFERRED = "events.registration.transferred"
MANAGE_LINK = "events.registration.manage_link"
OFFERED = "events.registration.offered"
OFFER_LAPSED = "events.registration.offer_lapsed"


def _notice(kind: str, registration: Registration, **facts: Any) -> Notice:
    return Notice(kind, {"registration": registration.pk, "status": registration.status, **facts})


def created(
    registration: Registration,
    *,
    position: int | None = None,
    transferred_from: Registration | None = None,
) -> Notice:
    return _notice(
        CREATED,
        registration,
        position=position,
        transferred_from=transferred_from.pk if transferred_from is not None else None,
    )


def promoted(registration: Registration) -> Notice:
    return _notice(PROMOTED, registration)


def offered(registration: Registration) -> Notice:
    """A freed seat is offered to someone waiting, to claim before ``hold_expires_at``."""
    until = registration.hold_expires_at
    assert until is not None  # an offer always has its end (seats.offer_seat)
    return _notice(OFFERED, registration, until=until.isoformat())


def offer_lapsed(registration: Registration) -> Notice:
    """An offered seat was not claimed in time and has passed on."""
    return _notice(OFFER_LAPSED, registration)


def decided(registration: Registration) -> Notice:
    """The outcome of an approval: approved, declined or expired."""
    return _notice(DECIDED, registration)


def cancelled(registration: Registration) -> Notice:
    return _notice(CANCELLED, registration)


def transferred(old: Registration, new: Registration) -> list[Notice]:
    """To the one who handed the seat on, and the new holder's first mail."""
    return [
        _notice(TRANSFERRED, old, new=new.pk),
        created(new, transferred_from=old),
    ]


def manage_link(registration: Registration, *, by_organiser: bool = False) -> Notice:
    """The manage link again: after a second registration of the address, or sent by an
    organiser on request (``by_organiser``); the text says which."""
    return _notice(MANAGE_LINK, registration, by_organiser=by_organiser)


def _registration_with_event(registration_id: int) -> Registration | None:
    """The registration with its event and organisation in one read, unless anonymised.
    Written in SQL (core.sql): it runs once a confirmation, and building the joined query
    through the ORM cost more than the database's work for it."""
    rows = fetch_rows(
        f"SELECT {columns(Registration, 'r')}, {columns(Event, 'e')},"  # noqa: S608 (columns only)
        f" {columns(Organisation, 'o')} FROM events_registration r"
        " JOIN events_event e ON e.id = r.event_id"
        " LEFT JOIN orgs_organisation o ON o.id = r.organisation_id"
        " WHERE r.id = %s AND r.anonymised_at IS NULL",
        [registration_id],
    )
    if not rows:
        return None
    registration = row_to_model(Registration, rows[0])
    start = len(Registration._meta.concrete_fields)
    registration.event = row_to_model(Event, rows[0], start)
    if registration.organisation_id is not None:
        start += len(Event._meta.concrete_fields)
        registration.organisation = row_to_model(Organisation, rows[0], start)
    return registration


def _sessions_of(registration: Registration) -> list[Session]:
    """The registration's sessions in programme order, in one read (core.sql)."""
    return fetch_models(
        Session,
        f"SELECT {columns(Session, 's')} FROM events_session s"  # noqa: S608 (columns only)
        " JOIN events_registration_sessions c ON c.session_id = s.id"
        " WHERE c.registration_id = %s ORDER BY s.starts_at, s.id",
        [registration.pk],
    )


def render(notice: Notice) -> None:
    """Write the mail of one notice into the outbox (the worker runs it after the commit)."""
    facts = notice.facts
    registration = _registration_with_event(facts["registration"])
    if registration is None:  # anonymised (or gone) before the worker came to it
        return
    event = registration.event
    # The mail tells what happened then, not what the registration says now.
    registration.status = facts.get("status") or registration.status
    kind = notice.kind
    if kind == CREATED:
        extra: dict[str, Any] = {"transferred": facts.get("transferred_from") is not None}
        if registration.status == Status.CONFIRMED:
            _confirmation(registration, event, **extra)
        elif registration.status == Status.PENDING_APPROVAL:
            _send(registration, event, "pending", kind="events.pending", **extra)
            _approval_request(registration, event)
        elif registration.status == Status.WAITING:
            position = facts.get("position")
            _send(registration, event, "waiting", kind="events.waiting", position=position, **extra)
    elif kind == PROMOTED:
        if registration.status == Status.CONFIRMED:
            _confirmation(registration, event, promoted=True)
        else:
            _send(registration, event, "pending", kind="events.pending", promoted=True)
            _approval_request(registration, event)
    elif kind == OFFERED:
        _send(
            registration,
            event,
            "offered",
            kind="events.offered",
            until=datetime.fromisoformat(facts["until"]),
        )
    elif kind == OFFER_LAPSED:
        _send(registration, event, "offer_lapsed", kind="events.offer_lapsed")
    elif kind == DECIDED:
        if registration.status == Status.CONFIRMED:
            _confirmation(registration, event, approved=True)
        else:
            _send(registration, event, "decision", kind="events.decision")
    elif kind == CANCELLED:
        _send(
            registration,
            event,
            "cancelled",
            kind="events.cancelled",
            attachments=[_calendar_attachment(registration, event)],
        )
    elif kind == TRANSFERRED:
        new = Registration.objects.filter(pk=facts["new"]).first()
        _send(registration, event, "transferred", kind="events.transferred", new=new)
    elif kind == MANAGE_LINK:
        _send(
            registration,
            event,
            "manage_link",
            kind="events.manage_link",
            by_organiser=bool(facts.get("by_organiser")),
        )
    else:
        raise LookupError(f"unknown notice {kind!r}")


def reminder(registration: Registration, *, event: Event) -> None:
    """The reminder before the event (the worker's own work, so rendered at once)."""
    sessions = _sessions_of(registration)
    _send(
        registration,
        event,
        "reminder",
        kind="events.reminder",
        sessions=sessions,
        meeting_links=meeting_links_of(registration, event, sessions),  # hybrid
    )


def organiser_message(registration: Registration, *, event: Event, message: EventMessage) -> None:
    _send(registration, event, "message", kind="events.message", message=message)


ORGANISATION_LINK_TEMPLATE = "events/email/organisation_link"


def _organisation_link_context(event: Event, organisation: Any, link_url: str) -> dict[str, Any]:
    return {"event": event, "organisation": organisation, "link_url": link_url}


def organisation_link(link: OrganisationLink, *, event: Event, to: str | None = None) -> None:
    """The organisation's registration link, to its functional mailbox (or, for "lost your
    link?", to the person who asked)."""
    mail_enqueue(
        kind="events.lost_link" if to else "events.organisation_link",
        to=to or link.organisation.mailbox,
        template="events/email/lost_link" if to else ORGANISATION_LINK_TEMPLATE,
        context=_organisation_link_context(
            event, link.organisation, links.organisation_link_url(link)
        ),
        language="sv",
        about=f"events.link:{link.pk}",
        reply_to=event.contact_email,
        envelope_from=links.bounce_address(event),
    )


def organisation_link_preview(
    *, event: Event, organisation: Any, link: OrganisationLink | None
) -> tuple[str, str]:
    """The subject and text of ``organisation_link`` for ``organisation``, rendered as
    ``mail_enqueue`` renders them (in Swedish) but not stored: the links page's preview. For an
    organisation without a link yet, the text says where its new link will stand (the link is
    made when the mail is sent)."""
    with translation.override("sv"):
        link_url = (
            links.organisation_link_url(link)
            if link is not None
            else gettext("(a new link is made when the mail is sent)")
        )
        context = {
            "base_url": settings.BASE_URL,
            **_organisation_link_context(event, organisation, link_url),
        }
        subject = " ".join(
            render_to_string(f"{ORGANISATION_LINK_TEMPLATE}_subject.txt", context).split()
        )
        body = render_to_string(f"{ORGANISATION_LINK_TEMPLATE}.txt", context)
    return subject, body
