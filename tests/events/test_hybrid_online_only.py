"""Hybrid: when the seats on site are gone and online ones are not, the visitor can still
register, online (docs/rules.md#events-visitor-options, ``online_only``): the public page,
the link page, the public API and the registration service agree."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jamlik.events import decisions
from jamlik.events.decisions import Room
from jamlik.events.models import Registration
from tests.factories.events import AllocationFactory, EventFactory, register

pytestmark = pytest.mark.django_db

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_online_only%40thread.v2/0"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _options(*, event_room, online_room, waitlist=False, allocation_room=None, binding=False):
    open_event = EventFactory.build(
        status="published", opens_at=None, closes_at=None, quota_lock_until=None
    )
    if binding:
        open_event.quota_lock_until = datetime(2030, 1, 1, tzinfo=UTC)
    return decisions.visitor_options(
        open_event,
        NOW,
        via_link=True,
        event_room=event_room,
        allocation_room=allocation_room,
        waitlist_enabled=waitlist,
        online_room=online_room,
    )


def test_online_only_when_the_seats_on_site_are_gone():
    full, free = Room(limit=2, taken=2), Room(limit=3, taken=1)
    assert _options(event_room=full, online_room=free) == decisions.VisitorOptions(
        True, decisions.OUTCOME_SEAT, decisions.ONLINE_ONLY
    )
    # The online waiting list, when the online seats are gone too.
    online_full = Room(limit=1, taken=1)
    waiting = _options(event_room=full, online_room=online_full, waitlist=True)
    # A waiting list takes on-site registrations first: the visitor is not sent online.
    assert waiting.outcome == decisions.OUTCOME_WAITING_LIST
    assert waiting.reason == decisions.EVENT_FULL
    # Nothing left anywhere: refused with the on-site reason, as before.
    assert _options(event_room=full, online_room=online_full) == decisions.VisitorOptions(
        False, decisions.OUTCOME_NONE, decisions.EVENT_FULL
    )
    # A full quota while the quotas bind: online seats are outside the quotas.
    quota_full = _options(
        event_room=Room(limit=10, taken=1),
        allocation_room=Room(limit=1, taken=1),
        online_room=free,
        binding=True,
    )
    assert (quota_full.can_register, quota_full.reason) == (True, decisions.ONLINE_ONLY)
    # Not hybrid: unchanged.
    assert _options(event_room=full, online_room=None).reason == decisions.EVENT_FULL


def _full_on_site(personas):
    event = EventFactory(
        capacity=1,
        online_capacity=2,
        meeting_url=TEAMS,
        quota_lock_until=None,
        waitlist_enabled=False,
    )
    AllocationFactory(event=event, quota=1, organisations=[personas.org_a])
    register(event, personas.org_a)  # the one seat on site
    return event


def test_page_api_and_service_agree_on_online_only(personas, clock, client):
    event = _full_on_site(personas)
    api = personas.api()
    said = api.get(f"/api/v1/public/events/{event.pk}").json()["registration"]
    assert said["can_register"] and said["outcome"] == "seat"
    assert said["reason"] == "online_only"
    assert "distans" in said["message"]
    body = {"name": "Nät Person", "email": "nat@x.example", "category": "employee", "consent": True}
    on_site = api.post(f"/api/v1/public/events/{event.pk}/registrations", body)
    assert on_site.status_code == 409 and on_site.json()["code"] == "event_full"
    online = api.post(
        f"/api/v1/public/events/{event.pk}/registrations", {**body, "participation": "online"}
    )
    assert online.status_code == 201 and online.json()["status"] == "confirmed"

    # The page shows the form, with online as the one choice, already chosen.
    html = client.get(f"/e/{event.pk}").content.decode()
    assert 'name="consent"' in html
    assert 'value="online"' in html and 'value="on_site"' not in html
    assert "checked" in html.split('value="online"')[1].split(">")[0]
    response = client.post(
        f"/e/{event.pk}",
        {
            "organisation": "external",
            "name": "Nät Person Två",
            "email": "nat2@x.example",
            "category": "employee",
            "participation": "online",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Registration.objects.get(email="nat2@x.example").participation == "online"


def test_the_link_page_offers_online_alone_and_in_english(personas, clock, client):
    from jamlik.events import services

    event = _full_on_site(personas)
    token = services.link_ensure(event=event, organisation=personas.org_a).token
    html = client.get(f"/r/{token}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="consent"' in html
    assert 'value="online"' in html and 'value="on_site"' not in html
    assert "The seats on site are taken" in html
    said = personas.api().get(f"/api/v1/public/links/{token}").json()["registration"]
    assert said["reason"] == "online_only" and said["can_register"]
