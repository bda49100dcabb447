"""An event's bounce address (settings.EVENT_BOUNCE_ADDRESS, docs/rules.md#events-mail): the
envelope sender (Return-Path) of every mail about the event carries the event's id, so an
asynchronous bounce says which event's address bounced; people still see the usual From.
Without the setting the envelope is DEFAULT_FROM_EMAIL's, as for all other mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from jamlik.events import services
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.services import outbox_deliver
from tests.factories.events import register

pytestmark = pytest.mark.django_db


@override_settings(
    EVENT_BOUNCE_ADDRESS="studs+event{event}@jamlik.example",
    DEFAULT_FROM_EMAIL="Jämlik <noreply@jamlik.example>",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
def test_the_envelope_carries_the_event_and_the_from_header_stays(conference, personas):
    event = conference.event
    register(event, personas.org_a)
    services.links_send(actor=None, event=event)
    messages = list(OutboxMessage.objects.filter(kind__startswith="events."))
    assert {m.kind for m in messages} >= {"events.confirmation", "events.organisation_link"}
    assert {m.envelope_from for m in messages} == {f"studs+event{event.pk}@jamlik.example"}
    mail.outbox.clear()
    outbox_deliver(message_id=messages[0].pk)
    sent = mail.outbox[-1]
    assert sent.from_email == f"studs+event{event.pk}@jamlik.example"  # the SMTP envelope
    assert sent.message()["From"] == "=?utf-8?q?J=C3=A4mlik?= <noreply@jamlik.example>"


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_without_the_setting_the_envelope_is_the_usual_sender(conference, personas, settings):
    register(conference.event, personas.org_a)
    message = OutboxMessage.objects.get(kind="events.confirmation")
    assert message.envelope_from == ""
    mail.outbox.clear()
    outbox_deliver(message_id=message.pk)
    assert mail.outbox[-1].from_email == settings.DEFAULT_FROM_EMAIL
