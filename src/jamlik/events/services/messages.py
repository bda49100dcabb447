"""Messages to an event's participants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jamlik.core import validation
from jamlik.core.audit import audit_log
from jamlik.events import policies
from jamlik.events.errors import (
    invalid,
)
from jamlik.events.models import (
    ACTIVE_STATUSES,
    Event,
    EventMessage,
    Registration,
    Status,
)
from jamlik.events.services import mail
from jamlik.events.services._rules import _clean

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
