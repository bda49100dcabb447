""" "Mina anmälningar" (/mina-anmalningar/): the signed-in person's own registrations, by
their directory identity only; why there is nothing without a signed-in person; a fixed
number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamlik.events import services
from jamlik.events.models import Registration
from tests.events.people import person, sign_in, switch_on_sign_in
from tests.factories.events import EventFactory, register

pytestmark = pytest.mark.django_db

URL = "/mina-anmalningar/"


def register_as(someone, event, organisation):
    return services.registration_create_as_person(
        event=event,
        person=someone,
        link_organisation=organisation,
        category="employee",
        consent=True,
    ).registration


def test_the_address_is_named_in_swedish(client):
    from django.urls import reverse

    assert reverse("events_public:my_registrations") == URL


def test_without_a_signed_in_person_it_says_why_and_offers_sign_in(client, settings, monkeypatch):
    sign_in_path = switch_on_sign_in(settings, monkeypatch)
    html = client.get(URL).content.decode()
    assert "<h1>Mina anmälningar</h1>" in html
    assert "Du är inte inloggad" in html
    assert f'href="{sign_in_path}?next=%2Fmina-anmalningar%2F"' in html


def test_without_sign_in_available_it_points_to_the_e_mailed_link(client):
    html = client.get(URL).content.decode()
    assert "Inloggning med jobbkonto finns inte här" in html
    assert "?next=" not in html


def test_lists_the_person_s_registrations_with_status_and_manage_link(conference, personas, client):
    anna = sign_in(client, person())
    registration = register_as(anna, conference.event, personas.org_a)
    html = client.get(URL).content.decode()
    assert conference.event.title in html
    assert "Bekräftad" in html
    assert f"/m/{registration.manage_token}" in html
    assert "Inloggad som Anna Berg" in html


def test_lists_only_their_own(conference, personas, client):
    anna = sign_in(client, person())
    other_event = EventFactory(title="Annans konferens", quota_lock_until=None)
    register_as(
        person(subject="sub-bo", email="bo@a.example", name="Bo Ek"), other_event, personas.org_a
    )
    # Typed with Anna's address but without signing in: not hers by key, so not listed.
    typed_event = EventFactory(title="Skriven anmälan", quota_lock_until=None)
    typed = register(typed_event, personas.org_a, email=anna.email).registration
    own = register_as(anna, conference.event, personas.org_a)
    html = client.get(URL).content.decode()
    assert f"/m/{own.manage_token}" in html
    assert "Annans konferens" not in html and "Bo Ek" not in html
    assert "Skriven anmälan" not in html and f"/m/{typed.manage_token}" not in html


def test_the_same_subject_of_another_issuer_is_another_person(conference, personas, client):
    sign_in(client, person())
    stranger = person(issuer="https://other-idp.example", email="x@a.example")
    registration = register_as(stranger, conference.event, personas.org_a)
    assert f"/m/{registration.manage_token}" not in client.get(URL).content.decode()


def test_past_events_are_listed_apart(conference, personas, client, clock):
    anna = sign_in(client, person())
    register_as(anna, conference.event, personas.org_a)
    clock.set(conference.event.ends_at + timedelta(days=1))
    html = client.get(URL).content.decode()
    assert "Tidigare evenemang" in html and "Inga anmälningar till kommande evenemang." in html


def test_anonymised_registrations_are_not_listed(conference, personas, client):
    anna = sign_in(client, person())
    registration = register_as(anna, conference.event, personas.org_a)
    services.registration_anonymise(actor=None, registration=registration)
    assert f"/m/{registration.manage_token}" not in client.get(URL).content.decode()


def test_english(conference, personas, client):
    sign_in(client, person())
    register_as(person(), conference.event, personas.org_a)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>My registrations</h1>" in html and "Confirmed" in html
    assert "Coming events" in html and "Signed in as Anna Berg" in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_registrations(personas, client, clock):
    anna = sign_in(client, person())
    events = [EventFactory(quota_lock_until=None) for _ in range(20)]
    for event in events[:2]:
        register_as(anna, event, personas.org_a)
    few = _queries(client)
    for event in events[2:]:
        register_as(anna, event, personas.org_a)
    assert Registration.objects.filter(person_key=anna.key).count() == 20
    many = _queries(client)
    assert many == few, (few, many)
    assert many <= 4  # the session and the one list query (and, at most, its savepoints)
