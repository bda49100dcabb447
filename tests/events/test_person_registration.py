"""Registering as the employee signed in through the directory (identity.person): the
sign-in button only when sign-in is available, name and e-mail from the claims as text,
the organisation from the claims (and its allocation), the link's organisation rule, the
manager from the claims, one registration per person, and the key dropped on anonymising."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import NoReverseMatch

from jamlik.events import services
from jamlik.events.errors import OtherOrganisation
from jamlik.events.models import Allocation, Registration, Status
from tests.events.people import person, sign_in, switch_on_sign_in
from tests.factories.events import EventFactory, register

pytestmark = pytest.mark.django_db


def link_url(event, organisation):
    return f"/r/{services.link_ensure(event=event, organisation=organisation).token}"


def form_data(**extra):
    data = {"category": "employee", "title": "Utredare", "consent": "on"}
    data.update(extra)
    return data


# ---- The button ----------------------------------------------------------------------------


def test_no_sign_in_button_when_sign_in_is_not_available(conference, personas, client):
    html = client.get(link_url(conference.event, personas.org_a)).content.decode()
    assert "Logga in och anmäl dig" not in html
    assert 'name="email"' in html


def test_link_page_offers_sign_in_with_next_and_keeps_the_typed_form(
    conference, personas, client, settings, monkeypatch
):
    sign_in_path = switch_on_sign_in(settings, monkeypatch)
    url = link_url(conference.event, personas.org_a)
    html = client.get(url).content.decode()
    assert "Logga in och anmäl dig" in html
    assert f'href="{sign_in_path}?next={quote(url, safe="")}"' in html
    # The typed form stays for people without an account.
    assert "Anmäl dig utan jobbkonto" in html and 'name="email"' in html and 'name="name"' in html


def test_public_page_offers_sign_in_in_english(
    conference, personas, client, settings, monkeypatch, clock
):
    switch_on_sign_in(settings, monkeypatch)
    clock.set(conference.event.quota_lock_until + timedelta(minutes=1))
    html = client.get(f"/e/{conference.event.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in and register" in html and "Register without a work account" in html


def test_no_button_when_issuer_is_set_but_the_route_is_missing(
    conference, personas, client, settings, monkeypatch
):
    import jamlik.events.people as people

    settings.OIDC_ISSUER = "https://idp.example"

    def no_route(name, *args, **kwargs):
        raise NoReverseMatch(name)

    monkeypatch.setattr(people, "reverse", no_route)
    html = client.get(link_url(conference.event, personas.org_a)).content.decode()
    assert "Logga in och anmäl dig" not in html and 'name="email"' in html


# ---- The form of a signed-in person ---------------------------------------------------------


def test_signed_in_person_sees_name_and_email_as_text_not_inputs(
    conference, personas, client, settings, monkeypatch
):
    switch_on_sign_in(settings, monkeypatch)
    sign_in(client, person())
    html = client.get(link_url(conference.event, personas.org_a)).content.decode()
    assert "Anna Berg" in html and "anna.berg@a.example" in html
    assert 'name="name"' not in html and 'name="email"' not in html
    assert "Du är inloggad med ditt jobbkonto" in html
    assert "Logga in och anmäl dig" not in html


def test_signed_in_person_registers_through_link_from_the_claims(conference, personas, client):
    someone = sign_in(client, person())
    url = link_url(conference.event, personas.org_a)
    # What the browser sends for name and e-mail is not used.
    response = client.post(url, form_data(name="Någon Annan", email="annan@a.example"))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.name == "Anna Berg" and registration.email == "anna.berg@a.example"
    assert registration.person_key == someone.key == "https://idp.example|sub-anna"
    assert registration.organisation == personas.org_a
    # The seat counts against the allocation of the person's organisation.
    assert registration.allocation_id == conference.a.pk
    assert Allocation.objects.get(pk=conference.a.pk).confirmed_count == 1


def test_person_of_a_unit_registers_through_the_link_of_the_unit_s_organisation(
    conference, personas, client
):
    sign_in(client, person(organisation_code="a1", email="e@a.example"))
    response = client.post(link_url(conference.event, personas.org_a), form_data())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.organisation == personas.unit_a
    assert registration.allocation_id == conference.a.pk  # the unit's nearest allocation


def test_person_of_another_organisation_is_refused_on_a_link_naming_their_organisation(
    conference, personas, client
):
    sign_in(client, person(organisation_code="B", email="anna@b.example"))
    url = link_url(conference.event, personas.org_a)
    html = client.get(url).content.decode()
    assert "Du är inloggad som anställd i Förvaltning B" in html
    assert "den här länken gäller Förvaltning A" in html
    assert 'name="consent"' not in html
    response = client.post(url, form_data())
    assert response.status_code == 403
    assert "Förvaltning B" in response.content.decode()
    assert Registration.objects.count() == 0


def test_refusal_of_another_organisation_in_english(conference, personas, client):
    sign_in(client, person(organisation_code="B", email="anna@b.example"))
    response = client.post(
        link_url(conference.event, personas.org_a), form_data(), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "You are signed in as an employee of Förvaltning B" in response.content.decode()


def test_person_of_a_parent_organisation_may_not_use_a_child_s_link(conference, personas):
    with pytest.raises(OtherOrganisation):
        services.registration_create_as_person(
            event=conference.event,
            person=person(organisation_code="CITY", email="anna@stad.example"),
            link_organisation=personas.org_a,
            category="employee",
            consent=True,
        )


def test_person_without_known_organisation_registers_as_the_link_s(conference, personas):
    outcome = services.registration_create_as_person(
        event=conference.event,
        person=person(organisation_code="OKÄND"),
        link_organisation=personas.org_a,
        category="employee",
        consent=True,
    )
    assert outcome.registration.organisation == personas.org_a
    assert outcome.registration.allocation_id == conference.a.pk


def test_public_page_takes_the_organisation_from_the_claims(conference, personas, client, clock):
    clock.set(conference.event.quota_lock_until + timedelta(minutes=1))
    sign_in(client, person(organisation_code="B", email="anna@b.example"))
    url = f"/e/{conference.event.pk}"
    html = client.get(url).content.decode()
    assert 'name="organisation"' not in html and "Förvaltning B" in html
    # An organisation sent anyway is not used.
    response = client.post(url, form_data(organisation=str(personas.org_a.pk)))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.organisation == personas.org_b
    assert registration.allocation_id == conference.b.pk
    assert Allocation.objects.get(pk=conference.b.pk).confirmed_count == 1


def test_public_page_asks_the_organisation_when_the_claims_name_none(
    conference, personas, client, clock
):
    clock.set(conference.event.quota_lock_until + timedelta(minutes=1))
    sign_in(client, person(organisation_code="", email="anna@partner.example"))
    url = f"/e/{conference.event.pk}"
    assert 'name="organisation"' in client.get(url).content.decode()
    response = client.post(url, form_data(organisation="external", category="partner"))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.organisation is None and registration.person_key


def test_manager_email_comes_from_the_claims_when_approval_is_required(personas, client):
    event = EventFactory(approval_required=True, quota_lock_until=None)
    sign_in(client, person(manager_email="chef@a.example"))
    url = link_url(event, personas.org_a)
    html = client.get(url).content.decode()
    assert 'name="manager_email"' not in html and "chef@a.example" in html
    response = client.post(url, form_data(manager_email="annan.chef@a.example"))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.manager_email == "chef@a.example"
    assert registration.status == Status.PENDING_APPROVAL


def test_manager_email_is_typed_when_the_claims_have_none(personas, client):
    event = EventFactory(approval_required=True, quota_lock_until=None)
    sign_in(client, person())
    url = link_url(event, personas.org_a)
    assert 'name="manager_email"' in client.get(url).content.decode()
    missing = client.post(url, form_data())
    assert missing.status_code == 400 and Registration.objects.count() == 0
    response = client.post(url, form_data(manager_email="chef@a.example"))
    assert response.status_code == 302
    assert Registration.objects.get().manager_email == "chef@a.example"


def test_signed_in_person_outside_the_link_s_domains_is_refused(conference, personas, client):
    sign_in(client, person(organisation_code="", email="anna@gmail.example"))
    response = client.post(link_url(conference.event, personas.org_a), form_data())
    assert response.status_code == 400
    assert "adressen måste sluta på @a.example" in response.content.decode()
    assert Registration.objects.count() == 0


# ---- Once ---------------------------------------------------------------------------------------


def test_person_cannot_register_a_second_time(conference, personas, client):
    sign_in(client, person())
    url = link_url(conference.event, personas.org_a)
    assert client.post(url, form_data()).status_code == 302
    registration = Registration.objects.get()
    html = client.get(url).content.decode()
    assert "Du är redan anmäld till det här evenemanget" in html
    assert f"/m/{registration.manage_token}" in html and 'name="consent"' not in html
    again = client.post(url, form_data())
    assert again.status_code == 409
    assert Registration.objects.count() == 1


def test_the_service_gives_a_person_their_registration_back_even_with_a_new_address(
    conference, personas
):
    first = services.registration_create_as_person(
        event=conference.event,
        person=person(),
        link_organisation=personas.org_a,
        category="employee",
        consent=True,
    )
    again = services.registration_create_as_person(
        event=conference.event,
        person=person(email="anna.berg.ny@a.example"),
        link_organisation=personas.org_a,
        category="employee",
        consent=True,
    )
    assert first.created and not again.created
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1


def test_a_cancelled_person_may_register_again(conference, personas, client):
    sign_in(client, person())
    url = link_url(conference.event, personas.org_a)
    client.post(url, form_data())
    services.registration_cancel(registration=Registration.objects.get())
    assert client.post(url, form_data()).status_code == 302
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 1


def test_typed_registrations_have_no_key_and_the_api_is_unchanged(conference, personas):
    typed = register(conference.event, personas.org_a).registration
    assert typed.person_key == ""
    token = services.link_ensure(event=conference.event, organisation=personas.org_a).token
    body = {"name": "Bo Ek", "email": "bo@a.example", "category": "employee", "consent": True}
    response = personas.api().post(f"/api/v1/public/links/{token}/registrations", body)
    assert response.status_code == 201
    assert Registration.objects.get(email="bo@a.example").person_key == ""


# ---- Anonymising ----------------------------------------------------------------------------


def test_anonymised_registrations_drop_the_key(conference, personas, client, clock):
    sign_in(client, person())
    client.post(link_url(conference.event, personas.org_a), form_data())
    registration = Registration.objects.get()
    assert registration.person_key
    services.registration_anonymise(actor=None, registration=registration)
    registration.refresh_from_db()
    assert registration.person_key == "" and registration.anonymised_at is not None


def test_anonymising_after_the_event_drops_the_keys(conference, personas, clock, settings):
    outcome = services.registration_create_as_person(
        event=conference.event,
        person=person(),
        link_organisation=personas.org_a,
        category="employee",
        consent=True,
    )
    clock.set(conference.event.ends_at + timedelta(days=400))
    services.registrations_anonymise_due()
    outcome.registration.refresh_from_db()
    assert outcome.registration.anonymised_at is not None
    assert outcome.registration.person_key == ""
