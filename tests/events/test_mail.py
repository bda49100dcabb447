"""Every mail of the events app: recipient, content, links, the .ics attachment (parsed with
icalendar, times right in Europe/Stockholm), and the outbox when the mail server is down."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail

from jamlik.events import services
from jamlik.events.models import Registration
from jamlik.notifications.models import OutboxMessage
from jamlik.notifications.services import outbox_retry_due
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the block and return the mails that went out after its commit."""

    class Sent:
        def __call__(self, action):
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                result = action()
            return result, list(mail.outbox)

    return Sent()


@pytest.fixture
def may_event(personas, clock):
    """27 May 2020 08:30–16:30 in Gothenburg (CEST, UTC+2), as the seed's conference."""
    clock.set(dt.datetime(2020, 4, 1, 9, 0, tzinfo=STOCKHOLM))
    event = EventFactory(
        title="Jämlikhetskonferensen 2020",
        capacity=3,
        starts_at=dt.datetime(2020, 5, 27, 8, 30, tzinfo=STOCKHOLM),
        ends_at=dt.datetime(2020, 5, 27, 16, 30, tzinfo=STOCKHOLM),
        opens_at=dt.datetime(2020, 3, 30, 8, 0, tzinfo=STOCKHOLM),
        quota_lock_until=dt.datetime(2020, 4, 27, 8, 0, tzinfo=STOCKHOLM),
        closes_at=dt.datetime(2020, 5, 20, 16, 0, tzinfo=STOCKHOLM),
    )
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    return event


def calendar_of(message):
    for filename, content, mimetype in message.attachments:
        if filename.endswith(".ics"):
            assert mimetype.startswith("text/calendar")
            return icalendar.Calendar.from_ical(content)
    raise AssertionError("no calendar attached")


def test_confirmation_with_calendar_qr_and_manage_link(personas, may_event, sent):
    session = SessionFactory(event=may_event, title="Nudging som verktyg för Agenda 2030")
    outcome, out = sent(
        lambda: register(may_event, personas.org_a, name="Åsa Öberg", sessions=[session.pk])
    )
    (message,) = out
    registration = outcome.registration
    assert message.to == [registration.email]
    assert message.subject == "Din plats är bekräftad: Jämlikhetskonferensen 2020"
    assert "Hej Åsa Öberg" in message.body
    assert f"/m/{registration.manage_token}" in message.body
    assert "onsdag 27 maj 2020, 08:30–16:30" in message.body
    assert "Nudging som verktyg för Agenda 2030" in message.body
    assert "&" not in message.subject
    vevent = next(iter(calendar_of(message).walk("VEVENT")))
    start = vevent.decoded("dtstart")
    assert start == dt.datetime(2020, 5, 27, 8, 30, tzinfo=STOCKHOLM)
    assert start.astimezone(STOCKHOLM).hour == 8
    assert vevent.decoded("dtend").astimezone(STOCKHOLM).hour == 16
    assert str(vevent["summary"]) == "Jämlikhetskonferensen 2020"
    assert str(vevent["status"]) == "CONFIRMED"
    assert any(name == "incheckning.png" for name, _c, _m in message.attachments)
    assert message.reply_to == ["jamlikt@stad.example"]


def test_confirmation_in_english_for_an_english_registration(personas, may_event, sent):
    _, out = sent(lambda: register(may_event, personas.org_a, language="en"))
    assert out[0].subject.startswith("Your seat is confirmed")
    assert "Wednesday 27 May 2020" in out[0].body


def test_waiting_notice_names_the_position_and_release(personas, may_event, sent):
    register(may_event, personas.org_a)
    outcome, out = sent(lambda: register(may_event, personas.org_a))
    (message,) = out
    assert "väntelistan" in message.subject
    assert "Din plats i kön: 1." in message.body
    assert "27 april 2020 08:00" in message.body
    assert f"/m/{outcome.registration.manage_token}" in message.body


def test_promotion_sends_a_confirmation(personas, may_event, sent):
    first = register(may_event, personas.org_a).registration
    waiting = register(may_event, personas.org_a).registration
    _, out = sent(lambda: services.registration_cancel(registration=first))
    by_address = {m.to[0]: m for m in out}
    cancelled = by_address[first.email]
    assert "avbokad" in cancelled.subject.lower()
    assert str(next(iter(calendar_of(cancelled).walk("VEVENT")))["status"]) == "CANCELLED"
    promoted = by_address[waiting.email]
    assert "En plats har blivit ledig" in promoted.body
    calendar_of(promoted)


def test_approval_request_pending_notice_and_decision(personas, clock, sent):
    event = EventFactory(capacity=5, approval_required=True, approval_hold_hours=48)
    AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
    outcome, out = sent(
        lambda: register(event, personas.org_a, name="Bo Berg", manager_email="chef@a.example")
    )
    registration = outcome.registration
    by_address = {m.to[0]: m for m in out}
    request = by_address["chef@a.example"]
    assert "Bo Berg" in request.subject
    assert f"/a/{registration.approval_token}" in request.body
    assert "godkänn" in request.body.lower()
    pending = by_address[registration.email]
    assert "chef@a.example" in pending.body
    _, out = sent(lambda: services.approval_decide(registration=registration, approve=False))
    (decision,) = out
    assert decision.to == [registration.email]
    assert "inte godkänd" in decision.subject.lower()


def test_approved_registration_gets_the_confirmation(personas, clock, sent):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
    registration = register(event, personas.org_a).registration
    _, out = sent(lambda: services.approval_decide(registration=registration, approve=True))
    (message,) = out
    assert "chef har godkänt" in message.body
    calendar_of(message)


def test_transfer_mails_both(personas, may_event, sent):
    old = register(may_event, personas.org_a, name="Gammal").registration
    new, out = sent(
        lambda: services.registration_transfer(
            registration=old, name="Ny Kollega", email="ny@a.example"
        )
    )
    by_address = {m.to[0]: m for m in out}
    assert "Ny Kollega" in by_address[old.email].body
    assert f"/m/{new.manage_token}" in by_address["ny@a.example"].body
    assert "En kollega har lämnat över sin plats" in by_address["ny@a.example"].body


def test_double_submit_mails_the_manage_link_to_the_address(personas, may_event, sent):
    first = register(may_event, personas.org_a, email="dubbel@a.example").registration
    _, out = sent(lambda: register(may_event, personas.org_a, email="Dubbel@a.example"))
    (message,) = out
    assert message.to == ["dubbel@a.example"]
    assert f"/m/{first.manage_token}" in message.body


def test_reminder_once_per_registration(personas, clock, sent):
    event = EventFactory(quota_lock_until=None)
    register(event, personas.org_a)
    register(event, personas.org_a)
    clock.set(event.starts_at - dt.timedelta(days=1))
    count, out = sent(services.reminders_send)
    assert count == 2 and len(out) == 2
    assert "Påminnelse" in out[0].subject
    again, out = sent(services.reminders_send)
    assert again == 0 and out == []


def test_organiser_message_reaches_confirmed_participants(personas, may_event, sent):
    register(may_event, personas.org_a, name="Med")
    register(may_event, personas.org_a, name="Väntar")
    message, out = sent(
        lambda: services.event_message_send(
            actor=personas.admin, event=may_event, subject="Ändrad lokal", body="Sal B."
        )
    )
    assert message.recipients == 1
    assert out[0].subject == "Ändrad lokal" and "Sal B." in out[0].body


def test_organisation_link_goes_to_the_mailbox(personas, may_event, sent):
    links, out = sent(lambda: services.links_send(actor=personas.admin, event=may_event))
    (message,) = out
    assert message.to == [personas.org_a.mailbox]
    assert f"/r/{links[0].token}" in message.body
    assert "Förvaltning A" in message.body


def test_a_registration_is_stored_when_the_mail_server_is_down(
    personas, may_event, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.events.test_mail.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        outcome = register(may_event, personas.org_a)
    assert Registration.objects.filter(pk=outcome.registration.pk).exists()
    queued = OutboxMessage.objects.get(about=f"events.registration:{outcome.registration.pk}")
    assert queued.status == "queued" and queued.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_retry_due(include_not_due=True) == 1
    assert len(mail.outbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_mail_subjects_are_not_html_escaped(personas, clock, sent):
    event = EventFactory(title="Barn & unga <2020>", quota_lock_until=None)
    _, out = sent(lambda: register(event, personas.org_a, name="Ann & Bo"))
    assert out[0].subject.endswith("Barn & unga <2020>")
    assert "Hej Ann & Bo" in out[0].body
