"""The e-mails of the events app. Each function queues one message in the outbox inside the
caller's transaction (``notifications.services.mail_enqueue``); the worker sends it after
the commit. Templates: ``events/email/<name>_subject.txt`` and ``<name>.txt``."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from jamlik.events import links
from jamlik.events.models import Event, EventMessage, OrganisationLink, Registration, Status
from jamlik.notifications.calendar import ics_event
from jamlik.notifications.services import Attachment, mail_enqueue


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
    )


def calendar_uid(registration: Registration) -> str:
    """The calendar entry's identity: stable for the registration, known before it is saved
    (so the file can be made before the seat decision), and revealing none of its tokens."""
    digest = hashlib.sha256(registration.manage_token.encode()).hexdigest()[:32]
    return f"jamlik-{digest}@jamlik"


def calendar_file(
    registration: Registration, event: Event, *, cancelled: bool | None = None
) -> bytes:
    """The registration's calendar entry; a cancelled one (the registration holds no seat)
    removes it from the calendar."""
    if cancelled is None:
        cancelled = not registration.holds_seat
    return ics_event(
        uid=calendar_uid(registration),
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=links.registration_manage_url(registration),
        location=event.venue,
        url=links.registration_manage_url(registration),
        cancelled=cancelled,
        sequence=1 if cancelled else 0,
    )


def _calendar_attachment(
    registration: Registration, event: Event, *, cancelled: bool | None = None
) -> Attachment:
    return Attachment(
        filename="kalender.ics",
        content_type="text/calendar; charset=utf-8",
        content=calendar_file(registration, event, cancelled=cancelled),
    )


def checkin_qr_png(registration: Registration) -> bytes:
    import segno

    buffer = io.BytesIO()
    # A fixed mask (any of the eight is valid) spares the search for the best one, which is
    # most of the cost of the image and sits in the registration's request.
    segno.make(links.checkin_payload(registration), error="m", mask=0).save(
        buffer, kind="png", scale=6, border=2
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class Prepared:
    """The confirmation's attachments, made before the seat decision so that the work does
    not lengthen the time the event is locked."""

    calendar: Attachment
    qr: Attachment


def prepare_confirmation(registration: Registration, event: Event) -> Prepared:
    return Prepared(
        calendar=_calendar_attachment(registration, event, cancelled=False),
        qr=Attachment("incheckning.png", "image/png", checkin_qr_png(registration)),
    )


def _confirmation(
    registration: Registration,
    event: Event,
    sessions: list[Any] | None = None,
    prepared: Prepared | None = None,
    **extra: Any,
) -> None:
    if sessions is None:
        sessions = list(registration.sessions.order_by("starts_at", "id"))
    prepared = prepared or prepare_confirmation(registration, event)
    _send(
        registration,
        event,
        "confirmation",
        kind="events.confirmation",
        attachments=[prepared.calendar, prepared.qr],
        sessions=sorted(sessions, key=lambda s: (s.starts_at, s.pk)),
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


def worker_renders() -> bool:
    """Whether the first mail of a registration is rendered by the task worker. With a task
    backend that stores tasks (the database backend), the task row is written in the
    caller's transaction — it commits or rolls back with the registration, like the outbox —
    and the registration's request is spared the rendering (calendar file, QR image,
    templates) while the event is locked. With the immediate backend it is rendered at once."""
    from jamlik.events import tasks

    return bool(getattr(tasks.send_registration_mail.get_backend(), "supports_defer", False))


def registration_created(
    registration: Registration,
    *,
    event: Event,
    position: int | None = None,
    transferred_from: Registration | None = None,
    sessions: list[Any] | None = None,
    prepared: Prepared | None = None,
    inline: bool = False,
) -> None:
    """The first mail of a new registration, by its status (``sessions``: its sessions, when
    the caller has them at hand; ``prepared``: attachments made in advance; ``inline``:
    render now even when the worker could)."""
    if not inline and worker_renders():
        from jamlik.events import tasks

        tasks.send_registration_mail.enqueue(
            registration.pk,
            {
                "status": registration.status,
                "position": position,
                "transferred": transferred_from is not None,
            },
        )
        return
    extra: dict[str, Any] = {"transferred": transferred_from is not None}  # template context
    if registration.status == Status.CONFIRMED:
        _confirmation(registration, event, sessions=sessions, prepared=prepared, **extra)
    elif registration.status == Status.PENDING_APPROVAL:
        _send(registration, event, "pending", kind="events.pending", **extra)
        _approval_request(registration, event)
    elif registration.status == Status.WAITING:
        _send(registration, event, "waiting", kind="events.waiting", position=position, **extra)


def registration_promoted(registration: Registration, *, event: Event) -> None:
    if registration.status == Status.CONFIRMED:
        _confirmation(registration, event, promoted=True)
    else:
        _send(registration, event, "pending", kind="events.pending", promoted=True)
        _approval_request(registration, event)


def registration_decided(registration: Registration, *, event: Event) -> None:
    """The outcome of an approval: approved (a confirmation), declined or expired."""
    if registration.status == Status.CONFIRMED:
        _confirmation(registration, event, approved=True)
    else:
        _send(registration, event, "decision", kind="events.decision")


def registration_cancelled(registration: Registration, *, event: Event) -> None:
    _send(
        registration,
        event,
        "cancelled",
        kind="events.cancelled",
        attachments=[_calendar_attachment(registration, event)],
    )


def registration_transferred(old: Registration, new: Registration, *, event: Event) -> None:
    _send(old, event, "transferred", kind="events.transferred", new=new)
    registration_created(new, event=event, transferred_from=old)


def manage_link_again(
    registration: Registration, *, event: Event, by_organiser: bool = False
) -> None:
    """The manage link again: after a second registration of the address, or sent by an
    organiser on request (``by_organiser``); the text says which."""
    _send(registration, event, "manage_link", kind="events.manage_link", by_organiser=by_organiser)


def reminder(registration: Registration, *, event: Event) -> None:
    _send(
        registration,
        event,
        "reminder",
        kind="events.reminder",
        sessions=list(registration.sessions.order_by("starts_at", "id")),
    )


def organiser_message(registration: Registration, *, event: Event, message: EventMessage) -> None:
    _send(registration, event, "message", kind="events.message", message=message)


def organisation_link(link: OrganisationLink, *, event: Event, to: str | None = None) -> None:
    """The organisation's registration link, to its functional mailbox (or, for "lost your
    link?", to the person who asked)."""
    mail_enqueue(
        kind="events.lost_link" if to else "events.organisation_link",
        to=to or link.organisation.mailbox,
        template="events/email/lost_link" if to else "events/email/organisation_link",
        context={
            "event": event,
            "organisation": link.organisation,
            "link_url": links.organisation_link_url(link),
        },
        language="sv",
        about=f"events.link:{link.pk}",
        reply_to=event.contact_email,
    )
