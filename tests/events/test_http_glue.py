"""The pieces the pages and the API share are built once and say the same: the seats left for
a visitor (``selectors.seats_for_visitor``), the calendar download (``downloads``), the badge
list (``selectors.badge_registrations``) and the request's language (``core.i18n``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import translation

from jamlik.core.i18n import request_language
from jamlik.events import selectors, services
from jamlik.events.models import Registration
from tests.factories.events import register

pytestmark = pytest.mark.django_db


def _page_and_api(personas, event, organisation):
    token = services.link_ensure(event=event, organisation=organisation).token
    page = personas.web().get(f"/r/{token}")
    assert page.status_code == 200
    api = personas.api().get(f"/api/v1/public/links/{token}")
    assert api.status_code == 200
    return page.context, api.json()


def test_page_and_api_say_the_same_seats_left_in_every_phase(conference, personas, clock):
    """docs/rules.md#events-allocation: the allocation's seats (within the event's) in the
    quota phase; the event's free seats once the quotas stop binding, and when closed."""
    event = conference.event
    register(event, personas.org_a)
    register(event, personas.org_b)
    expected = {"quota": 1, "open": 8, "closed": 8}  # A: quota 2, one taken; event: 10 − 2

    for phase, moment in (
        ("quota", None),
        ("open", event.quota_lock_until + timedelta(minutes=1)),
        ("closed", event.closes_at + timedelta(minutes=1)),
    ):
        if moment is not None:
            clock.set(moment)
        page, api = _page_and_api(personas, event, personas.org_a)
        event.refresh_from_db()
        seats = selectors.seats_for_visitor(event, personas.org_a)
        assert page["phase"] == api["phase"] == seats.phase == phase
        assert page["seats_left"] == api["allocation"]["free"] == seats.seats_left
        assert seats.seats_left == expected[phase], phase
        assert api["allocation"]["name"] == seats.allocation.name == "A"


def test_visitor_in_no_allocation_has_no_seat_before_the_release(conference, personas, clock):
    event = conference.event
    assert selectors.seats_for_visitor(event, None).seats_left == 0
    clock.set(event.quota_lock_until + timedelta(minutes=1))
    event.refresh_from_db()
    assert selectors.seats_for_visitor(event, None).seats_left == event.free == 10


def test_calendar_download_is_kalender_ics_on_page_and_api(conference, personas):
    """The page and the API used to name the file differently (``kalender.ics`` and
    ``event-<id>.ics``); docs/rules.md#events-mail names the calendar file ``kalender.ics``."""
    registration = register(conference.event, personas.org_a).registration
    token = registration.manage_token
    page = personas.web().get(f"/m/{token}/calendar.ics")
    api = personas.api().get(f"/api/v1/public/registrations/{token}/calendar.ics")
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="kalender.ics"'
    assert page.content == api.content


def test_badges_page_and_api_list_the_same_people(conference, personas):
    for organisation in (personas.org_a, personas.org_b, personas.org_a):
        register(conference.event, organisation)
    people = selectors.badge_registrations(user=personas.admin, event=conference.event)
    assert [r.pk for r in people] == list(
        Registration.objects.filter(event=conference.event, status="confirmed")
        .order_by("organisation__name", "name", "id")
        .values_list("pk", flat=True)
    )
    page = personas.web(personas.admin).get(f"/events/{conference.event.pk}/badges.pdf")
    api = personas.api(personas.admin).get(f"/api/v1/events/{conference.event.pk}/badges.pdf")
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        expected = f'attachment; filename="namnbrickor-{conference.event.pk}.pdf"'
        assert response["Content-Disposition"] == expected


@pytest.mark.parametrize(
    ("code", "expected"), [("sv", "sv"), ("en", "en"), ("en-gb", "en"), ("de", "sv"), ("", "sv")]
)
def test_request_language(code, expected):
    request = RequestFactory().get("/")
    request.LANGUAGE_CODE = code
    with translation.override("sv"):
        assert request_language(request) == expected
    with translation.override("en" if expected == "en" else "sv"):
        assert request_language(None) == expected


def test_registration_language_follows_the_request_on_page_and_api(conference, personas):
    token = services.link_ensure(event=conference.event, organisation=personas.org_a).token
    body = {
        "name": "Ann Ek",
        "email": "ann.ek@a.example",
        "category": "employee",
        "consent": True,
    }
    answer = personas.api(language="en").post(f"/api/v1/public/links/{token}/registrations", body)
    assert answer.status_code == 201
    assert Registration.objects.get(pk=answer.json()["id"]).language == "en"
    page = personas.web().post(
        f"/r/{token}",
        {"name": "Bo Ek", "email": "bo.ek@a.example", "category": "employee", "consent": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 302
    assert Registration.objects.get(email="bo.ek@a.example").language == "en"
