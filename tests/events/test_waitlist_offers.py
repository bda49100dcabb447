"""Waiting-list offers with a claim window (docs/rules.md#waiting-list-offers): after the
release a freed seat is offered to the first person waiting for ``waitlist_offer_hours``
instead of given at once; claimed it is theirs, unclaimed it passes on. Without the option
the seat is given at once, as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from jamlik.core.errors import Conflict
from jamlik.core.models import AuditEntry
from jamlik.events import decisions, services, tasks
from jamlik.events.models import Registration, Status
from jamlik.notifications.models import OutboxMessage
from tests.events.conftest import assert_counters_match_rows
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db


def status(registration):
    return Registration.objects.get(pk=registration.pk).status


@pytest.fixture
def full_event(personas, clock):
    """Two seats, released already (open phase), offers held for 24 hours; two seated and
    two waiting (first, second)."""
    event = EventFactory(capacity=2, waitlist_offer_hours=24, quota_lock_until=None)
    AllocationFactory(event=event, quota=2, organisations=[personas.org_a])
    seated = [register(event, personas.org_a).registration for _ in range(2)]
    waiting = [register(event, personas.org_a).registration for _ in range(2)]
    assert [r.status for r in seated + waiting] == ["confirmed"] * 2 + ["waiting"] * 2
    return event, seated, waiting


# ---- The pure rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "quota_binding", "offered"),
    [(None, False, False), (None, True, False), (24, True, False), (24, False, True)],
)
def test_a_freed_seat_is_offered_only_with_a_window_and_after_the_release(
    hours, quota_binding, offered
):
    assert decisions.offers_freed_seat(offer_hours=hours, quota_binding=quota_binding) is offered


# ---- Offer, claim, lapse ------------------------------------------------------------------


def test_a_cancelled_seat_is_offered_to_the_first_waiting_with_a_deadline(full_event, clock):
    event, seated, waiting = full_event
    services.registration_cancel(registration=seated[0])
    offered = Registration.objects.get(pk=waiting[0].pk)
    assert offered.status == Status.OFFERED
    assert offered.hold_expires_at == clock() + timedelta(hours=24)
    assert status(waiting[1]) == Status.WAITING
    # The offered seat is held: nobody else can take it, and the counters say so.
    event.refresh_from_db()
    assert (event.confirmed_count, event.held_count, event.waiting_count) == (1, 1, 1)
    assert_counters_match_rows(event)
    mail = OutboxMessage.objects.get(kind="events.offered", to=offered.email)
    assert offered.manage_token in mail.body_text
    assert AuditEntry.objects.filter(action="events.registration.offered").count() == 1


def test_claiming_confirms_the_seat_and_sends_the_confirmation(full_event):
    event, seated, waiting = full_event
    services.registration_cancel(registration=seated[0])
    claimed = services.offer_claim(registration=waiting[0])
    assert claimed.status == Status.CONFIRMED
    assert claimed.hold_expires_at is None
    assert OutboxMessage.objects.filter(kind="events.confirmation", to=claimed.email).exists()
    # Claiming twice is a 409 and changes nothing.
    with pytest.raises(Conflict) as caught:
        services.offer_claim(registration=waiting[0])
    assert caught.value.code == "no_offer"
    assert status(waiting[1]) == Status.WAITING
    assert_counters_match_rows(event)


def test_an_unclaimed_offer_passes_on_to_the_next(full_event, clock):
    event, seated, waiting = full_event
    services.registration_cancel(registration=seated[0])
    clock.advance(hours=24, seconds=1)
    tasks.housekeep_events.call()  # the worker's periodic run
    assert status(waiting[0]) == Status.EXPIRED
    assert status(waiting[1]) == Status.OFFERED
    assert OutboxMessage.objects.filter(kind="events.offer_lapsed", to=waiting[0].email).exists()
    # Too late to claim: the seat is someone else's offer now.
    with pytest.raises(Conflict) as caught:
        services.offer_claim(registration=waiting[0])
    assert caught.value.code == "no_offer"
    assert_counters_match_rows(event)


def test_a_claim_after_the_deadline_fails_even_before_the_worker_ran(full_event, clock):
    """Every seat decision serves what is due first, so a late claim finds the offer gone."""
    _event, seated, waiting = full_event
    services.registration_cancel(registration=seated[0])
    clock.advance(hours=25)
    with pytest.raises(Conflict):
        services.offer_claim(registration=waiting[0])
    assert status(waiting[0]) == Status.EXPIRED
    assert status(waiting[1]) == Status.OFFERED


def test_saying_no_thanks_hands_the_offer_on(full_event):
    event, seated, waiting = full_event
    services.registration_cancel(registration=seated[0])
    services.registration_cancel(registration=waiting[0])
    assert status(waiting[0]) == Status.CANCELLED
    assert status(waiting[1]) == Status.OFFERED
    assert_counters_match_rows(event)


def test_an_offer_with_approval_required_is_held_for_the_manager_once_claimed(personas, clock):
    event = EventFactory(
        capacity=1, waitlist_offer_hours=4, quota_lock_until=None, approval_required=True
    )
    first = register(event, personas.org_a).registration
    second = register(event, personas.org_a).registration
    services.approval_decide(registration=first, approve=False)
    assert status(second) == Status.OFFERED
    claimed = services.offer_claim(registration=second)
    assert claimed.status == Status.PENDING_APPROVAL
    assert claimed.approval_token
    assert OutboxMessage.objects.filter(kind="events.approval_request").count() == 2
    assert_counters_match_rows(event)


def test_the_offer_holds_the_sessions_that_still_have_room(personas, clock):
    event = EventFactory(capacity=1, waitlist_offer_hours=24, quota_lock_until=None)
    session = SessionFactory(event=event, capacity=5)
    first = register(event, personas.org_a, sessions=[session.pk]).registration
    second = register(event, personas.org_a, sessions=[session.pk]).registration
    services.registration_cancel(registration=first)
    session.refresh_from_db()
    assert status(second) == Status.OFFERED and session.taken_count == 1
    clock.advance(hours=25)
    tasks.housekeep_events.call()
    session.refresh_from_db()
    assert status(second) == Status.EXPIRED and session.taken_count == 0
    assert_counters_match_rows(event)


# ---- The default and the quota phase are unchanged -----------------------------------------


def test_without_a_claim_window_the_seat_is_given_at_once(personas, clock):
    event = EventFactory(capacity=1, quota_lock_until=None)
    first = register(event, personas.org_a).registration
    second = register(event, personas.org_a).registration
    services.registration_cancel(registration=first)
    assert status(second) == Status.CONFIRMED
    assert not OutboxMessage.objects.filter(kind="events.offered").exists()


def test_before_the_release_a_freed_quota_seat_is_given_at_once(conference, personas, clock):
    event = services.event_update(actor=None, event=conference.event, waitlist_offer_hours=24)
    first = register(event, personas.org_a).registration
    register(event, personas.org_a)
    third = register(event, personas.org_a).registration
    assert status(third) == Status.WAITING
    services.registration_cancel(registration=first)
    assert status(third) == Status.CONFIRMED


def test_the_release_offers_the_freed_seats_to_the_waiting_list(conference, personas, clock):
    event = services.event_update(actor=None, event=conference.event, waitlist_offer_hours=12)
    register(event, personas.org_a)
    register(event, personas.org_a)
    waiting = register(event, personas.org_a).registration
    clock.set(event.quota_lock_until + timedelta(minutes=1))
    tasks.release_event.call(event.pk)
    assert status(waiting) == Status.OFFERED
    assert_counters_match_rows(event)


# ---- Pages and API ---------------------------------------------------------------------------


def test_the_manage_page_offers_the_claim_and_the_claim_confirms(client, full_event):
    _event, seated, waiting = full_event
    services.registration_cancel(registration=seated[0])
    token = waiting[0].manage_token
    page = client.get(reverse("events_public:manage", args=[token]))
    assert page.status_code == 200
    assert reverse("events_public:claim", args=[token]) in page.content.decode()
    answer = client.post(reverse("events_public:claim", args=[token]))
    assert answer.status_code == 302
    assert status(waiting[0]) == Status.CONFIRMED
    # A second claim says why, in Swedish, with focus on the message.
    again = client.post(reverse("events_public:claim", args=[token]))
    assert again.status_code == 409
    assert 'id="error-summary"' in again.content.decode()
    assert "Ingen plats erbjuds" in again.content.decode()


def test_the_api_claims_an_offer(client, full_event):
    _event, seated, waiting = full_event
    services.registration_cancel(registration=seated[0])
    url = f"/api/v1/public/offers/{waiting[0].manage_token}/claim"
    answer = client.post(url)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "confirmed"
    again = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert again.json()["code"] == "no_offer"
    assert client.post("/api/v1/public/offers/nonsense/claim").status_code == 404


def test_the_offer_mail_in_both_languages(full_event):
    _event, seated, waiting = full_event
    Registration.objects.filter(pk=waiting[0].pk).update(language="en")
    services.registration_cancel(registration=seated[0])
    english = OutboxMessage.objects.get(kind="events.offered")
    assert english.subject.startswith("A seat is offered to you")
    assert "passes on to the next person waiting" in english.body_text
    services.offer_claim(registration=waiting[0])
    services.registration_cancel(registration=seated[1])
    swedish = OutboxMessage.objects.get(kind="events.offered", to=waiting[1].email)
    assert swedish.subject.startswith("En plats erbjuds dig")
