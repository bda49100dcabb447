"""The calendar entry tells the registration's state: TENTATIVE while a manager's approval is
pending, CONFIRMED once the seat is, CANCELLED (with METHOD:CANCEL) when it is cancelled; the
shared part's cache keeps the states apart."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest
from django.core import mail

from jamlik.events import services
from jamlik.events.models import Status
from jamlik.events.services.mail import calendar_file, calendar_status
from jamlik.notifications import calendar
from tests.factories.events import AllocationFactory, EventFactory, register

EVENT = {
    "start": datetime(2026, 3, 1, 8, tzinfo=UTC),
    "end": datetime(2026, 3, 1, 16, tzinfo=UTC),
    "summary": "Jämlikhetsdagen",
    "location": "Stadshuset",
}


def parsed(content: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    document = icalendar.Calendar.from_ical(content)
    (entry,) = document.walk("VEVENT")
    return document, entry


def test_status_is_part_of_the_shared_parts_cache_key():
    calendar._shared.cache_clear()
    tentative = calendar.ics_event(uid="u1", status=calendar.TENTATIVE, **EVENT)
    confirmed = calendar.ics_event(uid="u2", **EVENT)
    again = calendar.ics_event(uid="u3", status=calendar.TENTATIVE, **EVENT)
    cancelled = calendar.ics_event(uid="u4", cancelled=True, sequence=1, **EVENT)
    assert str(parsed(tentative)[1]["status"]) == "TENTATIVE"
    assert str(parsed(again)[1]["status"]) == "TENTATIVE"
    assert str(parsed(confirmed)[1]["status"]) == "CONFIRMED"
    document, entry = parsed(cancelled)
    assert str(entry["status"]) == "CANCELLED" and str(document["method"]) == "CANCEL"
    assert str(parsed(tentative)[0]["method"]) == "PUBLISH"
    info = calendar._shared.cache_info()
    assert (info.misses, info.hits) == (3, 1)


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        calendar.ics_event(uid="u", status="MAYBE", **EVENT)


def test_registration_status_maps_to_the_calendar_status():
    assert calendar_status(Status.CONFIRMED) == "CONFIRMED"
    assert calendar_status(Status.PENDING_APPROVAL) == "TENTATIVE"
    for status in (Status.CANCELLED, Status.DECLINED, Status.EXPIRED, Status.WAITING):
        assert calendar_status(status) == "CANCELLED"


@pytest.mark.django_db
def test_pending_registration_file_is_tentative_then_confirmed_after_approval(
    personas, client, django_capture_on_commit_callbacks
):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
    registration = register(event, personas.org_a).registration
    assert registration.status == Status.PENDING_APPROVAL
    # The download on the confirmation and manage pages.
    response = client.get(f"/m/{registration.manage_token}/calendar.ics")
    assert response.status_code == 200
    document, entry = parsed(response.content)
    assert str(entry["status"]) == "TENTATIVE"
    assert str(document["method"]) == "PUBLISH"
    # Approved: the confirmation mail's file and the download say CONFIRMED.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.approval_decide(registration=registration, approve=True)
    (message,) = mail.outbox
    (ics,) = [a for a in message.attachments if a[0].endswith(".ics")]
    content = ics[1].encode() if isinstance(ics[1], str) else ics[1]
    assert str(parsed(content)[1]["status"]) == "CONFIRMED"
    response = client.get(f"/m/{registration.manage_token}/calendar.ics")
    assert str(parsed(response.content)[1]["status"]) == "CONFIRMED"


@pytest.mark.django_db
def test_cancellation_mail_file_cancels_the_entry(personas, django_capture_on_commit_callbacks):
    event = EventFactory(approval_required=True)
    AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
    registration = register(event, personas.org_a).registration
    assert str(parsed(calendar_file(registration, event))[1]["status"]) == "TENTATIVE"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    (message,) = [m for m in mail.outbox if m.to == [registration.email]]
    (ics,) = [a for a in message.attachments if a[0].endswith(".ics")]
    content = ics[1].encode() if isinstance(ics[1], str) else ics[1]
    document, entry = parsed(content)
    assert str(entry["status"]) == "CANCELLED"
    assert str(document["method"]) == "CANCEL"
    assert int(entry["sequence"]) == 1
