"""Messages to an event's participants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from jamlik.core.audit import audit_log
from jamlik.events import policies
from jamlik.events.inputs import MessageIn
from jamlik.events.models import (
    Event,
    EventMessage,
    Registration,
    Status,
)
from jamlik.events.services import mail

# ---- Messages to participants ----------------------------------------------------------------------


@transaction.atomic
def event_message_send(
    *,
    actor: Any,
    event: Event,
    data: MessageIn | Mapping[str, Any] | None = None,
    **fields: Any,
) -> EventMessage:
    """Mail a message from the organiser to the event's participants (confirmed and held by
    default), limited to the people the sender may see."""
    if actor is not None:
        policies.require(policies.may_message_participants, actor)
    from jamlik.core.scoping import scope_for

    payload = MessageIn.take(data, **fields)
    chosen: list[str] = [Status.CONFIRMED, Status.PENDING_APPROVAL]
    if payload.statuses:
        chosen = list(payload.statuses)
    recipients = scope_for(actor).filter(
        Registration.objects.filter(event=event, status__in=chosen), via="organisation"
    )
    message = EventMessage.objects.create(
        event=event,
        subject=payload.subject,
        body=payload.body,
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
