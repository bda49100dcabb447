"""The domain rule through an organisation's link: an address outside the organisation's
e-mail domains is refused (400 ``wrong_domain``, naming the domains) when the organisation
has domains; the same rule for the page, the API and a signed-in person, the same function
as the hand-over to a colleague (whose message is its own)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from jamlik.core.errors import Invalid
from jamlik.events import services
from jamlik.events.models import Registration
from tests.factories.events import register
from tests.factories.orgs import OrganisationFactory

pytestmark = pytest.mark.django_db


def link_url(event, organisation):
    return f"/r/{services.link_ensure(event=event, organisation=organisation).token}"


def form_data(**extra):
    data = {"name": "Åsa Öberg", "category": "employee", "consent": "on"}
    data.update(extra)
    return data


def test_page_refuses_an_address_outside_the_link_s_domains_naming_them(
    conference, personas, client
):
    response = client.post(
        link_url(conference.event, personas.org_a), form_data(email="asa@gmail.example")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Länken gäller Förvaltning A: adressen måste sluta på @a.example" in html
    assert 'id="id_email_error"' in html
    assert Registration.objects.count() == 0


def test_the_refusal_in_english(conference, personas, client):
    response = client.post(
        link_url(conference.event, personas.org_a),
        form_data(email="asa@gmail.example"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert (
        "This link is for Förvaltning A: the address must end in @a.example"
        in response.content.decode()
    )


def test_every_domain_is_named_and_any_of_them_will_do(conference, personas):
    organisation = OrganisationFactory(
        name="Förvaltning C", parent=personas.city, domains=["c.example", "C2.example"]
    )
    with translation.override("sv"), pytest.raises(Invalid) as refused:
        register(conference.event, organisation, email="p@b.example")
    assert refused.value.code == "wrong_domain"
    assert refused.value.errors[0]["field"] == "email"
    assert "@c.example eller @c2.example" in str(refused.value.message)
    # Case does not matter.
    assert register(conference.event, organisation, email="p@c2.EXAMPLE").created


def test_an_organisation_without_domains_takes_any_address(conference, personas):
    outcome = register(conference.event, personas.unit_a, email="p@anywhere.example")
    assert outcome.created


def test_the_api_through_a_link_follows_the_same_rule(conference, personas):
    token = services.link_ensure(event=conference.event, organisation=personas.org_a).token
    body = {"name": "Bo Ek", "email": "bo@b.example", "category": "employee", "consent": True}
    response = personas.api().post(f"/api/v1/public/links/{token}/registrations", body)
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_domain"
    assert "@a.example" in response.json()["detail"]
    body["email"] = "bo@a.example"
    ok = personas.api().post(f"/api/v1/public/links/{token}/registrations", body)
    assert ok.status_code == 201


def test_the_public_event_page_has_no_domain_rule(conference, personas, client, clock):
    clock.set(conference.event.quota_lock_until + timedelta(minutes=1))
    response = client.post(
        f"/e/{conference.event.pk}",
        form_data(organisation=str(personas.org_a.pk), email="asa@gmail.example"),
    )
    assert response.status_code == 302
    assert Registration.objects.get().organisation == personas.org_a


def test_an_address_that_holds_a_registration_still_gets_it_back(conference, personas):
    # Registered before the rule (or by the organiser): the double submit answers as always.
    first = register(conference.event, None, email="asa@gmail.example")
    again = register(conference.event, personas.org_a, email="asa@gmail.example")
    assert not again.created and again.registration.pk == first.registration.pk


def test_the_hand_over_keeps_its_own_message(conference, personas, client):
    outcome = register(conference.event, personas.org_a)
    response = client.post(
        f"/m/{outcome.registration.manage_token}/transfer",
        {"name": "Kollega", "email": "kollega@b.example"},
    )
    assert response.status_code == 400
    assert "Kollegans adress måste sluta på @a.example." in response.content.decode()
